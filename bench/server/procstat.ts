/** CPU time and memory of a process from /proc (Linux), for the server bench. @module */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let ticksPerSecond: number | undefined;
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

export interface ProcSample {
  /** When read (performance.now(), ms). */
  atMs: number;
  /** User + system CPU time so far, ms. */
  cpuMs: number;
  /** Of which in the kernel (stime), ms. */
  systemMs: number;
  /** Resident set size now, bytes. */
  rssBytes: number;
  /** Peak resident set size so far (VmHWM), bytes. */
  peakRssBytes: number;
  /** The resident set split: anonymous memory (V8's heap, malloc) and file-backed pages (node's code, libraries), bytes. */
  rssAnonBytes: number;
  rssFileBytes: number;
}

/** One reading of `pid`, or undefined when /proc is not there (not Linux) or the process is gone. */
export function readProc(pid: number): ProcSample | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at field 3; utime and stime are 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
    return { atMs: performance.now(), cpuMs: (ticks * 1000) / clockTicks(), systemMs: (Number(fields[12]) * 1000) / clockTicks(), rssBytes: kb('VmRSS'), peakRssBytes: kb('VmHWM'), rssAnonBytes: kb('RssAnon'), rssFileBytes: kb('RssFile') };
  } catch {
    return undefined;
  }
}

/** Samples `pid` every `everyMs` until stopped; reports the average and the busiest one-second CPU, and memory. */
export function sampleProc(pid: number, everyMs = 100): { stop(): ProcSummary | undefined } {
  const samples: ProcSample[] = [];
  const take = () => {
    const s = readProc(pid);
    if (s) samples.push(s);
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return summarise(samples);
    },
  };
}

export interface ProcSummary {
  seconds: number;
  /** CPU time over wall time, in % of one core. */
  cpuPercent: number;
  /** The highest CPU % over any one-second window. */
  peakCpuPercent: number;
  rssStartBytes: number;
  rssEndBytes: number;
  peakRssBytes: number;
}

function summarise(samples: ProcSample[]): ProcSummary | undefined {
  const first = samples[0];
  const last = samples[samples.length - 1];
  if (!first || !last || last.atMs <= first.atMs) return undefined;
  let peak = 0;
  let j = 0;
  for (let i = 0; i < samples.length; i++) {
    const end = samples[i]!;
    while (j < i && end.atMs - samples[j + 1]!.atMs >= 1000) j++;
    const start = samples[j]!;
    if (end.atMs - start.atMs >= 900) peak = Math.max(peak, ((end.cpuMs - start.cpuMs) / (end.atMs - start.atMs)) * 100);
  }
  const cpuPercent = ((last.cpuMs - first.cpuMs) / (last.atMs - first.atMs)) * 100;
  return {
    seconds: (last.atMs - first.atMs) / 1000,
    cpuPercent,
    peakCpuPercent: Math.max(peak, cpuPercent),
    rssStartBytes: first.rssBytes,
    rssEndBytes: last.rssBytes,
    peakRssBytes: Math.max(...samples.map((s) => s.peakRssBytes)),
  };
}

/** The soft and hard limits on open files of this process (from /proc/self/limits). */
export function openFileLimits(): { soft: number; hard: number } | undefined {
  try {
    const line = /^Max open files\s+(\S+)\s+(\S+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    if (!line) return undefined;
    const n = (s: string) => (s === 'unlimited' ? Infinity : Number(s));
    return { soft: n(line[1]!), hard: n(line[2]!) };
  } catch {
    return undefined;
  }
}

/**
 * The kernel's count of connections dropped because a listen queue was full (TcpExt ListenOverflows
 * in /proc/net/netstat; machine-wide). A dropped handshake is retried by the client after ~1 s.
 */
export function listenOverflows(): number | undefined {
  try {
    const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n').filter((l) => l.startsWith('TcpExt:'));
    const names = lines[0]?.split(/\s+/) ?? [];
    const values = lines[1]?.split(/\s+/) ?? [];
    const i = names.indexOf('ListenOverflows');
    return i === -1 ? undefined : Number(values[i]);
  } catch {
    return undefined;
  }
}
