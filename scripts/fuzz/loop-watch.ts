/**
 * A process's watch on its own event loop, as the fuzz run reports it: every stall over a threshold
 * with the CPU time the process (all its threads) spent during it, and the garbage collection that
 * ran in it by kind (a stall the process spent computing is a block; one without CPU time is the
 * machine's load; one spent collecting garbage points at the copies and allocations around it).
 * The processes under fuzz and the runner itself each run one.
 * @module
 */
import { constants, monitorEventLoopDelay, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { closeSync, openSync, readSync } from 'node:fs';
import { getHeapStatistics } from 'node:v8';
import { isMainThread } from 'node:worker_threads';

export interface LoopStall {
  /** When it ended (epoch ms). */
  at: number;
  stallMs: number;
  /** CPU time (user + system, all threads: GC helpers and worker threads included) the process used over the stall. */
  cpuMs: number;
  /**
   * Where the kernel tells (Linux): the time the loop's own thread ran over the stall, and the time it
   * was ready to run but waited for a core (the machine's load, not the process's work).
   */
  loopThread?: { runMs: number; waitMs: number };
  /** Garbage collection pauses of the loop's thread within the stall, in ms by kind (`major`, `minor`, `incremental`, `weak callbacks`). */
  gcMs: Record<string, number>;
  /** The JS heap in use when the stall ended (MB): a major GC's length follows it. */
  heapMB: number;
}

export interface LoopReport {
  maxDelayMs: number;
  stalls: LoopStall[];
  /** The JS heap in use now (MB): sampled over a run, it shows a heap that only grows. */
  heapMB: number;
}

const tickMs = 10;
const reportStallsOverMs = 50;
/** How long after a stall its GC pauses are matched with it. */
const gcEntryLagMs = 100;
/** GC pauses kept to be matched with a stall. */
const keepGcMs = 5_000;

const gcKinds: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak callbacks',
};

interface GcPause {
  start: number;
  end: number;
  kind: string;
}

/** Starts watching this process's loop; `report()` hands over what was seen since the last report. */
export function watchLoop(): { report(): LoopReport; stop(): void } {
  const histogram = monitorEventLoopDelay({ resolution: tickMs });
  histogram.enable();
  let stalls: LoopStall[] = [];
  const pauses: GcPause[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) pauses.push(pauseOf(entry));
  });
  observer.observe({ entryTypes: ['gc'] });

  const thread = loopThreadClock();
  let last = performance.now();
  let lastCpuMs = cpuMs();
  let lastThread = thread?.read();
  // One CPU reading (and one of the thread's clock) per tick: the watch itself should cost the loop as little as it can.
  const timer = setInterval(() => {
    const now = performance.now();
    const cpu = cpuMs();
    const threadNow = thread?.read();
    const stallMs = now - last - tickMs;
    if (stallMs > reportStallsOverMs) {
      // GC entries reach the observer a few loop turns after the pause (through immediates): the
      // stall that just ended is matched with its pauses (and reported) a little later.
      const stall: Omit<LoopStall, 'gcMs'> = { at: Date.now(), stallMs: Math.round(stallMs), cpuMs: Math.round(cpu - lastCpuMs), heapMB: heapMB() };
      if (threadNow && lastThread) stall.loopThread = { runMs: Math.round(threadNow.runMs - lastThread.runMs), waitMs: Math.round(threadNow.waitMs - lastThread.waitMs) };
      const [from, to] = [last, now];
      setTimeout(() => stalls.push({ ...stall, gcMs: gcWithin(pauses, from, to) }), gcEntryLagMs);
    }
    while (pauses.length > 0 && pauses[0]!.end < now - keepGcMs) pauses.shift();
    last = now;
    lastCpuMs = cpu;
    lastThread = threadNow;
  }, tickMs);
  timer.unref();

  return {
    report() {
      const report = { maxDelayMs: histogram.max / 1e6, stalls, heapMB: heapMB() };
      histogram.reset();
      stalls = [];
      return report;
    },
    stop() {
      clearInterval(timer);
      thread?.close();
      observer.disconnect();
      histogram.disable();
    },
  };
}

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * The loop's thread's time on a core and waiting for one (ms), from Linux's schedstat of the main
 * thread (its id is the process's): read through one kept descriptor, a few microseconds a tick.
 * Undefined where there is no such file, and in a worker thread (whose id is not at hand).
 */
function loopThreadClock(): { read(): { runMs: number; waitMs: number } | undefined; close(): void } | undefined {
  if (!isMainThread) return undefined;
  let fd: number;
  try {
    fd = openSync(`/proc/self/task/${process.pid}/schedstat`, 'r');
  } catch {
    return undefined;
  }
  const buffer = Buffer.alloc(128);
  return {
    read() {
      const [run, wait] = buffer.toString('latin1', 0, readSync(fd, buffer, 0, buffer.length, 0)).split(' ').map(Number);
      return Number.isFinite(run) && Number.isFinite(wait) ? { runMs: run! / 1e6, waitMs: wait! / 1e6 } : undefined;
    },
    close: () => closeSync(fd),
  };
}

function heapMB(): number {
  return Math.round(getHeapStatistics().used_heap_size / 2 ** 20);
}

function pauseOf(entry: PerformanceEntry): GcPause {
  const kind = ((entry as PerformanceEntry & { detail?: { kind?: number } }).detail)?.kind;
  return { start: entry.startTime, end: entry.startTime + entry.duration, kind: (kind !== undefined && gcKinds[kind]) || 'other' };
}

/** Milliseconds of each kind of pause within [from, to] (performance.now() times). */
function gcWithin(pauses: readonly GcPause[], from: number, to: number): Record<string, number> {
  const byKind: Record<string, number> = {};
  for (const pause of pauses) {
    const overlap = Math.min(pause.end, to) - Math.max(pause.start, from);
    if (overlap > 0) byKind[pause.kind] = Math.round((byKind[pause.kind] ?? 0) + overlap);
  }
  return byKind;
}

/** The stall's GC in total. */
export function gcTotalMs(stall: Pick<LoopStall, 'gcMs'>): number {
  return Object.values(stall.gcMs).reduce((sum, ms) => sum + ms, 0);
}
