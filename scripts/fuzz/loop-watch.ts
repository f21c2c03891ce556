/**
 * A process's watch on its own event loop, as the fuzz run reports it: every stall over a threshold
 * with the CPU time the process (all its threads) spent during it, and the garbage collection that
 * ran in it by kind (a stall the process spent computing is a block; one without CPU time is the
 * machine's load; one spent collecting garbage points at the copies and allocations around it).
 * The processes under fuzz and the runner itself each run one.
 * @module
 */
import { constants, monitorEventLoopDelay, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';

export interface LoopStall {
  /** When it ended (epoch ms). */
  at: number;
  stallMs: number;
  /** CPU time (user + system, all threads: GC helpers and worker threads included) the process used over the stall. */
  cpuMs: number;
  /** Garbage collection pauses of the loop's thread within the stall, in ms by kind (`major`, `minor`, `incremental`, `weak callbacks`). */
  gcMs: Record<string, number>;
}

export interface LoopReport {
  maxDelayMs: number;
  stalls: LoopStall[];
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

  let last = performance.now();
  let lastCpuMs = cpuMs();
  // One CPU reading per tick: the watch itself should cost the loop as little as it can.
  const timer = setInterval(() => {
    const now = performance.now();
    const cpu = cpuMs();
    const stallMs = now - last - tickMs;
    if (stallMs > reportStallsOverMs) {
      // GC entries reach the observer a few loop turns after the pause (through immediates): the
      // stall that just ended is matched with its pauses (and reported) a little later.
      const stall = { at: Date.now(), stallMs: Math.round(stallMs), cpuMs: Math.round(cpu - lastCpuMs) };
      const [from, to] = [last, now];
      setTimeout(() => stalls.push({ ...stall, gcMs: gcWithin(pauses, from, to) }), gcEntryLagMs);
    }
    while (pauses.length > 0 && pauses[0]!.end < now - keepGcMs) pauses.shift();
    last = now;
    lastCpuMs = cpu;
  }, tickMs);
  timer.unref();

  return {
    report() {
      const report = { maxDelayMs: histogram.max / 1e6, stalls };
      histogram.reset();
      stalls = [];
      return report;
    },
    stop() {
      clearInterval(timer);
      observer.disconnect();
      histogram.disable();
    },
  };
}

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
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
