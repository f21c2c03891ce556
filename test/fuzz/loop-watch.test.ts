/**
 * The fuzz run's watch on an event loop: a stall is reported with the CPU time spent in it and the
 * garbage collection within it by kind, and the summary says which process stalled and how much of
 * it was GC (what a user acts on).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { watchLoop } from '../../scripts/fuzz/loop-watch.js';
import { keepStalls, type FuzzSummary, type StallReport } from '../../scripts/fuzz/run-fuzz.js';
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
    // Where the kernel tells, the loop's own thread: it ran during the stall (it was the one computing).
    if (process.platform === 'linux') expect(stall!.loopThread!.runMs).toBeGreaterThan(0);
    expect(stall!.heapMB).toBeGreaterThan(0);
    expect(Object.keys(stall!.gcMs)).toContain('minor');
    expect(watch.report().stalls).toEqual([]);
  });

  it('the summary names the process that stalled, the GC share of the stall and the heap', () => {
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
        stalls: [{ process: 'strict-proxy', at: 1, stallMs: 140, cpuMs: 127, gcMs: { major: 90, minor: 12 }, heapMB: 310, inFlight: ['sambanova-cloud/905/9962 via strict-proxy'] }],
        runnerStalls: [],
        heapMBBy: { server: { first: 20, max: 80, last: 41 }, 'strict-proxy': { first: 30, max: 400, last: 350 } },
      },
    };
    const text = formatSummary(summary, []);
    expect(text).toContain('max block 127 ms (the loop computing); by process: server 40, strict-proxy 127, runner 60 ms');
    expect(text).toContain('BLOCK strict-proxy stalled 140 ms (127 ms CPU, all threads; GC 102 ms: major 90, minor 12; heap 310 MB) during sambanova-cloud/905/9962 via strict-proxy');
    expect(text).toContain('heap in use (MB, first -> last sample): server 20 -> 41 (max 80), strict-proxy 30 -> 350 (max 400)');
  });

  it('every stall of a process under fuzz that blocked over the limit is kept, whatever the runner\'s own stalls (they filled the list of 20 in the 10,000-case run of 08fc432)', () => {
    const stall = (process: StallReport['process'], i: number, stallMs: number, cpuMs: number): StallReport => ({ process, at: i, stallMs, cpuMs, gcMs: {}, heapMB: 1, inFlight: [`lmi/1/${i} via ${process}`] });
    const loop: Pick<FuzzSummary['loop'], 'stalls' | 'runnerStalls'> = { stalls: [], runnerStalls: [] };
    // Reported a second at a time as the run goes: runner stalls far larger than the judged ones,
    // blocks just over the limit, and wall-clock stalls without CPU (the machine's load).
    for (let second = 0; second < 10; second++) {
      keepStalls(loop, [
        ...Array.from({ length: 5 }, (_, i) => stall('runner', second * 100 + i, 400, 330)),
        stall('server', second * 100 + 10, 150, 101 + second),
        stall('strict-proxy', second * 100 + 11, 120, 102),
        ...Array.from({ length: 3 }, (_, i) => stall('proxy', second * 100 + 20 + i, 300, 20)),
      ]);
    }
    const blocks = loop.stalls.filter((s) => Math.min(s.stallMs, s.cpuMs) > 100);
    expect(blocks).toHaveLength(20);
    expect(blocks[0]).toMatchObject({ process: 'server', cpuMs: 110, inFlight: ['lmi/1/910 via server'] });
    expect(loop.stalls.every((s) => s.process !== 'runner')).toBe(true);
    expect(loop.runnerStalls).toHaveLength(5);

    // More than 20 over the limit: all of them, and no stall under it.
    keepStalls(loop, Array.from({ length: 15 }, (_, i) => stall('proxy', 2000 + i, 200, 150)));
    expect(loop.stalls).toHaveLength(35);
    expect(loop.stalls.every((s) => Math.min(s.stallMs, s.cpuMs) > 100)).toBe(true);

    const text = formatSummary({ seed: 1, durationMs: 1, perApi: {}, failures: [], crashes: 0, validators: { cases: 0, failures: [] }, cli: { files: 0, failures: [] }, loop: { maxDelayMs: 400, maxBlockMs: 150, maxBlockMsBy: {}, heapMBBy: {}, ...loop } }, []);
    expect(text.match(/^ {4}BLOCK /gm)).toHaveLength(30);
    expect(text).toContain('... 5 more stalls over the limit (--format json lists all)');
    expect(text).toContain('    runner stalled 400 ms (330 ms CPU');
  });
});
