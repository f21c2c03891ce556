/**
 * @module Deterministic embedding vectors: unit length, a pure function of (model, text, size).
 * The vector is a sum of per-word random directions plus a small whole-text part, so texts that
 * share words point in similar directions (cosine similarity means something in demos) while
 * different texts still differ.
 */
import type { TurnBudget } from '../../event-loop/turn-budget.js';
import { hashString, mixSeeds, Rng } from './random.js';

/** Weight of the whole-text direction next to the words' directions. */
const TEXT_WEIGHT = 0.35;

function direction(seed: number, dimensions: number): number[] {
  const rng = new Rng(seed);
  return Array.from({ length: dimensions }, () => rng.gaussian());
}

/**
 * A unit-length vector of `dimensions` floats for `text` under `model`. Every word costs a draw of
 * `dimensions` numbers (a text at a 4k-token context is a second of them), so the words are added
 * in the caller's turn budget: at once while it lasts, then in slices between which the event loop runs.
 */
export function embed(model: string, text: string, dimensions: number, budget: TurnBudget): number[] | Promise<number[]> {
  const size = Math.max(1, Math.floor(dimensions));
  const modelSeed = hashString(model);
  const sum = direction(mixSeeds(modelSeed, hashString(`text:${text}`)), size).map((v) => v * TEXT_WEIGHT);
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  for (let index = 0; index < words.length; index++) {
    if (budget.spent()) return addInSlices(sum, words, index, modelSeed, budget);
    addWord(sum, words[index]!, modelSeed);
  }
  return unit(sum);
}

async function addInSlices(sum: number[], words: readonly string[], index: number, modelSeed: number, budget: TurnBudget): Promise<number[]> {
  for (; index < words.length; index++) {
    if (budget.spent()) await budget.nextTurn();
    addWord(sum, words[index]!, modelSeed);
  }
  return unit(sum);
}

function addWord(sum: number[], word: string, modelSeed: number): void {
  const part = direction(mixSeeds(modelSeed, hashString(`word:${word}`)), sum.length);
  for (let i = 0; i < sum.length; i++) sum[i] = (sum[i] as number) + (part[i] as number);
}

function unit(sum: number[]): number[] {
  const norm = Math.sqrt(sum.reduce((acc, v) => acc + v * v, 0));
  // A zero vector cannot be normalised; it cannot occur with Gaussian draws, but stay total.
  if (norm === 0) return sum.map((_, i) => (i === 0 ? 1 : 0));
  return sum.map((v) => v / norm);
}
