/**
 * @module Log-probabilities for generated tokens. The rule, consistent for every token:
 * - the chosen token is the most likely one: its probability p is drawn from [0.35, 0.99];
 * - `topLogprobs: k` lists k entries, the chosen token first, then k-1 alternatives with strictly
 *   decreasing probability, each smaller than p, and all of them together summing to at most 1
 *   (the remaining mass 1-p is shared out geometrically);
 * - alternatives are distinct single tokens other than the chosen one, in the chosen token's
 *   style (a leading space when it has one, punctuation for punctuation);
 * - every entry carries its UTF-8 bytes.
 */
import type { Rng } from './random.js';
import { encodeText, tokenOf, type TokenPiece } from './tokenizer.js';
import { ADJECTIVES, ADVERBS, BASE_VERBS, NOUNS, PREPOSITIONS, VERBS } from './word-bank.js';

/** The most alternatives any API lets a request ask for. */
export const MAX_TOP_LOGPROBS = 20;

/** One candidate token at a position. */
export interface TokenAlternative {
  id: number;
  text: string;
  bytes: number[];
  /** Natural log of the probability; always <= 0. */
  logprob: number;
}

/** A generated token with its text, bytes and, when asked for, its logprob and alternatives. */
export interface GeneratedToken extends TokenPiece {
  logprob?: number;
  /** `topLogprobs` entries, most likely first; the first is this token itself. */
  topLogprobs?: TokenAlternative[];
}

interface Pool {
  spaced: TokenPiece[];
  bare: TokenPiece[];
  punctuation: TokenPiece[];
}

let pool: Pool | undefined;

/** Single-token candidates, built once on first use (it tokenizes a few hundred words). */
function candidatePool(): Pool {
  if (pool) return pool;
  const single = (text: string): TokenPiece | undefined => {
    const ids = encodeText(text);
    return ids.length === 1 ? tokenOf(ids[0] as number) : undefined;
  };
  const words = [...new Set([
    'the', 'a', 'an', 'and', 'of', 'to', 'in', 'is', 'it', 'that', 'for', 'on', 'with', 'as', 'this',
    'by', 'at', 'from', 'or', 'be', 'are', 'was', 'can', 'will', 'not', 'but', 'more', 'each', 'one',
    ...NOUNS, ...ADJECTIVES, ...VERBS, ...BASE_VERBS, ...ADVERBS, ...PREPOSITIONS,
  ])];
  const keep = (items: Array<TokenPiece | undefined>) => items.filter((item): item is TokenPiece => item !== undefined);
  pool = {
    spaced: keep(words.map((word) => single(` ${word}`))),
    bare: keep(words.map((word) => single(word))),
    punctuation: keep(['.', ',', ';', ':', '!', '?', '\n', '\n\n', ' -', ')', '(', '"', "'", '0', '1', '2', '5', '7', '9'].map(single)),
  };
  return pool;
}

function alternativesFor(chosen: TokenPiece, count: number, rng: Rng): TokenPiece[] {
  const { spaced, bare, punctuation } = candidatePool();
  const source = /^ [A-Za-z]/.test(chosen.text) ? spaced : /^[A-Za-z]/.test(chosen.text) ? bare : punctuation;
  // A rotation of the preferred list from a drawn start, then the other lists as a fallback
  // when the preferred one is too small for `count` distinct entries.
  const start = rng.int(0, Math.max(0, source.length - 1));
  const out: TokenPiece[] = [];
  const used = new Set([chosen.text]);
  for (let i = 0; i < source.length && out.length < count; i++) takeNew(source[(start + i) % source.length] as TokenPiece, used, out);
  for (const list of [spaced, bare, punctuation]) {
    for (let i = 0; i < list.length && out.length < count; i++) takeNew(list[i] as TokenPiece, used, out);
  }
  return out;
}

function takeNew(candidate: TokenPiece, used: Set<string>, out: TokenPiece[]): void {
  if (used.has(candidate.text)) return;
  used.add(candidate.text);
  out.push(candidate);
}

/**
 * `pieces` as generated tokens with logprobs: each gets a logprob and `topLogprobs` (0..20)
 * entries following the rule in the module comment. (Without logprobs, the tokens are the pieces.)
 */
export function withLogprobs(pieces: readonly TokenPiece[], topLogprobs: number, rng: Rng): GeneratedToken[] {
  return pieces.map((piece, position) => tokenWithLogprobs(piece, position, topLogprobs, rng));
}

/**
 * The token at `position` of `withLogprobs`: it depends on its own piece and position only, so a
 * long answer can be annotated a few tokens at a time.
 */
export function tokenWithLogprobs(piece: TokenPiece, position: number, topLogprobs: number, rng: Rng): GeneratedToken {
  const k = Math.max(0, Math.min(MAX_TOP_LOGPROBS, Math.floor(topLogprobs)));
  const token: GeneratedToken = { id: piece.id, text: piece.text, bytes: piece.bytes };
  const local = rng.fork(position);
  const p = local.float(0.35, 0.99);
  token.logprob = Math.log(p);
  if (k === 0) {
    token.topLogprobs = [];
    return token;
  }
  const top: TokenAlternative[] = [{ id: piece.id, text: piece.text, bytes: token.bytes, logprob: token.logprob }];
  // Shares r, r^2, ... (r <= 0.5) of the leftover mass 1-p <= 0.65: each below p >= 0.35,
  // strictly decreasing, and together below 1-p.
  const ratio = local.float(0.3, 0.5);
  let share = (1 - p) * ratio;
  for (const alt of alternativesFor(piece, k - 1, local)) {
    top.push({ id: alt.id, text: alt.text, bytes: alt.bytes, logprob: Math.log(share) });
    share *= ratio;
  }
  token.topLogprobs = top;
  return token;
}
