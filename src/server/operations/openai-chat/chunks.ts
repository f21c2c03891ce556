/**
 * @module A streamed chat completion: the run's token timelines walked step by step at the run's
 * pace, each step's tokens written as chunks in the API's style (role on a choice's first chunk,
 * content, reasoning or tool-call deltas, the finish reason), then the usage chunk with empty
 * `choices` when it was asked for. The terminator (`data: [DONE]`) is the framing's, added by the
 * pipeline. The pipeline owns the waits (a `PacedProducer` only says when its next chunk is due),
 * so a client that leaves stops the run at once and leaves no timer behind.
 */
import type { OutgoingStreamItem } from '../../../streams/index.js';
import type { PacedProducer } from '../types.js';
import { chunkLogprobs } from '../shared/logprobs.js';
import type { WireStyle } from '../shared/wire-style.js';
import { clockedUsage, type ChatRun } from '../shared/run.js';
import type { RunClock } from '../../pacing/run-clock.js';
import { stepCount, type Piece, type Timeline } from '../shared/timeline.js';
import { callArgumentsDelta, callHeaderDelta, wholeCallDelta } from './tool-calls.js';

interface PieceDelta {
  delta: Record<string, unknown>;
  logprobs: unknown;
}

interface ChunkChoice {
  choice: Record<string, unknown>;
  /** Tokens this chunk carries (buffered ones included), for the timing record. */
  tokens: number;
}

/** What one piece adds to the delta; undefined when the style holds it back (a whole tool call in the making). */
function pieceDelta(piece: Piece, style: WireStyle): PieceDelta | undefined {
  switch (piece.kind) {
    case 'reasoning':
      return style.reasoningField ? { delta: { [style.reasoningField]: piece.token.text }, logprobs: null } : undefined;
    case 'content':
      return { delta: { content: piece.token.text }, logprobs: chunkLogprobs(piece.token, style.logprobs) };
    case 'call': {
      const calls = style.toolCalls;
      if (calls.streamed === 'whole') return piece.lastOfCall ? { delta: { tool_calls: [wholeCallDelta(piece.call, piece.callIndex, calls)] }, logprobs: null } : undefined;
      if (piece.firstOfCall) return { delta: { tool_calls: [callHeaderDelta(piece.call, piece.callIndex, piece.token?.text ?? '', calls)] }, logprobs: null };
      return piece.token ? { delta: { tool_calls: [callArgumentsDelta(piece.token.text, piece.callIndex, calls)] }, logprobs: null } : undefined;
    }
  }
}

/**
 * One choice as it streams: its pieces, its finish reason in the API's words, and what its chunks so
 * far have said. The stream keeps these instead of the run, so that an open stream holds none of the
 * prompt, the generated text or the request's settings.
 */
class ChoiceStream {
  /** Whether its first chunk (with the role) was sent. */
  started = false;
  /** Tokens held back (a whole tool call in the making), carried by its next chunk. */
  pending = 0;

  constructor(
    readonly timeline: Timeline,
    readonly index: number,
    readonly finishReason: string,
  ) {}
}

const noChunks: readonly ChunkChoice[] = [];

/**
 * A chunk of one choice as the writers take it: its JSON text (`json`), the stream's envelope text
 * (made once per stream) around the choice's own JSON, and the chunk as an object (`value`) only
 * when something reads it (the response checks do; the lean writer of most streams does not). Per
 * token this spares the envelope object and its serialization, the most a token allocated.
 */
class ChunkItem {
  readonly kind = 'item';

  constructor(
    private readonly stream: ChatChunks,
    private readonly choice: Record<string, unknown>,
    private readonly created: number,
  ) {}

  get value(): Record<string, unknown> {
    return this.stream.envelope([this.choice], this.created);
  }

  get json(): string {
    return this.stream.chunkJson(this.choice, this.created);
  }
}

/** The text after a chunk's choices, as `envelope` makes it: with or without `"usage":null`. */
const TAIL_WITHOUT_USAGE = ']}';
const TAIL_USAGE_NULL = '],"usage":null}';

/**
 * The stream of one run, as a `PacedProducer`: each step's chunks once the step is due, then the
 * usage chunk when asked for. A stream cut short is logged (with `log`) when it stops.
 */
export class ChatChunks implements PacedProducer {
  private readonly choices: readonly ChoiceStream[];
  private readonly steps: number;
  private readonly clock: RunClock;
  private readonly id: string;
  private readonly created: number;
  private readonly model: string | undefined;
  /**
   * A chunk's JSON up to its choices' first, as `envelope` writes it: the whole of it, or with a
   * `created` per chunk the part before that number (and `headAfterCreated` the rest). Made at the
   * first chunk, not in the request's set-up, where a burst of requests makes its garbage at once.
   */
  private head: string | undefined = undefined;
  private headAfterCreated: string | undefined = undefined;
  private readonly includeUsage: boolean;
  private readonly promptTokens: number;
  private readonly completionTokens: number;
  private readonly reasoningTokens: number;
  private step = 0;
  /** The chunks of the step reached last, not all taken yet. */
  private ready: readonly ChunkChoice[] = noChunks;
  private taken = 0;
  private usageSent = false;
  private ended = false;
  private sent = 0;

  constructor(
    run: ChatRun,
    private readonly style: WireStyle,
    /** Where a stream cut short is logged, and as what. */
    private readonly log: ((line: string) => void) | undefined,
    private readonly profileName: string,
    private readonly requestId: string,
  ) {
    const { choices } = run.generation;
    this.choices = run.timelines.map((timeline, c) => new ChoiceStream(timeline, choices[c]!.index, style.finishReason(choices[c]!.finishReason)));
    this.steps = stepCount(run.timelines);
    this.clock = run.clock;
    this.id = run.id;
    this.created = run.created;
    this.model = style.model(run.input.model);
    this.includeUsage = run.input.includeUsage;
    this.promptTokens = run.input.promptTokens;
    this.completionTokens = run.generation.usage.completionTokens;
    this.reasoningTokens = run.generation.usage.reasoningTokens;
  }

