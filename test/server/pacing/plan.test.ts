import { describe, expect, it } from 'vitest';
import { measureTiming, pace } from '../../../src/server/pacing/plan.js';

describe('pace', () => {
  it('sends the first token at ttft and the rest 1/tps apart', () => {
    const plan = pace({ ttftMs: 200, tokensPerSecond: 50 });
    expect(plan.intervalMs).toBe(20);
    expect(plan.offsetMs(0)).toBe(200);
    expect(plan.offsetMs(1)).toBe(220);
    expect(plan.offsetMs(10)).toBe(400);
    expect(plan.schedule(4)).toEqual([200, 220, 240, 260]);
    expect(plan.schedule(0)).toEqual([]);
  });

  it('sends everything at ttft without a rate', () => {
    expect(pace({ ttftMs: 5, tokensPerSecond: 0 }).schedule(3)).toEqual([5, 5, 5]);
    expect(pace({ ttftMs: 5, tokensPerSecond: Infinity }).schedule(2)).toEqual([5, 5]);
    expect(pace({ ttftMs: -3, tokensPerSecond: 1000 }).offsetMs(0)).toBe(0);
  });
});

describe('measureTiming', () => {
  it('computes the metrics from the observed send times', () => {
    const metrics = measureTiming(1000, [
      { atMs: 1250, tokens: 1 },
      { atMs: 1300, tokens: 2 },
      { atMs: 1750, tokens: 7 },
    ], 1800);
    expect(metrics.completionTokens).toBe(10);
    expect(metrics.timeToFirstTokenS).toBeCloseTo(0.25, 10);
    expect(metrics.totalLatencyS).toBeCloseTo(0.8, 10);
    // 9 tokens after the first send, over 0.5 s between first and last send.
    expect(metrics.throughputAfterFirstToken).toBeCloseTo(18, 10);
    expect(metrics.tokensPerSecond).toBeCloseTo(12.5, 10);
  });

  it('agrees with a plan executed exactly', () => {
    const plan = pace({ ttftMs: 100, tokensPerSecond: 20 });
    const sends = plan.schedule(11).map((atMs) => ({ atMs, tokens: 1 }));
    const metrics = measureTiming(0, sends);
    expect(metrics.timeToFirstTokenS).toBeCloseTo(0.1, 10);
    expect(metrics.throughputAfterFirstToken).toBeCloseTo(20, 10);
    expect(metrics.totalLatencyS).toBeCloseTo(0.6, 10);
  });

  it('reports zeros rather than NaN or Infinity when there is nothing to divide', () => {
    expect(measureTiming(0, [])).toEqual({ timeToFirstTokenS: 0, totalLatencyS: 0, throughputAfterFirstToken: 0, tokensPerSecond: 0, completionTokens: 0 });
    const single = measureTiming(10, [{ atMs: 10, tokens: 3 }]);
    expect(single.throughputAfterFirstToken).toBe(0);
    expect(single.tokensPerSecond).toBe(0);
    expect(Number.isFinite(measureTiming(0, [{ atMs: 5, tokens: 1 }]).tokensPerSecond)).toBe(true);
  });
});
