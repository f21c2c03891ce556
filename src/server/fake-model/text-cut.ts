/**
 * @module Turns the text the model "would" write into what it returns: cut at the token budget
 * (`maxTokens`) and before the first stop sequence, as tokenizer tokens.
 */
import { FinishReason } from './finish-reason.js';
import { findStop } from './stop-sequences.js';
import { decodeTokens, tokenize, tokensBefore, type TokenizedText, type TokenPiece } from './tokenizer.js';

/** The returned part of a text. */
export interface CutText {
  text: string;
  pieces: TokenPiece[];
  reason: typeof FinishReason.EndOfText | typeof FinishReason.StopSequence | typeof FinishReason.MaxTokens;
  stopSequence?: string;
  /**
   * False in the rare case where re-tokenizing the cut text does not give back the cut tokens
   * (a BPE merge across the cut), so that its token count would disagree with the budget. The
   * caller then writes a different text; the counts it reports are always the tokenizer's.
   */
  exact: boolean;
}

/**
 * `written` cut to `budget` tokens (undefined: no limit) and before the earliest of `stops`.
 * Only stop strings wholly inside the first `budget` tokens count, as in a real model that never
 * sees the tokens after its limit.
 */
export function cutText(written: TokenizedText, budget: number | undefined, stops: readonly string[]): CutText {
  const { tokens } = written;
  const limited = budget !== undefined && tokens.length > budget;
  const kept = limited ? Math.max(0, budget) : tokens.length;
  const visible = !limited ? written.text : written.joined ? written.text.slice(0, textLength(tokens, kept)) : decodeTokens(tokens.slice(0, kept).map((token) => token.id));
  const hit = findStop(visible, stops);
  if (hit) {
    const pieces = tokensOf(written, visible, hit.index);
    return { text: visible.slice(0, hit.index), pieces, reason: FinishReason.StopSequence, stopSequence: hit.sequence, exact: budget === undefined || pieces.length <= budget };
  }
  if (!limited) return { text: visible, pieces: tokens, reason: FinishReason.EndOfText, exact: true };
  const pieces = tokensOf(written, visible, visible.length);
  return { text: visible, pieces, reason: FinishReason.MaxTokens, exact: pieces.length === budget };
}

/** Characters of the first `count` tokens. */
function textLength(tokens: readonly TokenPiece[], count: number): number {
  let length = 0;
  for (let i = 0; i < count; i++) length += (tokens[i] as TokenPiece).text.length;
  return length;
}

/** The tokens of `visible.slice(0, end)`, as the tokenizer gives them. */
function tokensOf(written: TokenizedText, visible: string, end: number): TokenPiece[] {
  return written.joined ? tokensBefore(written, end) : tokenize(visible.slice(0, end));
}
