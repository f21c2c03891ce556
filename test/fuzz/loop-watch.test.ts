/**
 * The fuzz run's watch on an event loop: a stall is reported with the CPU time spent in it and the
 * garbage collection within it by kind, and the summary says which process stalled and how much of
 * it was GC (what a user acts on).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { watchLoop } from '../../scripts/fuzz/loop-watch.js';
import type { FuzzSummary } from '../../scripts/fuzz/run-fuzz.js';
import { formatSummary } from '../../scripts/fuzz/summary.js';

describe('the loop watch', () => {
  it('reports a stall of this loop with its CPU time and the scavenges that ran in it', async () => {
    const watch = watchLoop();
    await sleep(50);
    // One turn of at least 150 ms allocating at least 200 MB of short-lived arrays (however little
    // of the CPU the shared machine gives): young-generation collections within it.
    const until = performance.now() + 150;
    let kept: number[][] = [];
    for (let made = 0; made < 25_000 || performance.now() < until; made++) {
      kept.push(new Array<number>(1000).fill(1));
      if (kept.length > 500) kept = [];
    }
    // The stall is matched with its pauses shortly after it ends.
    await sleep(400);
    const { stalls } = watch.report();
    watch.stop();
    const stall = stalls.find((s) => s.stallMs >= 140);
    expect(stall, JSON.stringify(stalls)).toBeDefined();
    expect(stall!.cpuMs).toBeGreaterThan(0);
    expect(Object.keys(stall!.gcMs)).toContain('minor');
    expect(watch.report().stalls).toEqual([]);
  });

  it('the summary names the process that stalled and the GC share of the stall', () => {
    const summary: FuzzSummary = {
      seed: 1,
      durationMs: 1000,
      perApi: {},
      failures: [],
      crashes: 0,
      validators: { cases: 0, failures: [] },
      cli: { files: 0, failures: [] },
      loop: {
        maxDelayMs: 140,
        maxBlockMs: 127,
        maxBlockMsBy: { server: 40, 'strict-proxy': 127, runner: 60 },
        stalls: [{ process: 'strict-proxy', at: 1, stallMs: 140, cpuMs: 127, gcMs: { major: 90, minor: 12 }, inFlight: ['sambanova-cloud/905/9962 via strict-proxy'] }],
      },
    };
    const text = formatSummary(summary, []);
    expect(text).toContain('max block 127 ms (the process computing); by process: server 40, strict-proxy 127, runner 60 ms');
    expect(text).toContain('strict-proxy stalled 140 ms (127 ms CPU, all threads; GC 102 ms: major 90, minor 12) during sambanova-cloud/905/9962 via strict-proxy');
  });
});
