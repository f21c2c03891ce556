/**
 * The fuzzer's randomness: one small seeded generator per case (so case N of a seed is the same case
 * whatever ran before it), and fast-check's arbitraries for the values themselves.
 * @module
 */
import fc from 'fast-check';

export class CaseRandom {
  private state: number;

  constructor(seed: number, ...salt: Array<number | string>) {
    let h = seed >>> 0;
    for (const part of salt.map(String).join('\u0000')) h = Math.imul(h ^ part.charCodeAt(0), 0x5bd1e995) >>> 0;
    this.state = h ^ 0x9e3779b9;
  }

  /** A float in [0, 1) (mulberry32). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty list');
    return items[Math.floor(this.next() * items.length)]!;
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  /** One value of a fast-check arbitrary, seeded from this generator. */
  sample<T>(arbitrary: fc.Arbitrary<T>): T {
    return fc.sample(arbitrary, { seed: this.int(0, 2 ** 31 - 1), numRuns: 1 })[0]!;
  }
}

/** Any JSON value, small. */
export const anyJson = fc.jsonValue({ maxDepth: 3 });
/** Strings of any code points, lone surrogates included. */
export const oddString = fc.string({ unit: 'binary', maxLength: 40 });
