/**
 * @module A choice as the sequence of tokens the model produces, one per generation step: reasoning
 * first, then the content or the tool call (its name, then its arguments). Streaming and the pacing
 * of whole answers both walk this one sequence, so the timing of both counts the same tokens, and
 * the number of pieces is exactly the choice's completion tokens.
 */
import { countTokens, type Choice, type GeneratedToken, type ToolCall } from '../../fake-model/index.js';

export type Piece =
  | { kind: 'reasoning'; token: GeneratedToken }
  | { kind: 'content'; token: GeneratedToken }
  | {
      kind: 'call';
      call: ToolCall;
      /** Position of the call among the choice's calls. */
      callIndex: number;
      /** An argument token; absent for the tokens of the function name. */
      token?: GeneratedToken;
      firstOfCall: boolean;
      lastOfCall: boolean;
    };

interface CallSpan {
  call: ToolCall;
  /** Steps of the function name's tokens, before the argument tokens. */
  nameTokens: number;
  /** All its steps: name and arguments. */
  size: number;
}

const noCalls: readonly CallSpan[] = [];

/**
 * A choice's pieces, one per generation step, each made when its step is asked for: a run keeps its
 * timelines for the whole answer, and a thousand open streams would otherwise each hold an object
 * per token from the start.
 */
export class Timeline {
  readonly length: number;
  private readonly reasoning: readonly GeneratedToken[];
  private readonly content: readonly GeneratedToken[];
  private readonly calls: readonly CallSpan[];

  constructor(choice: Choice) {
    this.reasoning = choice.reasoning?.tokens ?? [];
    this.content = choice.tokens;
    this.calls = choice.toolCalls.length === 0 ? noCalls : choice.toolCalls.map((call) => {
      const nameTokens = countTokens(call.name);
      return { call, nameTokens, size: nameTokens + call.tokens.length };
    });
    this.length = this.reasoning.length + this.content.length + this.calls.reduce((sum, span) => sum + span.size, 0);
  }

  /** The piece of generation step `step`, or undefined past the end. */
  at(step: number): Piece | undefined {
    if (step < 0 || step >= this.length) return undefined;
    if (step < this.reasoning.length) return { kind: 'reasoning', token: this.reasoning[step]! };
    let offset = step - this.reasoning.length;
    if (offset < this.content.length) return { kind: 'content', token: this.content[offset]! };
    offset -= this.content.length;
    for (const [callIndex, span] of this.calls.entries()) {
      if (offset < span.size) {
        const piece: Piece = { kind: 'call', call: span.call, callIndex, firstOfCall: offset === 0, lastOfCall: offset === span.size - 1 };
        if (offset >= span.nameTokens) piece.token = span.call.tokens[offset - span.nameTokens]!;
        return piece;
      }
      offset -= span.size;
    }
    return undefined;
  }
}

/** Steps a run takes: the longest choice (at least one, so that an empty answer is still sent). */
export function stepCount(timelines: readonly Timeline[]): number {
  let steps = 1;
  for (const timeline of timelines) if (timeline.length > steps) steps = timeline.length;
  return steps;
}

/** Tokens produced over all choices in steps 0 to `step`. */
export function tokensUpTo(timelines: readonly Timeline[], step: number): number {
  let tokens = 0;
  for (const timeline of timelines) tokens += Math.min(timeline.length, step + 1);
  return tokens;
}
