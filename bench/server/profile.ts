/** Summarises a V8 `.cpuprofile` (from `node --cpu-prof`) as self time per function and per area. @module */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  name: string;
  where: string;
  area: string;
  ms: number;
  /** Share of the non-idle time. */
  percent: number;
}

export interface ProfileSummary {
  /** Samples counted (all of them, or those within the window asked for). */
  samples: number;
  windowed: boolean;
  totalMs: number;
  idleMs: number;
  busyMs: number;
  top: SelfTime[];
  /** Functions of sambakit and its packages by inclusive (self + callees) time, the biggest first. */
  inclusive: SelfTime[];
  /** Inclusive % of busy time by function name (the largest where a name occurs in several places). */
  inclusiveByName: Record<string, number>;
  /** Self % of busy time by function name, summed over places. */
  selfByName: Record<string, number>;
  areas: Array<{ area: string; ms: number; percent: number }>;
}

/** Where a function lives, in words a reader of the report knows. */
function areaOf(url: string, functionName: string): string {
  if (functionName === '(idle)') return 'idle';
  if (functionName === '(garbage collector)') return 'garbage collector';
  if (functionName === '(program)') return 'V8/native (program)';
  if (url === '') return 'V8/native builtins';
  if (url.startsWith('node:')) return `node:${url.slice(5).replace(/^internal\//, '').split('/')[0]}`;
  const modules = url.lastIndexOf('/node_modules/');
  if (modules !== -1) {
    const rest = url.slice(modules + '/node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const inRepo = /\/(src\/[^/]+(?:\/[^/]+)?|generated\/[^/]+|bench)\//.exec(url);
  if (inRepo) return `sambakit ${inRepo[1]}`;
  return url;
}

/** `file:line`, without the line for sambakit's own files (run through tsx, their profiled line numbers are not the source's). */
function whereOf(url: string, lineNumber: number): string {
  const path = shortPath(url);
  return /^(src|generated|bench)\//.test(path) ? path : `${path}:${lineNumber + 1}`;
}

function shortPath(url: string): string {
  const modules = url.lastIndexOf('/node_modules/');
  if (modules !== -1) return url.slice(modules + '/node_modules/'.length);
  const repo = url.search(/\/(src|generated|bench)\//);
  return repo !== -1 ? url.slice(repo + 1) : url;
}

/** Now on the clock of a `.cpuprofile`'s timestamps (CLOCK_MONOTONIC in µs, shared by all processes). */
export function profileClockUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

/** A stretch of a profile, in µs on `profileClockUs()`. */
export interface ProfileWindow {
  fromUs: number;
  toUs: number;
}

/**
 * Self and inclusive time of the samples of the profile at `path`; with `window` (or several), only
 * the samples taken within it (start-up and warm-up left out).
 * Times are the sampler's, i.e. wall time of the main thread while it was not idle.
 */
export function summariseProfile(path: string, top = 15, window?: ProfileWindow | readonly ProfileWindow[]): ProfileSummary {
  const windows = window === undefined ? undefined : 'fromUs' in window ? [window] : window;
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  let at = profile.startTime;
  let windowed = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (windows && !windows.some((w) => at >= w.fromUs && at <= w.toUs)) continue;
    windowed++;
    const id = profile.samples[i]!;
    selfUs.set(id, (selfUs.get(id) ?? 0) + delta);
  }
  if (window && windowed === 0) return summariseProfile(path, top);
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const inclusive = new Map<string, SelfTime>();
  const fns = new Map<string, SelfTime>();
  const areas = new Map<string, number>();
  let idleUs = 0;
  let totalUs = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    totalUs += us;
    if (functionName === '(idle)') {
      idleUs += us;
      continue;
    }
    const area = areaOf(url, functionName);
    areas.set(area, (areas.get(area) ?? 0) + us);
    const name = functionName || '(anonymous)';
    const where = url ? whereOf(url, lineNumber) : '';
    const key = `${name}@${where}`;
    const entry = fns.get(key) ?? { name, where, area, ms: 0, percent: 0 };
    entry.ms += us / 1000;
    fns.set(key, entry);
    // Inclusive time: this sample counts once for every distinct function on its stack.
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)?.callFrame;
      if (!frame || !frame.url || frame.url.startsWith('node:')) continue;
      const fName = frame.functionName || '(anonymous)';
      const fWhere = whereOf(frame.url, frame.lineNumber);
      const fKey = `${fName}@${fWhere}`;
      if (seen.has(fKey)) continue;
      seen.add(fKey);
      const incl = inclusive.get(fKey) ?? { name: fName, where: fWhere, area: areaOf(frame.url, fName), ms: 0, percent: 0 };
      incl.ms += us / 1000;
      inclusive.set(fKey, incl);
    }
  }
  const busyUs = totalUs - idleUs;
  const list = [...fns.values()].sort((a, b) => b.ms - a.ms).slice(0, top);
  for (const f of list) f.percent = (f.ms * 1000 * 100) / busyUs;
  const inclusiveList = [...inclusive.values()].sort((a, b) => b.ms - a.ms).slice(0, top);
  for (const f of inclusiveList) f.percent = (f.ms * 1000 * 100) / busyUs;
  const inclusiveByName: Record<string, number> = {};
  for (const f of inclusive.values()) inclusiveByName[f.name] = Math.max(inclusiveByName[f.name] ?? 0, (f.ms * 1000 * 100) / busyUs);
  const selfByName: Record<string, number> = {};
  for (const f of fns.values()) selfByName[f.name] = (selfByName[f.name] ?? 0) + (f.ms * 1000 * 100) / busyUs;
  return {
    inclusiveByName,
    selfByName,
    samples: window ? windowed : profile.samples.length,
    windowed: window !== undefined,
    inclusive: inclusiveList,
    totalMs: totalUs / 1000,
    idleMs: idleUs / 1000,
    busyMs: busyUs / 1000,
    top: list,
    areas: [...areas.entries()].map(([area, us]) => ({ area, ms: us / 1000, percent: (us * 100) / busyUs })).sort((a, b) => b.ms - a.ms),
  };
}
