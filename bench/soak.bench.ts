/**
 * `npm run bench:soak`: the reference server over a long run and at scale, on 127.0.0.1, in two parts
 * (`PARTS=soak,scale`).
 *
 * 1. Soak: `sambakit serve` with its defaults (as users run it) takes REQUESTS mixed requests (every
 *    API family, invalid bodies, multipart audio; bench/soak/mix.ts) from autocannon 9 in a forked
 *    child, in CYCLES equal blocks, each followed by a wave of STREAMS streams at the default pacing,
 *    CANCEL of them closed by the client midway. Resident memory and open descriptors are read from
 *    /proc every 500 ms; after each cycle, once the wave's connections are gone, the heap after a full
 *    collection and the active handles come from bench/server/memory-probe.mjs over IPC. The verdict
 *    (PASS/FAIL lines) is whether memory and handles stay flat from the first cycle (the first 10 %)
 *    to the end; see `soakVerdict`.
 * 2. Scale: SCALE_STREAMS concurrent streams at 20 tokens/s against `sambakit serve
 *    --tokens-per-second 20` (other flags default) and, side by side in the same run, the bare
 *    `node:http` SSE baseline (bench/server/bare-sse-child.ts): completion, gaps between tokens,
 *    TTFT p99 against the baseline's, server CPU per streamed token and heap per open stream.
 *
 * Progress goes to stderr, one line per block of requests and per wave (no colour, except PASS/FAIL
 * on a terminal without NO_COLOR). Prints Markdown and writes it as the section "## Soak and scale"
 * of bench/RESULTS.md (APPEND=0 to skip).
 *
 * Knobs (environment): PARTS (soak,scale), REQUESTS (100000), CYCLES (10), STREAMS (1000), CANCEL
 * (0.2), CONNECTIONS (100), SCALE_STREAMS (3000), SCALE_ROUNDS (3), APPEND (1|0), MAX_MINUTES (60),
 * SERVE_NODE_ARGS (Node flags for sambakit's server in the scale part, e.g. `--max-semi-space-size=64`),
 * BASE (another checkout, built: its `sambakit serve` is measured in the scale part's rounds too, as
 * "sambakit base", for a before/after in one run; the verdicts stay this tree's).
 * @module
 */
import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { writeSection } from './results-section.js';
import { askMemory, askPace, closeForked, forkServer, guardChildren, memoryProbeArgs, paceProbeArgs, spawnServe, stopServe, track, type ServeChild } from './server/children.js';
import type { LoadFailure, MemoryReport, MixedLoadRequest, MixedLoadResult, PaceReport } from './server/messages.js';
import { openFileLimits, readProc, sampleProc, type ProcSample } from './server/procstat.js';
import { gcKindsText, median, streamStats, type StreamStats } from './server/stats.js';
import { allFlowing, preconnect, runStreamWave, streamedChatBody, type WaveResult } from './server/streams.js';
import { soakMix } from './soak/mix.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const parts = new Set((process.env.PARTS ?? 'soak,scale').split(','));
const requestsTotal = Number(process.env.REQUESTS ?? 100_000);
const cycles = Number(process.env.CYCLES ?? 10);
const waveStreams = Number(process.env.STREAMS ?? 1000);
const cancelShare = Number(process.env.CANCEL ?? 0.2);
const connections = Number(process.env.CONNECTIONS ?? 100);
const scaleStreams = Number(process.env.SCALE_STREAMS ?? 3000);
const scaleRounds = Number(process.env.SCALE_ROUNDS ?? 3);
const append = process.env.APPEND !== '0';
const maxMinutes = Number(process.env.MAX_MINUTES ?? 60);
/** Node's own flags for sambakit's server in the scale part (V8 heap sizes, to try them side by side with the defaults). */
const serveNodeArgs = (process.env.SERVE_NODE_ARGS ?? '').split(' ').filter(Boolean);
/** Another built checkout whose `serve` the scale part measures in the same rounds. */
const baseRoot = process.env.BASE;
const perCycle = Math.round(requestsTotal / cycles);
const warmupRequests = Math.max(perCycle, 50 * soakMix().length);

/** The server's default pacing (src/server/options.ts), which the soak's streams run at. */
const defaultTtftMs = 200;
const defaultTps = 50;
const streamMaxTokens = 40;
/** Cancelled streams are closed after this many content chunks: midway through their 40. */
const cancelAfterChunks = streamMaxTokens / 2;
const scaleTps = 20;
const streamsPath = '/cloud/v1/chat/completions';
const streamBody = streamedChatBody(streamMaxTokens);

/** The verdict's thresholds: what "flat" means. */
const flat = {
  /** Last cycle's median RSS over the first cycle's: at most this much higher, relative ... */
  rssRatio: 0.1,
  /** ... or absolute, whichever is larger. */
  rssBytes: 16 * 1024 * 1024,
  /** Heap after a full collection, end of the last cycle over the end of the first. */
  heapBytes: 2 * 1024 * 1024,
  /** How long the descriptors may take to return to the baseline after a wave. */
  settleMs: 10_000,
};

guardChildren('bench:soak', maxMinutes);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '–');
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const log = (line: string) => process.stderr.write(`${line}\n`);
const colour = process.stderr.isTTY === true && !process.env.NO_COLOR;
const mark = (ok: boolean) => (ok ? (colour ? '\x1b[32mPASS\x1b[0m' : 'PASS') : colour ? '\x1b[31mFAIL\x1b[0m' : 'FAIL');
const loadNow = () => loadavg().map((l) => l.toFixed(2)).join(' ');
const uptime = () => spawnSync('uptime', { encoding: 'utf8' }).stdout.trim();

function fdCount(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return NaN;
  }
}
const totalResources = (m: MemoryReport) => Object.values(m.resources).reduce((a, b) => a + b, 0);
const resourceList = (m: MemoryReport) =>
  Object.entries(m.resources)
    .sort()
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');

/**
 * The resident set after a checkpoint's full GC by component: V8's committed heap (new space's semi-spaces
 * apart), memory outside it that V8 counts (external, of which ArrayBuffers), the rest of the anonymous
 * pages (malloc arenas, Node's native state: what the allocator keeps of freed memory lands here) and the
 * file-backed pages (node's code and libraries as they are touched). MiB.
 */
