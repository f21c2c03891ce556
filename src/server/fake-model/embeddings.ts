/**
 * @module Deterministic embedding vectors: unit length, a pure function of (model, text, size).
 * The vector is a sum of per-word random directions plus a small whole-text part, so texts that
 * share words point in similar directions (cosine similarity means something in demos) while
 * different texts still differ.
 */
import { hashString, mixSeeds, Rng } from './random.js';

/** Weight of the whole-text direction next to the words' directions. */
const TEXT_WEIGHT = 0.35;

function direction(seed: number, dimensions: number): number[] {
  const rng = new Rng(seed);
  return Array.from({ length: dimensions }, () => rng.gaussian());
}

/** A unit-length vector of `dimensions` floats for `text` under `model`. */
export function embed(model: string, text: string, dimensions: number): number[] {
  const size = Math.max(1, Math.floor(dimensions));
  const modelSeed = hashString(model);
  const sum = direction(mixSeeds(modelSeed, hashString(`text:${text}`)), size).map((v) => v * TEXT_WEIGHT);
  for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    const part = direction(mixSeeds(modelSeed, hashString(`word:${word}`)), size);
    for (let i = 0; i < size; i++) sum[i] = (sum[i] as number) + (part[i] as number);
  }
  const norm = Math.sqrt(sum.reduce((acc, v) => acc + v * v, 0));
  // A zero vector cannot be normalised; it cannot occur with Gaussian draws, but stay total.
  if (norm === 0) return sum.map((_, i) => (i === 0 ? 1 : 0));
  return sum.map((v) => v / norm);
}
