/**
 * @module Turns the text the model "would" write into what it returns: cut at the token budget
 * (`maxTokens`) and before the first stop sequence, as tokenizer tokens.
 */
import { FinishReason } from './finish-reason.js';
import { findStop } from './stop-sequences.js';
import { decodeTokens, encodeText, tokenize, type TokenPiece } from './tokenizer.js';

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
 * `fullText` cut to `budget` tokens (undefined: no limit) and before the earliest of `stops`.
 * Only stop strings wholly inside the first `budget` tokens count, as in a real model that never
 * sees the tokens after its limit.
 */
export function cutText(fullText: string, budget: number | undefined, stops: readonly string[]): CutText {
  const ids = encodeText(fullText);
  const limited = budget !== undefined && ids.length > budget;
  const visibleIds = limited ? ids.slice(0, Math.max(0, budget)) : ids;
  const visible = limited ? decodeTokens(visibleIds) : fullText;
  const hit = findStop(visible, stops);
  if (hit) {
    const text = visible.slice(0, hit.index);
    const pieces = tokenize(text);
    return { text, pieces, reason: FinishReason.StopSequence, stopSequence: hit.sequence, exact: budget === undefined || pieces.length <= budget };
  }
  const pieces = tokenize(visible);
  if (limited) return { text: visible, pieces, reason: FinishReason.MaxTokens, exact: pieces.length === budget };
  return { text: visible, pieces, reason: FinishReason.EndOfText, exact: true };
}
