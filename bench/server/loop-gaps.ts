/**
 * The longest turn of this process's event loop since the last reset: a 1 ms interval timer whose
 * longest gap is kept, in wall time, in the process's CPU time over the gap, and in the CPU time of
 * the main thread alone. Wall time counts the time the process was not scheduled too (the machine
 * is shared); CPU time does not, so the CPU figures are the ones to read under load. The process's
 * (process.cpuUsage) includes GC and worker threads; the main thread's (Linux's
 * /proc/thread-self/schedstat, 0 elsewhere) is the work that held the loop and nothing else.
 * @module
 */
import { openSync, readSync } from 'node:fs';

export interface Gaps {
  worstWallMs: number;
  worstCpuMs: number;
  worstThreadCpuMs: number;
}

export interface LoopGaps {
  reset(): void;
  worst(): Gaps;
}

/** The main thread's CPU time in ms, from a file kept open (opened here, so it is this thread's). */
function threadCpuClock(): () => number {
  let fd: number;
  try {
    fd = openSync('/proc/thread-self/schedstat', 'r');
  } catch {
    return () => 0;
  }
  const buffer = Buffer.alloc(128);
  return () => {
    const length = readSync(fd, buffer, 0, buffer.length, 0);
    // "<ns on the CPU> <ns waiting> <slices>"
    return Number(buffer.toString('latin1', 0, length).split(' ')[0]) / 1e6;
  };
}

export function watchLoopGaps(): LoopGaps {
  const threadCpu = threadCpuClock();
  let worst: Gaps = { worstWallMs: 0, worstCpuMs: 0, worstThreadCpuMs: 0 };
  let lastWall = performance.now();
  let lastCpu = process.cpuUsage();
  let lastThreadCpu = threadCpu();
  setInterval(() => {
    const wall = performance.now();
    const cpu = process.cpuUsage(lastCpu);
    const thread = threadCpu();
    worst = {
      worstWallMs: Math.max(worst.worstWallMs, wall - lastWall),
      worstCpuMs: Math.max(worst.worstCpuMs, (cpu.user + cpu.system) / 1000),
      worstThreadCpuMs: Math.max(worst.worstThreadCpuMs, thread - lastThreadCpu),
    };
    lastWall = wall;
    lastCpu = process.cpuUsage();
    lastThreadCpu = thread;
  }, 1);
  return {
    reset: () => (worst = { worstWallMs: 0, worstCpuMs: 0, worstThreadCpuMs: 0 }),
    worst: () => worst,
  };
}
