/**
 * @module A streamed chat completion: the run's token timelines walked step by step at the run's
 * pace, each step's tokens written as chunks in the API's style (role on a choice's first chunk,
 * content, reasoning or tool-call deltas, the finish reason), then the usage chunk with empty
 * `choices` when it was asked for. The terminator (`data: [DONE]`) is the framing's, added by the
 * pipeline. Waiting uses timers tied to the stream's signal, so a client that leaves stops the run
 * at once and leaves no timer behind.
 */
import type { OutgoingStreamItem } from '../../../streams/index.js';
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

/**
 * The stream of one run. Ends quietly when `signal` aborts (the pipeline cancelled it); `onEnd` runs
 * in every case, from the generator's `finally`.
 */
export async function* streamChunks(run: ChatRun, style: WireStyle, signal: AbortSignal, onEnd: (end: StreamEnd) => void): AsyncGenerator<OutgoingStreamItem<unknown>> {
  const writer = new ChunkWriter(run, style);
  const end: StreamEnd = { completed: false, sent: 0 };
  try {
    const steps = stepCount(run.timelines);
    for (let step = 0; step < steps; step++) {
      await run.clock.untilStep(step, signal);
      for (const { choice, tokens } of writer.step(step)) {
        run.clock.record(tokens);
        end.sent++;
        yield { kind: 'item', value: writer.envelope([choice]) };
      }
    }
    if (run.input.includeUsage) {
      end.sent++;
      yield { kind: 'item', value: writer.envelope([], style.usage(usageFacts(run, style))) };
    }
    end.completed = true;
  } catch (error) {
    // Aborted while waiting for a step: the client is gone, nobody is left to tell.
    if (!signal.aborted) throw error;
  } finally {
    onEnd(end);
  }
}
