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

export function piecesOf(choice: Choice): Piece[] {
  const pieces: Piece[] = [];
  for (const token of choice.reasoning?.tokens ?? []) pieces.push({ kind: 'reasoning', token });
  for (const token of choice.tokens) pieces.push({ kind: 'content', token });
  choice.toolCalls.forEach((call, callIndex) => {
    const start = pieces.length;
    const nameTokens = countTokens(call.name);
    for (let i = 0; i < nameTokens; i++) pieces.push({ kind: 'call', call, callIndex, firstOfCall: false, lastOfCall: false });
    for (const token of call.tokens) pieces.push({ kind: 'call', call, callIndex, token, firstOfCall: false, lastOfCall: false });
    const first = pieces[start];
    const last = pieces[pieces.length - 1];
    if (first?.kind === 'call') first.firstOfCall = true;
    if (last?.kind === 'call' && pieces.length > start) last.lastOfCall = true;
  });
  return pieces;
}

/** Steps a run takes: the longest choice (at least one, so that an empty answer is still sent). */
export function stepCount(timelines: readonly Piece[][]): number {
  return Math.max(1, ...timelines.map((pieces) => pieces.length));
}

/** Tokens produced at `step` over all choices. */
export function tokensAtStep(timelines: readonly Piece[][], step: number): number {
  return timelines.filter((pieces) => step < pieces.length).length;
}