function rssParts(cp: Checkpoint): { newSpace: number; heapRest: number; external: number; arrayBuffers: number; nativeRest: number; file: number } {
  const m = cp.memory;
  const newSpace = m.spaces.new_space ?? 0;
  const anon = cp.proc?.rssAnonBytes ?? NaN;
  const toMib = (b: number) => b / 2 ** 20;
  return {
    newSpace: toMib(newSpace),
    heapRest: toMib(m.heapTotal - newSpace),
    external: toMib(m.external),
    arrayBuffers: toMib(m.arrayBuffers),
    nativeRest: toMib(anon - m.heapTotal - m.external),
    file: toMib(cp.proc?.rssFileBytes ?? NaN),
  };
}
const rssPartsText = (cp: Checkpoint) => {
  const p = rssParts(cp);
  return `V8 heap ${fmt(p.heapRest)} + new space ${fmt(p.newSpace)}, external ${fmt(p.external)} (ArrayBuffers ${fmt(p.arrayBuffers)}), other anonymous ${fmt(p.nativeRest)}, file-backed ${fmt(p.file)} MiB`;
};

const rssPartsCell = (cp: Checkpoint) => {
  const p = rssParts(cp);
  return `${fmt(p.heapRest)} + ${fmt(p.newSpace)} / ${fmt(p.external)} / ${fmt(p.nativeRest)} / ${fmt(p.file)}`;
};

function buildDist(): void {
  log('building dist/ (tsc -p tsconfig.build.json) ...');
  const result = spawnSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-p', `${root}tsconfig.build.json`], { cwd: root, stdio: 'pipe', encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`tsc failed: ${result.stdout}${result.stderr}`);
}

// ------------------------------------------------------------------------------------------------
// The load child (autocannon)

