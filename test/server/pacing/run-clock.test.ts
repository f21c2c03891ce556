/**
 * RunClock keeps only what its figures need of the sends (not a record per token): its figures must
 * equal `measureTiming` over every send, and over the sends cut at the first ten tokens.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FIRST_TEN_TOKENS, RunClock } from '../../../src/server/pacing/run-clock.js';
import { measureTiming, type SendRecord } from '../../../src/server/pacing/plan.js';

/** The sends cut at the first ten tokens, as a record per send would be cut. */
function firstTen(sends: readonly SendRecord[]): SendRecord[] {
  const out: SendRecord[] = [];
  let tokens = 0;
  for (const send of sends) {
    if (tokens >= FIRST_TEN_TOKENS) break;
    const take = Math.min(send.tokens, FIRST_TEN_TOKENS - tokens);
    out.push({ atMs: send.atMs, tokens: take });
    tokens += take;
  }
  return out;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('RunClock figures', () => {
  const patterns: Array<[string, number[]]> = [
    ['nothing sent', []],
    ['one token per send', Array.from({ length: 40 }, () => 1)],
    ['one send of many tokens', [30]],
    ['sends crossing the tenth token', [4, 4, 4, 4]],
    ['no-token sends (finish chunks) among them', [1, 0, 2, 0, 9, 1]],
    ['fewer than eleven tokens', [2, 3]],
  ];
  for (const [name, pattern] of patterns) {
    it(name, () => {
      let now = 1000;
      vi.spyOn(performance, 'now').mockImplementation(() => now);
      const clock = new RunClock({ ttftMs: 200, tokensPerSecond: 20 }, { monotonicMs: 1000, epochMs: 0 });
      const sends: SendRecord[] = [];
      now = 1203;
      for (const tokens of pattern) {
        clock.record(tokens);
        if (tokens > 0) sends.push({ atMs: now, tokens });
        now += 37;
      }
      const endMs = now + 5;
      expect(clock.timing(endMs)).toEqual(measureTiming(1000, sends, endMs));
      expect(clock.firstTenTiming()).toEqual(measureTiming(1000, firstTen(sends)));
    });
  }
});