  next(): OutgoingStreamItem<unknown> | number | undefined {
    while (this.taken === this.ready.length) {
      if (this.step === this.steps) return this.last();
      const dueMs = this.clock.stepDue(this.step);
      if (dueMs !== undefined) return dueMs;
      // A step may hold back all its tokens (a whole tool call in the making): then on to the next.
      this.ready = this.chunksOf(this.step++);
      this.taken = 0;
    }
    const { choice, tokens } = this.ready[this.taken++]!;
    // Let the step's chunks go once taken: an open stream waits with nothing of them.
    if (this.taken === this.ready.length) {
      this.ready = noChunks;
      this.taken = 0;
    }
    this.clock.record(tokens);
    this.sent++;
    return new ChunkItem(this, choice, this.chunkCreated());
  }

  stop(): void {
    this.end(false);
  }

  /** `created` of a chunk made now. */
  private chunkCreated(): number {
    return this.style.createdPerChunk ? this.style.created(this.clock.epochMs()) : this.created;
  }

  /** A chunk around `choices`, made at `created`; `usage` only on the usage chunk. */
  envelope(choices: unknown[], created: number, usage?: unknown): Record<string, unknown> {
    const { style } = this;
    const chunk: Record<string, unknown> = { id: this.id, object: 'chat.completion.chunk', created };
    if (this.model !== undefined) chunk.model = this.model;
    if (style.systemFingerprint !== undefined) chunk.system_fingerprint = style.systemFingerprint;
    chunk.choices = choices;
    if (usage !== undefined) chunk.usage = usage;
    else if (style.usageOnOtherChunks === 'null') chunk.usage = null;
    return chunk;
  }

  /** `JSON.stringify(this.envelope([choice], created))`, from the envelope's text made once. */
  chunkJson(choice: Record<string, unknown>, created: number): string {
    const { style } = this;
    if (this.head === undefined) {
      const fingerprint = style.systemFingerprint;
      const beforeCreated = `{"id":${JSON.stringify(this.id)},"object":"chat.completion.chunk","created":`;
      const afterCreated = `${this.model !== undefined ? `,"model":${JSON.stringify(this.model)}` : ''}${fingerprint !== undefined ? `,"system_fingerprint":${JSON.stringify(fingerprint)}` : ''},"choices":[`;
      // Flat strings: a chain of the pieces would be walked again at every chunk.
      this.head = flat(style.createdPerChunk ? beforeCreated : `${beforeCreated}${JSON.stringify(this.created)}${afterCreated}`);
      if (style.createdPerChunk) this.headAfterCreated = flat(afterCreated);
    }
    const tail = style.usageOnOtherChunks === 'null' ? TAIL_USAGE_NULL : TAIL_WITHOUT_USAGE;
    const head = this.headAfterCreated === undefined ? this.head : `${this.head}${JSON.stringify(created)}${this.headAfterCreated}`;
    return `${head}${JSON.stringify(choice)}${tail}`;
  }

  /** The chunk choices of generation step `step`, choice after choice. */
  private chunksOf(step: number): ChunkChoice[] {
    const { style } = this;
    const out: ChunkChoice[] = [];
    for (const stream of this.choices) {
      const { timeline } = stream;
      // An empty answer (a stop sequence at the very start) still sends its role and finish at step 0.
      if (step >= Math.max(1, timeline.length)) continue;
      const piece = timeline.at(step);
      const last = step >= timeline.length - 1;
      const finishHere = last && style.finishChunk === 'on-last-piece';
      const made = piece ? pieceDelta(piece, style) : { delta: { content: '' }, logprobs: null };
      if (!made && !finishHere) {
        stream.pending += 1;
        continue;
      }
      let delta = made?.delta ?? {};
      if (!stream.started) {
        delta = { role: 'assistant', ...delta };
        stream.started = true;
      }
      const tokens = stream.pending + (piece ? 1 : 0);
      stream.pending = 0;
      out.push({ choice: { index: stream.index, delta, logprobs: made?.logprobs ?? null, finish_reason: finishHere ? stream.finishReason : null }, tokens });
      if (last && !finishHere) {
        const closing = style.finishChunk === 'empty-delta' ? {} : { content: '' };
        out.push({ choice: { index: stream.index, delta: closing, logprobs: null, finish_reason: stream.finishReason }, tokens: 0 });
      }
    }
    return out;
  }

  /** The usage chunk if asked for, then the end. */
  private last(): OutgoingStreamItem<unknown> | undefined {
    if (this.includeUsage && !this.usageSent) {
      this.usageSent = true;
      this.sent++;
      const facts = clockedUsage(this.promptTokens, this.completionTokens, this.reasoningTokens, this.clock, this.choices[0]?.finishReason ?? null);
      return { kind: 'item', value: this.envelope([], this.chunkCreated(), this.style.usage(facts)) };
    }
    this.end(true);
    return undefined;
  }

  private end(completed: boolean): void {
    if (this.ended) return;
    this.ended = true;
    if (!completed) this.log?.(`${this.profileName} chat stream ${this.requestId} stopped after ${this.sent} chunks: generation cancelled`);
  }
}

/** `text` as one flat string (V8 keeps a concatenation as a chain of its pieces until it is read). */
function flat(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}
