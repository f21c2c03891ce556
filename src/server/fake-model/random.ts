/**
 * @module Seeded randomness for the fake model: a stable string hash, seed mixing and a small
 * splitmix32 generator. Everything the fake model "decides" goes through here, so that the output
 * is a pure function of its inputs and never of `Math.random` or the clock.
 */

/** 32-bit murmur3-style hash of a string (UTF-16 code units). Stable across runs and platforms. */
export function hashString(text: string, seed = 0): number {
  return new StringHash(seed).add(text).digest();
}

/** `hashString` of a text given in parts, without joining them (the request key is hashed per request). */
export class StringHash {
  private h: number;
  private length = 0;

  constructor(seed = 0) {
    this.h = (seed ^ 0x811c9dc5) >>> 0;
  }

  add(text: string): this {
    let h = this.h;
    for (let i = 0; i < text.length; i++) {
      let k = Math.imul(text.charCodeAt(i), 0xcc9e2d51);
      k = (k << 15) | (k >>> 17);
      k = Math.imul(k, 0x1b873593);
      h ^= k;
      h = (h << 13) | (h >>> 19);
      h = (Math.imul(h, 5) + 0xe6546b64) | 0;
    }
    this.h = h;
    this.length += text.length;
    return this;
  }

  digest(): number {
    return fmix32(this.h ^ this.length);
  }
}

/** Murmur3 finaliser: spreads every input bit over the whole word. */
function fmix32(value: number): number {
  let h = value | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Combines seeds (any JS numbers, including non-32-bit request seeds) into one 32-bit seed. */
export function mixSeeds(...parts: readonly number[]): number {
  let h = 0x9e3779b9;
  for (const part of parts) {
    // Fold doubles through their decimal text: request seeds may exceed 32 bits or be negative.
    const word = Number.isInteger(part) && part >= 0 && part <= 0xffffffff ? part : hashString(String(part));
    h = fmix32((h ^ word) + 0x7f4a7c15 + Math.imul(h, 31));
  }
  return h >>> 0;
}

/**
 * A splitmix32 generator with helpers. `fork(label)` derives an independent generator from this
 * one's *initial* seed, so adding draws to one concern (say logprobs) never shifts another (text).
 */
export class Rng {
  readonly seed: number;
  private state: number;

  constructor(seed: number) {
    this.seed = seed >>> 0;
    this.state = this.seed;
  }

  /** Uniform float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x9e3779b9) | 0;
    let t = this.state ^ (this.state >>> 16);
    t = Math.imul(t, 0x21f0aaad);
    t ^= t >>> 15;
    t = Math.imul(t, 0x735a2d97);
    t ^= t >>> 15;
    return (t >>> 0) / 4294967296;
  }

  /** Uniform integer in [min, max] (both inclusive). */
  int(min: number, max: number): number {
    if (max <= min) return min;
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** Uniform float in [min, max). */
  float(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** Standard normal draw (Box-Muller). */
  gaussian(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** An independent generator named by `label`, derived from this generator's initial seed. */
  fork(label: string | number): Rng {
    return new Rng(mixSeeds(this.seed, typeof label === 'number' ? label : hashString(label)));
  }
}
