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
import { usageFacts, type ChatRun } from '../shared/run.js';
import { stepCount, type Piece } from '../shared/timeline.js';
import { callArgumentsDelta, callHeaderDelta, wholeCallDelta } from './tool-calls.js';

/** How a stream ended, for the log: `completed` false means it was cut (client gone, fault, shutdown). */
export interface StreamEnd {
  completed: boolean;
  /** Chunks handed to the pipeline. */
  sent: number;
}

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

/** Writes the chunks of one run; keeps, per choice, whether its role was sent and what it holds back. */
class ChunkWriter {
  private readonly started: boolean[];
  private readonly pending: number[];

  constructor(
    private readonly run: ChatRun,
    private readonly style: WireStyle,
  ) {
    this.started = run.timelines.map(() => false);
    this.pending = run.timelines.map(() => 0);
  }

  /** A chunk around `choices`; `usage` only on the usage chunk. */
  envelope(choices: unknown[], usage?: unknown): Record<string, unknown> {
    const { run, style } = this;
    const chunk: Record<string, unknown> = {
      id: run.id,
      object: 'chat.completion.chunk',
      created: style.createdPerChunk ? style.created(run.clock.epochMs()) : run.created,
    };
    const model = style.model(run.input.model);
    if (model !== undefined) chunk.model = model;
    if (style.systemFingerprint !== undefined) chunk.system_fingerprint = style.systemFingerprint;
    chunk.choices = choices;
    if (usage !== undefined) chunk.usage = usage;
    else if (style.usageOnOtherChunks === 'null') chunk.usage = null;
    return chunk;
  }

  /** The chunk choices of generation step `step`, choice after choice. */
  step(step: number): ChunkChoice[] {
    const { run, style } = this;
    const out: ChunkChoice[] = [];
    for (let c = 0; c < run.timelines.length; c++) {
      const timeline = run.timelines[c]!;
      // An empty answer (a stop sequence at the very start) still sends its role and finish at step 0.
      if (step >= Math.max(1, timeline.length)) continue;
      const choice = run.generation.choices[c]!;
      const piece = timeline.at(step);
      const last = step >= timeline.length - 1;
      const reason = style.finishReason(choice.finishReason);
      const finishHere = last && style.finishChunk === 'on-last-piece';
      const made = piece ? pieceDelta(piece, style) : { delta: { content: '' }, logprobs: null };
      if (!made && !finishHere) {
        this.pending[c]! += 1;
        continue;
      }
      let delta = made?.delta ?? {};
      if (!this.started[c]) {
        delta = { role: 'assistant', ...delta };
        this.started[c] = true;
      }
      const tokens = this.pending[c]! + (piece ? 1 : 0);
      this.pending[c] = 0;
      out.push({ choice: { index: choice.index, delta, logprobs: made?.logprobs ?? null, finish_reason: finishHere ? reason : null }, tokens });
      if (last && !finishHere) {
        const closing = style.finishChunk === 'empty-delta' ? {} : { content: '' };
        out.push({ choice: { index: choice.index, delta: closing, logprobs: null, finish_reason: reason }, tokens: 0 });
      }
    }
    return out;
  }
}

const noChunks: readonly ChunkChoice[] = [];

/**
 * The stream of one run, as a `PacedProducer`: each step's chunks once the step is due, then the
 * usage chunk when asked for. `onEnd` runs once, when the stream is complete or stopped.
 */
export class ChatChunks implements PacedProducer {
  private readonly writer: ChunkWriter;
  private readonly steps: number;
  private step = 0;
  /** The chunks of the step reached last, not all taken yet. */
  private ready: readonly ChunkChoice[] = noChunks;
  private taken = 0;
  private usageSent = false;
  private ended = false;
  private sent = 0;

  constructor(
    private readonly run: ChatRun,
    private readonly style: WireStyle,
    private readonly onEnd: (end: StreamEnd) => void,
  ) {
    this.writer = new ChunkWriter(run, style);
    this.steps = stepCount(run.timelines);
  }

  next(): OutgoingStreamItem<unknown> | number | undefined {
    const { run, writer } = this;
    while (this.taken === this.ready.length) {
      if (this.step === this.steps) return this.last();
      const dueMs = run.clock.stepDue(this.step);
      if (dueMs !== undefined) return dueMs;
      // A step may hold back all its tokens (a whole tool call in the making): then on to the next.
      this.ready = writer.step(this.step++);
      this.taken = 0;
    }
    const { choice, tokens } = this.ready[this.taken++]!;
    // Let the step's chunks go once taken: an open stream waits with nothing of them.
    if (this.taken === this.ready.length) {
      this.ready = noChunks;
      this.taken = 0;
    }
    run.clock.record(tokens);
    this.sent++;
    return { kind: 'item', value: writer.envelope([choice]) };
  }

  /** The usage chunk if asked for, then the end. */
  private last(): OutgoingStreamItem<unknown> | undefined {
    if (this.run.input.includeUsage && !this.usageSent) {
      this.usageSent = true;
      this.sent++;
      return { kind: 'item', value: this.writer.envelope([], this.style.usage(usageFacts(this.run, this.style))) };
    }
    this.end(true);
    return undefined;
  }

  stop(): void {
    this.end(false);
  }

  private end(completed: boolean): void {
    if (this.ended) return;
    this.ended = true;
    this.onEnd({ completed, sent: this.sent });
  }
}