let loader: ChildProcess | undefined;
function mixedLoad(url: string, amount: number): Promise<MixedLoadResult> {
  loader ??= track(fork(`${root}bench/server/load-child.ts`, [], { cwd: root, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  const child = loader;
  const request: MixedLoadRequest = { type: 'mixed', url, connections, amount, requests: soakMix() };
  return new Promise((resolve, reject) => {
    child.once('message', (message: MixedLoadResult | LoadFailure) => (message.type === 'mixed-result' ? resolve(message) : reject(new Error(message.message))));
    child.send(request);
  });
}
function stopLoader(): void {
  if (loader?.connected) loader.disconnect();
  loader = undefined;
}

/** One wave on connections opened beforehand, 100 at a time (Node's default listen backlog is 511). */
async function wave(url: string, streams: number, cancelAfter?: (i: number) => number | undefined): Promise<WaveResult> {
  const { sockets } = await preconnect(url, streams);
  await sleep(300);
  return runStreamWave({ url: `${url}${streamsPath}`, streams, body: streamBody, timeoutMs: 120_000, sockets, cancelAfter });
}

// ------------------------------------------------------------------------------------------------
// Part 1: soak

interface Sample {
  atMs: number;
  cycle: number;
  rss: number;
  fds: number;
}

interface Checkpoint {
  cycle: number;
  fds: number;
  /** How long after the wave the descriptors took to come back down (or the whole settle time when they did not). */
  settleMs: number;
  rss: number;
  /** The resident set split in anonymous and file-backed pages (/proc status), after the full GC. */
  proc?: ProcSample;
  memory: MemoryReport;
}

interface CycleReport {
  cycle: number;
  load: MixedLoadResult;
  waveStats: StreamStats;
  streamsPlanned: number;
  cancelPlanned: number;
  checkpoint: Checkpoint;
}

interface SoakOutcome {
  serve: { startS: number; lines: number };
  warmup: Checkpoint;
  cycles: CycleReport[];
  samples: Sample[];
  wallS: number;
}

async function checkpoint(serve: ServeChild, cycle: number, baselineFds: number): Promise<Checkpoint> {
  const pid = serve.child.pid!;
  const started = performance.now();
  let fds = fdCount(pid);
  while (fds > baselineFds && performance.now() - started < flat.settleMs) {
    await sleep(100);
    fds = fdCount(pid);
  }
  const settleMs = performance.now() - started;
  const memory = await askMemory(serve.child, true);
  const proc = readProc(pid);
  return { cycle, fds, settleMs, rss: proc?.rssBytes ?? NaN, proc, memory };
}

async function runSoak(): Promise<SoakOutcome> {
  const serve = await spawnServe({ nodeArgs: memoryProbeArgs, ipc: true });
  const pid = serve.child.pid!;
  log(`soak: sambakit serve (defaults: TTFT ${defaultTtftMs} ms, ${defaultTps} tokens/s) pid ${pid} at ${serve.url}, started in ${serve.startS.toFixed(2)} s`);
  const started = performance.now();
  const samples: Sample[] = [];
  let cycle = 0;
  const sampler = setInterval(() => {
    const p = readProc(pid);
    if (p) samples.push({ atMs: p.atMs, cycle, rss: p.rssBytes, fds: fdCount(pid) });
  }, 500);
  const every = Math.round(1 / cancelShare);
  const cancelAfter = cancelShare > 0 ? (i: number) => (i % every === every - 1 ? cancelAfterChunks : undefined) : undefined;
  const cancelPlanned = cancelAfter ? Array.from({ length: waveStreams }, (_, i) => cancelAfter(i)).filter((n) => n !== undefined).length : 0;
  const reports: CycleReport[] = [];
  try {
    // Warm-up: one cycle's shape (at least every request of the mix 50 times, so that every path is
    // compiled), so that the baseline is taken from a process at its working size: V8's committed
    // heap and malloc's arenas grow over the first full cycle of load and a wave of streams, then stay
    // level (bench/RESULTS.md, "Soak: what the resident memory is made of").
    await mixedLoad(serve.url, warmupRequests);
    await wave(serve.url, waveStreams, cancelAfter);
    await sleep(500);
    const idleFds = fdCount(pid);
    const warmup = await checkpoint(serve, 0, idleFds);
    log(`  warm-up done: RSS ${mib(warmup.rss)} (${rssPartsText(warmup)}), heap after GC ${mib(warmup.memory.heapUsed)}, fds ${warmup.fds}, handles ${resourceList(warmup.memory)}`);
    for (cycle = 1; cycle <= cycles; cycle++) {
      const load = await mixedLoad(serve.url, perCycle);
      const families = Object.values(load.families);
      const unexpected = families.reduce((n, f) => n + f.unexpected, 0);
      const fiveXx = families.reduce((n, f) => n + f.serverErrors, 0);
      log(
        `  requests ${(cycle * perCycle).toLocaleString('en')}/${(cycles * perCycle).toLocaleString('en')}: ${fmt(load.requestsPerSecond, 0)} req/s, p50 ${load.latencyP50} ms, p99 ${load.latencyP99} ms, ` +
          `unexpected status ${unexpected} (5xx ${fiveXx}), errors ${load.errors}, timeouts ${load.timeouts}; RSS ${mib(readProc(pid)?.rssBytes ?? NaN)}, fds ${fdCount(pid)}`,
      );
      const w = await wave(serve.url, waveStreams, cancelAfter);
      const stats = streamStats(w, defaultTtftMs);
      const cp = await checkpoint(serve, cycle, idleFds);
      log(
        `  wave ${cycle}/${cycles}: ${stats.completed} complete, ${stats.cancelled} cancelled, errors ${stats.errors}${stats.errorKinds ? ` (${stats.errorKinds})` : ''}, TTFT-${defaultTtftMs} p99 ${fmt(stats.ttftWritten.p99)} ms; ` +
          `after: fds ${cp.fds} (idle ${idleFds}) in ${fmt(cp.settleMs, 0)} ms, RSS ${mib(cp.rss)} (${rssPartsText(cp)}), heap after GC ${mib(cp.memory.heapUsed)}, handles ${totalResources(cp.memory)}`,
      );
      reports.push({ cycle, load, waveStats: stats, streamsPlanned: waveStreams, cancelPlanned, checkpoint: cp });
    }
    return { serve: { startS: serve.startS, lines: serve.lines() }, warmup, cycles: reports, samples, wallS: (performance.now() - started) / 1000 };
  } finally {
    clearInterval(sampler);
    stopLoader();
    await stopServe(serve.child);
  }
}

interface Verdict {
  name: string;
  ok: boolean;
  detail: string;
}

/**
 * Flat, precisely:
 * - RSS: the median of the /proc samples taken during the last cycle is at most max(10 %, 16 MiB)
 *   above the median of those taken during the first cycle (the first 10 % of the run, after a
 *   warm-up of one cycle's shape, over which the process grows to its working size);
 * - heap: after a full collection at the end of the last cycle, at most 2 MiB above the same reading
 *   at the end of the first cycle;
 * - descriptors: after every wave, back to the idle count (taken after the warm-up) within 10 s;
 * - handles: after every wave, the server's active handles (sockets, timers, ...) number no more
 *   than after the warm-up;
 * - and the run was served right: no 5xx, every request answered in its expected status class, every
 *   stream not cancelled ended with [DONE].
 */
function soakVerdict(s: SoakOutcome): Verdict[] {
  const first = s.cycles[0]!;
  const last = s.cycles[s.cycles.length - 1]!;
  const rssOf = (cycle: number) => median(s.samples.filter((x) => x.cycle === cycle).map((x) => x.rss));
  const rssFirst = rssOf(first.cycle);
  const rssLast = rssOf(last.cycle);
  const rssAllowed = Math.max(rssFirst * flat.rssRatio, flat.rssBytes);
  const heapGrowth = last.checkpoint.memory.heapUsed - first.checkpoint.memory.heapUsed;
  const fdsBad = s.cycles.filter((c) => c.checkpoint.fds > s.warmup.fds);
  const handlesBase = totalResources(s.warmup.memory);
  const handlesBad = s.cycles.filter((c) => totalResources(c.checkpoint.memory) > handlesBase);
  const families = s.cycles.flatMap((c) => Object.values(c.load.families));
  const unexpected = families.reduce((n, f) => n + f.unexpected, 0);
  const fiveXx = families.reduce((n, f) => n + f.serverErrors, 0);
  const requests = s.cycles.reduce((n, c) => n + c.load.completed, 0);
  const socketErrors = families.reduce((n, f) => n + f.errors, 0);
  const streamsOk = s.cycles.reduce((n, c) => n + c.waveStats.completed, 0);
  const streamsWanted = s.cycles.reduce((n, c) => n + c.streamsPlanned - c.cancelPlanned, 0);
  const cancelled = s.cycles.reduce((n, c) => n + c.waveStats.cancelled, 0);
  return [
    { name: 'RSS flat', ok: rssLast - rssFirst <= rssAllowed, detail: `median ${mib(rssFirst)} in cycle 1 (after a warm-up of one cycle's shape), ${mib(rssLast)} in cycle ${last.cycle}: ${rssLast >= rssFirst ? '+' : ''}${mib(rssLast - rssFirst)} (allowed +${mib(rssAllowed)})` },
    { name: 'heap flat', ok: heapGrowth <= flat.heapBytes, detail: `after a full GC: ${mib(first.checkpoint.memory.heapUsed)} after cycle 1, ${mib(last.checkpoint.memory.heapUsed)} after cycle ${last.cycle}: ${heapGrowth >= 0 ? '+' : ''}${kib(heapGrowth)} (allowed +${mib(flat.heapBytes)})` },
    { name: 'descriptors back to idle after every wave', ok: fdsBad.length === 0, detail: `idle ${s.warmup.fds}; after the waves ${s.cycles.map((c) => c.checkpoint.fds).join(', ')}; slowest return ${fmt(Math.max(...s.cycles.map((c) => c.checkpoint.settleMs)), 0)} ms` },
    { name: 'handles back to idle after every wave', ok: handlesBad.length === 0, detail: `idle ${handlesBase} (${resourceList(s.warmup.memory)}); after the waves ${s.cycles.map((c) => totalResources(c.checkpoint.memory)).join(', ')}` },
    { name: 'requests answered right', ok: unexpected === 0 && socketErrors === 0 && requests >= requestsTotal * 0.999, detail: `${requests.toLocaleString('en')} answered, ${unexpected} outside their expected status class, ${fiveXx} 5xx, ${socketErrors} socket errors` },
    { name: 'streams complete', ok: streamsOk === streamsWanted, detail: `${streamsOk.toLocaleString('en')} of ${streamsWanted.toLocaleString('en')} not cancelled ended with [DONE]; ${cancelled.toLocaleString('en')} cancelled by the client after ${cancelAfterChunks} tokens` },
  ];
}

function soakMarkdown(s: SoakOutcome, verdicts: Verdict[]): string[] {
  const families = new Map<string, { expected: number; unexpected: number; serverErrors: number; errors: number; samples: string[] }>();
  for (const c of s.cycles) {
    for (const [name, f] of Object.entries(c.load.families)) {
      const t = families.get(name) ?? { expected: 0, unexpected: 0, serverErrors: 0, errors: 0, samples: [] };
      t.errors += f.errors;
      t.expected += f.expected;
      t.unexpected += f.unexpected;
      t.serverErrors += f.serverErrors;
      if (t.samples.length < 2) t.samples.push(...f.samples.slice(0, 2 - t.samples.length));
      families.set(name, t);
    }
  }
  const lines = [
    `### Soak: ${requestsTotal.toLocaleString('en')} mixed requests and ${cycles} waves of ${waveStreams.toLocaleString('en')} streams`,
    '',
    `\`sambakit serve\` with its defaults (TTFT ${defaultTtftMs} ms, ${defaultTps} tokens/s, request log on stdout: ${s.serve.lines.toLocaleString('en')} lines read), plus bench/server/memory-probe.mjs over IPC. ` +
      `${cycles} cycles, each: ${perCycle.toLocaleString('en')} requests from autocannon 9 in a forked child: one instance per request of the ${soakMix().length}-request mix (every family), all at once, ${Math.max(1, Math.round(connections / soakMix().length))} keep-alive connections each ` +
      `(non-stream answers are paced too: ~${defaultTtftMs + 7 * (1000 / defaultTps)} ms each), then ${waveStreams.toLocaleString('en')} streams (\`max_tokens\` ${streamMaxTokens}) at once, every ${Math.round(1 / cancelShare)}th closed by the client after ${cancelAfterChunks} tokens, ` +
      `then a wait for the server's descriptors to return to idle and a reading of its heap after a full GC. A warm-up of one cycle's shape (${warmupRequests.toLocaleString('en')} requests, a wave of ${waveStreams.toLocaleString('en')} streams) comes first and is not judged: over it the process grows to its working size (V8's committed heap, malloc's arenas). Whole run: ${fmt(s.wallS / 60)} min.`,
    '',
    '| cycle | req/s | p50 / p99 ms | unexpected / 5xx | streams complete / cancelled / errors | TTFT − 200 p99 ms | RSS median during (MiB) | after: fds | after: handles | after: heap after GC (MiB) | after: RSS (MiB) | after: RSS parts: V8 committed + new space / external / other anonymous / file-backed (MiB) |',
    '|---:|---:|---|---:|---|---:|---:|---:|---:|---:|---:|---|',
    `| warm-up | | | | | | | ${s.warmup.fds} | ${totalResources(s.warmup.memory)} | ${fmt(s.warmup.memory.heapUsed / 2 ** 20, 2)} | ${fmt(s.warmup.rss / 2 ** 20)} | ${rssPartsCell(s.warmup)} |`,
    ...s.cycles.map((c) => {
      const f = Object.values(c.load.families);
      const rss = median(s.samples.filter((x) => x.cycle === c.cycle).map((x) => x.rss));
      return (
        `| ${c.cycle} | ${fmt(c.load.requestsPerSecond, 0)} | ${c.load.latencyP50} / ${c.load.latencyP99} | ${f.reduce((n, t) => n + t.unexpected, 0)} / ${f.reduce((n, t) => n + t.serverErrors, 0)} | ` +
        `${c.waveStats.completed} / ${c.waveStats.cancelled} / ${c.waveStats.errors} | ${fmt(c.waveStats.ttftWritten.p99)} | ${fmt(rss / 2 ** 20)} | ${c.checkpoint.fds} | ${totalResources(c.checkpoint.memory)} | ${fmt(c.checkpoint.memory.heapUsed / 2 ** 20, 2)} | ${fmt(c.checkpoint.rss / 2 ** 20)} | ${rssPartsCell(c.checkpoint)} |`
      );
    }),
    '',
    '| family | answered as expected | unexpected status | 5xx | socket errors |',
    '|---|---:|---:|---:|---:|',
    ...[...families.entries()].map(([name, t]) => `| ${name} | ${t.expected.toLocaleString('en')} | ${t.unexpected} | ${t.serverErrors} | ${t.errors} |`),
    '',
    ...[...families.values()].flatMap((t) => t.samples).map((x) => `- unexpected: \`${x}\``),
    '',
    '**Verdict** (flat = the last cycle against the first, which is the first 10 % of the run after an unjudged warm-up of one full cycle: RSS median within max(10 %, 16 MiB); heap after a full GC within 2 MiB; descriptors and handles back to the idle count after every wave, within 10 s):',
    '',
    '```',
    ...verdicts.map((v) => `${v.ok ? 'PASS' : 'FAIL'}  ${v.name}: ${v.detail}`),
    '```',
    '',
  ];
  return lines;
}

// ------------------------------------------------------------------------------------------------
// Part 2: scale

type ScaleServer = 'sambakit' | 'bare SSE' | 'sambakit base';

interface ScaleWave {
  server: ScaleServer;
  round: number;
  stats: StreamStats;
  peakOpen: number;
  cpuMs: number;
  /** Server CPU per content chunk received, µs. */
  cpuPerTokenUs: number;
  cpuPercent: number;
  peakRss: number;
  /** This process's own event-loop delay over the wave, p99 and max (ms): how late the client itself reads what the server sent. */
  clientDelayP99: number;
  clientDelayMax: number;
  /** The server's own view of the wave (bench/server/pace-probe.mjs). */
  pace: PaceReport;
}

interface MemoryWave {
  server: ScaleServer;
  /** Heap after a full GC with no connection open. */
  idleHeap: number;
  /** The same with the wave's connections open, before any request (Node's per-connection objects). */
  connectedHeap: number;
  openHeap: number;
  idleRss: number;
  openRss: number;
  /** Streams open (request sent, not ended) when the open reading was taken. */
  openStreams: number;
  /** Whether every stream was flowing at the reading (else it was taken at the first stream's end). */
  allFlowing: boolean;
  /** When the open reading was taken, ms after the requests were sent. */
  atMs: number;
}

interface ScaleOutcome {
  waves: ScaleWave[];
  memory: MemoryWave[];
  fdLimits?: { soft: number; hard: number };
  bareTokens: number;
  notes: string[];
}

/** Counts by when in the wave they ended (the pace probe's buckets): `0-0.5 s 12, 0.5-1 s 3, ...`. */
function byTimeText(pace: PaceReport, counts: number[]): string {
  const edges = pace.longGapBucketsMs;
  return counts.map((count, i) => `${i === 0 ? 0 : edges[i - 1]! / 1000}-${i < edges.length ? `${edges[i]! / 1000}` : ''} s ${count}`).join(', ');
}

/** The written gaps over 100 ms, by when in the wave they ended: where the gap tail comes from. */
function longGapsText(pace: PaceReport): string {
  return `${pace.longGapsByTime.reduce((a, b) => a + b, 0)} of ${pace.gapCount} over 100 ms, ended at ${byTimeText(pace, pace.longGapsByTime)}`;
}

/** How late the probe's 5-ms timer fired: the distribution, and the samples 50 ms late or more by when. */
function latenessText(pace: PaceReport): string {
  const l = pace.timerLateness;
  return `${fmt(l.p50)} / ${fmt(l.p90)} / ${fmt(l.p99)} / ${fmt(l.max)} ms; ≥ 50 ms: ${byTimeText(pace, pace.lateTimersByTime)}`;
}

function stdoutText(pace: PaceReport): string {
  return `${pace.stdout.writes} writes, ${fmt(pace.stdout.ms)} ms (longest ${fmt(pace.stdout.maxMs)})`;
}

async function scaleWave(server: ScaleServer, round: number, url: string, child: ChildProcess): Promise<ScaleWave> {
  const pid = child.pid!;
  const { sockets } = await preconnect(url, scaleStreams);
  await sleep(300);
  const sampler = sampleProc(pid, 100);
  const before = readProc(pid);
  // Recording starts now: the connections' set-up is left out.
  await askPace(child, Date.now(), true);
  const clientDelay = monitorEventLoopDelay({ resolution: 5 });
  clientDelay.enable();
  const startedEpochMs = Date.now();
  const w = await runStreamWave({ url: `${url}${streamsPath}`, streams: scaleStreams, body: streamBody, timeoutMs: 120_000, sockets });
  clientDelay.disable();
  const after = readProc(pid);
  const proc = sampler.stop();
  // Asked after the CPU reading: sorting its gaps is the probe's work, not the server's.
  const pace = await askPace(child, startedEpochMs, false);
  const stats = streamStats(w, defaultTtftMs);
  const cpuMs = before && after ? after.cpuMs - before.cpuMs : NaN;
  const report: ScaleWave = { server, round, stats, peakOpen: w.peakOpen, cpuMs, cpuPerTokenUs: (cpuMs * 1000) / stats.chunksTotal, cpuPercent: proc?.cpuPercent ?? NaN, peakRss: proc?.peakRssBytes ?? NaN,
    clientDelayP99: clientDelay.percentile(99) / 1e6, clientDelayMax: clientDelay.max / 1e6, pace };
  log(
    `  round ${round} ${server}: ${stats.completed}/${scaleStreams} complete, errors ${stats.errors}${stats.errorKinds ? ` (${stats.errorKinds})` : ''}, peak open ${w.peakOpen}, ` +
      `TTFT-${defaultTtftMs} p99 ${fmt(stats.ttftWritten.p99)} ms, gap p50 ${fmt(stats.gapP50)} p99 ${fmt(stats.gapP99)} ms (as written: p99 ${fmt(pace.gapP99)}; ${longGapsText(pace)}), ` +
      `rate after the first ${fmt(stats.rateAfterFirst.p50)} tokens/s, CPU ${fmt(report.cpuPerTokenUs)} µs/token (${fmt(report.cpuPercent, 0)} %), ` +
      `loop delay p99 client ${fmt(report.clientDelayP99)} / server ${fmt(pace.loopDelayP99)} ms, server's 5-ms timer late p50 / p90 / p99 / max ${latenessText(pace)}, stdout ${stdoutText(pace)}, GC max ${fmt(pace.gcMaxMs)} ms, ${fmt(pace.burstGcMs, 0)} ms in the first 400 ms; ${gcKindsText(pace.gcKinds)}`,
  );
  await sleep(1500);
  return report;
}

/**
 * Heap and RSS with the streams open (after a full GC) against idle, per open stream; the heap also
 * against the same connections open before any request. Read once every stream flows (each has had
 * its first token, none has ended), which on a quiet machine is a few hundred ms into the wave; on a
 * loaded one that moment may never come, and the reading is taken at the first stream's end (a
 * reading at a fixed time then caught requests still queued, not streams).
 */
async function memoryWave(server: ScaleServer, url: string, child: ChildProcess): Promise<MemoryWave> {
  const pid = child.pid!;
  const idle = await askMemory(child, true);
  const idleRss = readProc(pid)?.rssBytes ?? NaN;
  const { sockets } = await preconnect(url, scaleStreams);
  await sleep(300);
  const connected = await askMemory(child, true);
  const flow = allFlowing(scaleStreams);
  const sent = performance.now();
  const running = runStreamWave({ url: `${url}${streamsPath}`, streams: scaleStreams, body: streamBody, timeoutMs: 120_000, sockets, onProgress: flow.onProgress });
  const moment = await flow.reached;
  const at = performance.now();
  const open = await askMemory(child, true);
  const openRss = readProc(pid)?.rssBytes ?? NaN;
  const w = await running;
  const openStreams = w.streams.filter((s) => s.startedAt <= at && (s.endedAt ?? Infinity) > at).length;
  const m: MemoryWave = { server, idleHeap: idle.heapUsed, connectedHeap: connected.heapUsed, openHeap: open.heapUsed, idleRss, openRss, openStreams, allFlowing: moment.allFlowing, atMs: at - sent };
  log(
    `  memory ${server}: ${openStreams} open (${moment.allFlowing ? 'all flowing' : `first end, ${moment.flowing} flowing`}, ${fmt(m.atMs, 0)} ms in): heap after GC ${mib(idle.heapUsed)} idle, ${mib(connected.heapUsed)} connected, ${mib(open.heapUsed)} open: ` +
      `${kib((open.heapUsed - connected.heapUsed) / openStreams)} per stream over its connection, ${kib((open.heapUsed - idle.heapUsed) / openStreams)} with it; RSS ${mib(idleRss)} → ${mib(openRss)}`,
  );
  await sleep(1500);
  return m;
}

async function runScale(): Promise<ScaleOutcome> {
  const notes: string[] = [];
  const fdLimits = openFileLimits();
  const serve = await spawnServe({ serveArgs: ['--tokens-per-second', String(scaleTps)], nodeArgs: [...serveNodeArgs, ...memoryProbeArgs, ...paceProbeArgs], ipc: true });
  const base = baseRoot ? await spawnServe({ serveArgs: ['--tokens-per-second', String(scaleTps)], nodeArgs: [...serveNodeArgs, ...memoryProbeArgs, ...paceProbeArgs], ipc: true, root: baseRoot }) : undefined;
  let bare: { child: ChildProcess; url: string } | undefined;
  const waves: ScaleWave[] = [];
  const memory: MemoryWave[] = [];
  let bareTokens = streamMaxTokens;
  try {
    log(`scale: sambakit serve --tokens-per-second ${scaleTps} (pid ${serve.child.pid}) at ${serve.url}; warm-up of 50 streams`);
    const warm = await runStreamWave({ url: `${serve.url}${streamsPath}`, streams: 50, body: streamBody, timeoutMs: 30_000 });
    const ok = warm.streams.filter((s) => s.done && !s.error);
    if (ok.length !== 50) throw new Error(`sambakit's warm-up streams failed: ${ok.length}/50 complete (${warm.streams.find((s) => s.error)?.error ?? ''})`);
    bareTokens = Math.round(median(ok.map((s) => s.contentChunks)));
    bare = await forkServer('bare-sse-child.ts', { env: { TTFT_MS: String(defaultTtftMs), TPS: String(scaleTps), TOKENS: String(bareTokens) }, execArgv: [...memoryProbeArgs, ...paceProbeArgs] });
    await runStreamWave({ url: `${bare.url}${streamsPath}`, streams: 50, body: streamBody, timeoutMs: 30_000 });
    const targets: Partial<Record<ScaleServer, { url: string; child: ChildProcess }>> = { sambakit: { url: serve.url, child: serve.child }, 'bare SSE': bare };
    if (base) {
      log(`  sambakit base: ${baseRoot} (pid ${base.child.pid}) at ${base.url}`);
      await runStreamWave({ url: `${base.url}${streamsPath}`, streams: 50, body: streamBody, timeoutMs: 30_000 });
      targets['sambakit base'] = { url: base.url, child: base.child };
    }
    const names = Object.keys(targets) as ScaleServer[];
    for (const name of names) {
      log(`  ${name}: one unmeasured wave of ${scaleStreams} streams first (cold start)`);
      await wave(targets[name]!.url, scaleStreams);
      await sleep(1500);
    }
    for (let round = 0; round < scaleRounds; round++) {
      const order = round % 2 === 0 ? names : names.slice().reverse();
      for (const name of order) waves.push(await scaleWave(name, round, targets[name]!.url, targets[name]!.child));
    }
    for (const name of names) memory.push(await memoryWave(name, targets[name]!.url, targets[name]!.child));
  } finally {
    await stopServe(serve.child);
    if (base) await stopServe(base.child);
    if (bare) await closeForked(bare.child);
  }
  return { waves, memory, fdLimits, bareTokens, notes };
}

function scaleMarkdown(s: ScaleOutcome): { lines: string[]; verdicts: Verdict[] } {
  const of = (name: ScaleServer) => s.waves.filter((w) => w.server === name);
  const med = (name: ScaleServer, f: (w: ScaleWave) => number) => median(of(name).map(f));
  const gapTarget = 1000 / scaleTps;
  const mem = (name: ScaleServer) => s.memory.find((m) => m.server === name);
  const perStream = (m: MemoryWave | undefined, k: 'stream' | 'heap' | 'rss') => (m ? (k === 'stream' ? m.openHeap - m.connectedHeap : k === 'heap' ? m.openHeap - m.idleHeap : m.openRss - m.idleRss) / m.openStreams : NaN);
  const lines = [
    `### Scale: ${scaleStreams.toLocaleString('en')} concurrent streams at ${scaleTps} tokens/s`,
    '',
    `\`sambakit serve --tokens-per-second ${scaleTps}\`${serveNodeArgs.length > 0 ? ` under \`node ${serveNodeArgs.join(' ')}\`` : ''} (other flags default: TTFT ${defaultTtftMs} ms, request log on stdout) and the bare \`node:http\` SSE baseline (bench/server/bare-sse-child.ts, same TTFT and pace, ${s.bareTokens} content chunks) in the same run, each with bench/server/memory-probe.mjs. ` +
      `Client: this process on raw TCP sockets (bench/server/streams.ts), ${scaleStreams.toLocaleString('en')} connections opened beforehand 100 at a time, then every request written in one loop. ` +
      `After a 50-stream warm-up and one unmeasured wave per server, ${scaleRounds} rounds of one wave per server, order alternating. CPU per token: the server process's utime + stime over the wave ÷ content chunks received. ` +
      `Heap per open stream: one more wave per server, heap after a full GC once every stream flows (each has had its first token, none has ended; or, when that moment never comes, at the first stream's end) minus the same with the wave's connections open before any request, ÷ streams open at that moment: what a stream adds to its connection (the goal's measure); "with its connection" subtracts the heap before the connections were opened instead. ` +
      `Client loop delay: this process's own event-loop delay over the wave (perf_hooks, 5 ms resolution), which every time it reads is late by. ` +
      `The server's own view, from bench/server/pace-probe.mjs preloaded into both servers alike: gaps between two writes of content to one response as it made them (the client's gaps minus its own lateness), the share of writes carrying more than one content token (a stream catching up after a late turn), its event-loop delay (2 ms resolution) and GC pauses (all, the longest, and those in the wave's first 400 ms, where its requests are read and set up; by kind: minor = scavenges of the young generation, major = mark-compact, with how many lasted 50 ms or more, each enough to put the gap p99 over 100 ms). ` +
      `The server's own TTFT is \`usage.time_to_first_token\` of each stream (from the request's arrival to its first write): what it adds to the client's figure is reading and delivery. ` +
      `Tokens/s after the first: per stream, content chunks after the first ÷ the time from the first to the last (a server that falls behind shows here as well as in the gaps). ` +
      `Open-file limit: ${s.fdLimits ? `soft ${s.fdLimits.soft}, hard ${s.fdLimits.hard}` : 'unknown'}.`,
    '',
    '| round | server | complete / errors | peak open | TTFT − 200 ms from request sent: p50 / p99 / max | TTFT − 200 ms as the server measured it (usage, from arrival): p50 / p99 | gap p50 / p99 (target 50) | gap as the server wrote: p50 / p99 / max | writes of > 1 token | tokens/s after the first: p50 / p1 | client loop delay p99 / max (ms) | server loop delay p99 / max (ms) | server 5-ms timer late: p50 / p90 / p99 / max, then ≥ 50 ms by when (ms, s) | server stdout writes: count, ms in them (longest) | server GC: longest / in the first 400 ms / all (ms) | server GC by kind | server CPU µs per token | server CPU % | server RSS peak (MiB) |',
    '|---:|---|---:|---:|---|---|---|---|---:|---|---|---|---|---|---|---|---:|---:|---:|',
    ...s.waves.map((w) => `| ${w.round + 1} | ${w.server} | ${w.stats.completed} / ${w.stats.errors}${w.stats.errorKinds ? ` (${w.stats.errorKinds})` : ''} | ${w.peakOpen} | ${fmt(w.stats.ttftWritten.p50)} / ${fmt(w.stats.ttftWritten.p99)} / ${fmt(w.stats.ttftWritten.max)} | ${fmt(w.stats.serverTtft.p50)} / ${fmt(w.stats.serverTtft.p99)} | ${fmt(w.stats.gapP50)} / ${fmt(w.stats.gapP99)} | ${fmt(w.pace.gapP50)} / ${fmt(w.pace.gapP99)} / ${fmt(w.pace.gapMax)} | ${fmt((100 * w.pace.multiTokenWrites) / w.pace.writes, 0)} % | ${fmt(w.stats.rateAfterFirst.p50)} / ${fmt(w.stats.rateAfterFirst.p1)} | ${fmt(w.clientDelayP99)} / ${fmt(w.clientDelayMax)} | ${fmt(w.pace.loopDelayP99)} / ${fmt(w.pace.loopDelayMax)} | ${latenessText(w.pace)} | ${stdoutText(w.pace)} | ${fmt(w.pace.gcMaxMs)} / ${fmt(w.pace.burstGcMs, 0)} / ${fmt(w.pace.gcMs, 0)} | ${gcKindsText(w.pace.gcKinds)} | ${fmt(w.cpuPerTokenUs)} | ${fmt(w.cpuPercent, 0)} | ${fmt(w.peakRss / 2 ** 20)} |`),
    '',
    '| server | streams open at the reading (when) | heap after GC idle / connected / open (MiB) | heap per open stream | with its connection | RSS idle → open (MiB) | RSS per open stream |',
    '|---|---:|---|---:|---:|---|---:|',
    ...s.memory.map((m) => `| ${m.server} | ${m.openStreams} (${m.allFlowing ? 'all flowing' : 'first end'}, ${fmt(m.atMs, 0)} ms) | ${fmt(m.idleHeap / 2 ** 20, 2)} / ${fmt(m.connectedHeap / 2 ** 20, 2)} / ${fmt(m.openHeap / 2 ** 20, 2)} | ${kib(perStream(m, 'stream'))} | ${kib(perStream(m, 'heap'))} | ${fmt(m.idleRss / 2 ** 20)} → ${fmt(m.openRss / 2 ** 20)} | ${kib(perStream(m, 'rss'))} |`),
    '',
  ];
  const sk = of('sambakit');
  const ttftGap = med('sambakit', (w) => w.stats.ttftWritten.p99) - med('bare SSE', (w) => w.stats.ttftWritten.p99);
  // The same round's waves ran one after the other: their difference is steadier than the difference of medians.
  const pairedTtft = (name: ScaleServer) => of(name).map((w) => w.stats.ttftWritten.p99 - (of('bare SSE').find((b) => b.round === w.round)?.stats.ttftWritten.p99 ?? NaN));
  const pairedText = (name: ScaleServer) => `${fmt(median(pairedTtft(name)))} ms (${pairedTtft(name).map((d) => fmt(d)).join(', ')})`;
  const cpuRatio = med('sambakit', (w) => w.cpuPerTokenUs) / med('bare SSE', (w) => w.cpuPerTokenUs);
  const heapPer = perStream(mem('sambakit'), 'stream');
  const verdicts: Verdict[] = [
    { name: `all ${scaleStreams} streams complete`, ok: sk.length > 0 && sk.every((w) => w.stats.completed === scaleStreams && w.peakOpen >= scaleStreams), detail: sk.map((w) => `${w.stats.completed} complete, peak ${w.peakOpen} open`).join('; ') },
    { name: `gap p99 ≤ 2 × ${gapTarget} ms`, ok: sk.length > 0 && sk.every((w) => w.stats.gapP99 <= 2 * gapTarget), detail: `sambakit ${sk.map((w) => fmt(w.stats.gapP99)).join(', ')} ms; bare SSE ${of('bare SSE').map((w) => fmt(w.stats.gapP99)).join(', ')} ms` },
    { name: 'TTFT p99 within 10 ms of the baseline', ok: ttftGap <= 10, detail: `median over rounds, from request sent: sambakit +${fmt(med('sambakit', (w) => w.stats.ttftWritten.p99))} ms, bare SSE +${fmt(med('bare SSE', (w) => w.stats.ttftWritten.p99))} ms: ${ttftGap >= 0 ? '+' : ''}${fmt(ttftGap)} ms; per round, sambakit − bare in the same round, median ${pairedText('sambakit')}` },
    { name: 'server CPU per token ≤ 1.2 × the baseline', ok: cpuRatio <= 1.2, detail: `sambakit ${fmt(med('sambakit', (w) => w.cpuPerTokenUs))} µs, bare SSE ${fmt(med('bare SSE', (w) => w.cpuPerTokenUs))} µs: ${fmt(cpuRatio, 2)}×` },
    { name: 'heap per open stream ≤ 5 KB', ok: heapPer <= 5000 && mem('sambakit')?.allFlowing === true, detail: `over its connection: sambakit ${kib(heapPer)} (${fmt(heapPer, 0)} B), bare SSE ${kib(perStream(mem('bare SSE'), 'stream'))}; with it: ${kib(perStream(mem('sambakit'), 'heap'))} vs ${kib(perStream(mem('bare SSE'), 'heap'))}; ${mem('sambakit')?.allFlowing ? 'read with every stream flowing' : 'NOT read with every stream flowing (first end came first)'}` },
  ];
  lines.push('**Goals:**', '', '```', ...verdicts.map((v) => `${v.ok ? 'PASS' : 'FAIL'}  ${v.name}: ${v.detail}`), '```', '', ...s.notes.map((n) => `- ${n}`));
  if (of('sambakit base').length > 0) {
    lines.push(
      `**Before/after (BASE=${baseRoot}, "sambakit base", in the same rounds; not a verdict):** gap p99 this tree ${sk.map((w) => fmt(w.stats.gapP99)).join(', ')} ms, base ${of('sambakit base').map((w) => fmt(w.stats.gapP99)).join(', ')} ms; ` +
        `TTFT p99 − bare's in the same round, median: this tree ${pairedText('sambakit')}, base ${pairedText('sambakit base')}; CPU per token this tree ${fmt(med('sambakit', (w) => w.cpuPerTokenUs))} µs, base ${fmt(med('sambakit base', (w) => w.cpuPerTokenUs))} µs.`,
      '',
    );
  }
  return { lines, verdicts };
}

// ------------------------------------------------------------------------------------------------

/**
 * Each side of a wave needs a descriptor per stream; Node cannot raise its own limit, so when the soft
 * limit is short and the hard one allows it, the bench runs itself again under `ulimit -n` (its
 * children inherit the limit).
 */
function ensureFdLimit(): void {
  const limits = openFileLimits();
  const needed = Math.max(scaleStreams, waveStreams) + 500;
  if (!limits || limits.soft >= needed || process.env.SOAK_FD_RAISED) return;
  if (limits.hard < needed) {
    log(`bench:soak: ulimit -n is ${limits.soft} (hard ${limits.hard}), below the ~${needed} the streams need; raise the hard limit first`);
    process.exit(2);
  }
  log(`bench:soak: raising the open-file limit from ${limits.soft} to ${needed} (hard ${limits.hard}) and running again`);
  const result = spawnSync('/bin/sh', ['-c', `ulimit -n ${needed} && exec "$0" "$@"`, process.execPath, ...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit', env: { ...process.env, SOAK_FD_RAISED: '1' } });
  process.exit(result.status ?? 1);
}

async function main(): Promise<void> {
  ensureFdLimit();
  const startedAt = new Date();
  const uptimeStart = uptime();
  const machine = `${cpus().length} x ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM`;
  log(`machine: ${machine}, node ${process.version}; ${uptimeStart}`);
  buildDist();
  const lines: string[] = [];
  const verdicts: Verdict[] = [];
  let complete = true;
  const timings: string[] = [];
  if (parts.has('soak')) {
    const t = performance.now();
    try {
      const soak = await runSoak();
      const v = soakVerdict(soak);
      verdicts.push(...v);
      lines.push(...soakMarkdown(soak, v));
    } catch (error) {
      complete = false;
      log(`soak part failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
    timings.push(`soak ${fmt((performance.now() - t) / 60_000)} min`);
  }
  if (parts.has('scale')) {
    const t = performance.now();
    try {
      const scale = await runScale();
      const { lines: md, verdicts: v } = scaleMarkdown(scale);
      verdicts.push(...v);
      lines.push(...md);
    } catch (error) {
      complete = false;
      log(`scale part failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
    timings.push(`scale ${fmt((performance.now() - t) / 60_000)} min`);
  }
  const uptimeEnd = uptime();
  const heading = '## Soak and scale (`npm run bench:soak`)';
  const section = [
    heading,
    '',
    `${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC, ${machine}, Node ${process.version}, everything on 127.0.0.1 (load generator, servers and stream client share the ${cpus().length} cores). ` +
      `\`uptime\` at start: \`${uptimeStart}\`; at end: \`${uptimeEnd}\`. Run time: ${timings.join(', ')}.`,
    '',
    ...lines,
  ].join('\n');
  process.stdout.write(`${section}\n`);
  for (const v of verdicts) log(`${mark(v.ok)}  ${v.name}: ${v.detail}`);
  if (append && complete && parts.has('soak') && parts.has('scale')) {
    writeSection(`${root}bench/RESULTS.md`, heading, section);
    log('written to bench/RESULTS.md');
  } else if (append) {
    log('not written to bench/RESULTS.md: partial run (PARTS) or a part failed');
  }
  if (!complete || verdicts.some((v) => !v.ok)) process.exitCode = 1;
}

main().catch((error: unknown) => {
  log(`bench:soak failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
});
