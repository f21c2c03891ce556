/**
 * `npm run bench:server`: the reference server under load, on 127.0.0.1, in two parts.
 *
 * 1. Validated non-stream chat requests per second, p50/p99 latency, at 10 and 50 keep-alive
 *    connections (autocannon 9, pipelining 1), side by side in one run with a bare `node:http` JSON
 *    echo (parses the body and sends it back: the baseline the goal names), a bare `node:http`
 *    server sending a fixed body unread (the stricter baseline of perf-baselines.md) and Prism
 *    5.14.2 mocking the same spec (installed on demand into bench/.cache). Every server runs in its own process and so does
 *    autocannon (a forked child), so that the load generator never shares an event loop with the
 *    server it measures. Rounds alternate the order; ratios are taken within a round, then the
 *    median over rounds.
 * 2. 1,000 concurrent SSE streams at 20 tokens/s against `sambakit serve` in a child process (the
 *    CLI as users run it), side by side with a bare `node:http` SSE server paced the same way: time
 *    to first token and gaps between tokens as this process sees them, and the server child's CPU
 *    and memory from /proc.
 *
 * When a goal is missed (or PROFILE=1), the server is profiled with `node --cpu-prof` during a req/s
 * run and the top self-time functions are printed. Prints Markdown and writes it as the section
 * "## Reference server" of bench/RESULTS.md (replacing that section if present; APPEND=0 to skip).
 *
 * Knobs (environment): ROUNDS (5), DURATION seconds per measurement (10), WARMUP seconds (3),
 * STREAMS (1000), WAVES of streams measured (5), COLD_WAVES before them (2), CONNECT (warm: connections opened before the requests | cold),
 * PARTS (rps,streams), PROFILE (auto|1|0), APPEND (1|0), MAX_MINUTES (20: the whole run's deadline).
 * @module
 */
import { fork, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, closeSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { ListeningMessage, LoadFailure, LoadRequest, LoadResult } from './server/messages.js';
import { listenOverflows, openFileLimits, readProc, sampleProc, type ProcSummary } from './server/procstat.js';
import { profileClockUs, summariseProfile, type ProfileSummary } from './server/profile.js';
import { writeSection } from './results-section.js';
import { closeForked, forkServer, guardChildren, spawnServe, stopServe, track, waitExit, type ServeChild } from './server/children.js';
import { median, streamStats, type StreamStats } from './server/stats.js';
import { preconnect, runStreamWave, streamedChatBody, type WaveResult } from './server/streams.js';
import { benchProgress } from './progress.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const here = `${root}bench/server/`;
const cache = `${root}bench/.cache/`;
const rounds = Number(process.env.ROUNDS ?? 5);
const durationS = Number(process.env.DURATION ?? 10);
const warmupS = Number(process.env.WARMUP ?? 3);
const streamCount = Number(process.env.STREAMS ?? 1000);
const waves = Number(process.env.WAVES ?? 5);
const coldWaves = Number(process.env.COLD_WAVES ?? 2);
const parts = new Set((process.env.PARTS ?? 'rps,streams').split(','));
const profileMode = process.env.PROFILE ?? 'auto';
const append = process.env.APPEND !== '0';
const connectionsList = [10, 50] as const;
const prismVersion = '5.14.2';
const streamTtftMs = 200;
const streamTps = 20;
const streamMaxTokens = 40;
/** `warm`: open the connections first (in batches), then send all requests at once; `cold`: each request opens its connection. */
const connectMode = process.env.CONNECT === 'cold' ? 'cold' : 'warm';

// ------------------------------------------------------------------------------------------------
// Small helpers

guardChildren('bench:server', Number(process.env.MAX_MINUTES ?? 20));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const fmtRps = (n: number) => (n >= 10_000 ? `${(n / 1000).toFixed(1)}k` : n.toFixed(0));
const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '–');
const range = (xs: readonly number[], f: (n: number) => string) => (xs.length > 1 ? ` [${f(Math.min(...xs))}–${f(Math.max(...xs))}]` : '');
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const log = (line: string) => process.stderr.write(`${line}\n`);
const progress = benchProgress('server');
const loadNow = () => loadavg().map((l) => l.toFixed(2)).join(' ');

/** A free TCP port on 127.0.0.1 (for Prism, which needs one on its command line). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function waitForPort(port: number, timeoutMs: number, child: ChildProcess): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      if (child.exitCode !== null) return reject(new Error(`exited with code ${child.exitCode} before opening port ${port}`));
      const socket = createConnection({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', () => {
        socket.destroy();
        if (performance.now() > deadline) reject(new Error(`port ${port} not open after ${timeoutMs} ms`));
        else setTimeout(attempt, 100);
      });
    };
    attempt();
  });
}

/**
 * Compiles src/ to dist/ (what `npm run build` does), so that the servers measured run the code
 * `npm start` runs: plain Node on tsc's output, not the tsx loader, whose transform adds its own
 * calls (a `__name` for every closure made) to the hot path.
 */
function buildDist(): void {
  log('building dist/ (tsc -p tsconfig.build.json) ...');
  const result = spawnSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-p', `${root}tsconfig.build.json`], { cwd: root, stdio: 'pipe', encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`tsc failed: ${result.stdout}${result.stderr}`);
}

// ------------------------------------------------------------------------------------------------
// What is sent

const chatBody = JSON.stringify({
  model: 'Meta-Llama-3.3-70B-Instruct',
  messages: [
    { role: 'system', content: 'Answer in two sentences at most.' },
    { role: 'user', content: 'Why is the sky blue?' },
  ],
  max_tokens: 16,
  temperature: 0,
});
const streamBody = streamedChatBody(streamMaxTokens);
const requestHeaders = { authorization: 'Bearer x', 'content-type': 'application/json' };

/** A chat completion of the usual size, for the bare server when sambakit cannot give a real one. */
const cannedAnswer = JSON.stringify({
  id: 'chatcmpl-0b4d6c1e-8f3a-4c2b-9d7e-5a1f2e3c4b5d',
  object: 'chat.completion',
  created: 1_763_800_000,
  model: 'Meta-Llama-3.3-70B-Instruct',
  system_fingerprint: 'fastcoe',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Sunlight scatters off the small molecules of the air, and blue light scatters the most.' }, logprobs: null, finish_reason: 'length' }],
  usage: { prompt_tokens: 27, completion_tokens: 16, total_tokens: 43 },
});

interface Check {
  status: number;
  contentType: string;
  bytes: number;
  isChatCompletion: boolean;
  /** The request body sent back (the JSON echo's answer). */
  isEcho: boolean;
  body: string;
}

/** One warm-up request: is the answer a 200 JSON chat completion? */
async function checkAnswer(url: string): Promise<Check> {
  const response = await fetch(url, { method: 'POST', headers: requestHeaders, body: chatBody });
  const body = await response.text();
  let isChatCompletion = false;
  try {
    const value = JSON.parse(body) as { object?: unknown; choices?: Array<{ message?: { content?: unknown } }> };
    isChatCompletion = value.object === 'chat.completion' && typeof value.choices?.[0]?.message?.content === 'string';
  } catch {
    // not JSON
  }
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', bytes: Buffer.byteLength(body), isChatCompletion, isEcho: body === chatBody, body };
}

// ------------------------------------------------------------------------------------------------
// Part 1: requests per second

interface Subject {
  name: 'sambakit' | 'echo' | 'bare' | 'prism';
  label: string;
  url: string;
  child: ChildProcess;
  check: Check;
  close(): Promise<void>;
}

interface Measurement {
  round: number;
  connections: number;
  result: LoadResult;
  /** CPU of the server process during the run, % of one core. */
  serverCpu: number;
  loaderCpu: number;
}

let loader: ChildProcess | undefined;
function startLoader(): ChildProcess {
  loader ??= track(fork(`${here}load-child.ts`, [], { cwd: root, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  return loader;
}

function stopLoader(): void {
  if (loader?.connected) loader.disconnect();
  loader = undefined;
}

function load(url: string, connections: number, seconds: number): Promise<LoadResult> {
  const child = startLoader();
  const request: LoadRequest = { type: 'load', url, connections, durationS: seconds, method: 'POST', headers: requestHeaders, body: chatBody };
  return new Promise((resolve, reject) => {
    child.once('message', (message: LoadResult | LoadFailure) => (message.type === 'result' ? resolve(message) : reject(new Error(message.message))));
    child.send(request);
  });
}

async function measure(subject: Subject, connections: number, seconds: number, round: number): Promise<Measurement> {
  const before = readProc(subject.child.pid!);
  const result = await load(subject.url, connections, seconds);
  const after = readProc(subject.child.pid!);
  const serverCpu = before && after ? ((after.cpuMs - before.cpuMs) / (after.atMs - before.atMs)) * 100 : NaN;
  const loaderCpu = (result.cpuMs / (result.durationS * 1000)) * 100;
  log(
    `  round ${round} c=${connections} ${subject.name}: ${fmtRps(result.requestsPerSecond)} req/s, p50 ${result.latencyP50} ms, p99 ${result.latencyP99} ms, ` +
      `non-2xx ${result.non2xx}, errors ${result.errors}, server CPU ${fmt(serverCpu, 0)} %, autocannon CPU ${fmt(loaderCpu, 0)} %`,
  );
  await sleep(300);
  return { round, connections, result, serverCpu, loaderCpu };
}

async function ensurePrism(): Promise<{ bin?: string; note: string }> {
  const bin = `${cache}node_modules/@stoplight/prism-cli/dist/index.js`;
  const pkg = `${cache}node_modules/@stoplight/prism-cli/package.json`;
  const installed = () => existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version === prismVersion;
  if (!installed()) {
    log(`installing @stoplight/prism-cli@${prismVersion} into bench/.cache ...`);
    mkdirSync(cache, { recursive: true });
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const result = spawnSync(npm, ['install', '--prefix', cache, '--no-save', '--no-audit', '--no-fund', `@stoplight/prism-cli@${prismVersion}`], { cwd: root, stdio: 'pipe', encoding: 'utf8', timeout: 300_000 });
    if (result.status !== 0 || !installed()) return { note: `install failed: ${(result.stderr || result.error?.message || '').trim().split('\n').slice(-3).join(' ')}` };
  }
  return { bin, note: 'installed' };
}

async function startSubjects(): Promise<{ subjects: Subject[]; notes: string[]; prismStartS?: number }> {
  const notes: string[] = [];
  const subjects: Subject[] = [];

  let sambakitCheck: Check | undefined;
  try {
    const sambakit = await forkServer('sambakit-child.ts');
    const sambakitUrl = `${sambakit.url}/cloud/v1/chat/completions`;
    sambakitCheck = await checkAnswer(sambakitUrl);
    subjects.push({ name: 'sambakit', label: 'sambakit (`POST /cloud/v1/chat/completions`)', url: sambakitUrl, child: sambakit.child, check: sambakitCheck, close: () => closeForked(sambakit.child) });
  } catch (error) {
    notes.push(`sambakit did not start: ${error instanceof Error ? error.message : String(error)}.`);
  }

  notes.push(
    'sambakit runs `startServer` from dist/ (tsc\'s build, as `npm start` runs it) with no log function, `checkResponses: \'off\'`, `ttftMs: 0` and `tokensPerSecond: 1e9`: a non-stream chat answer is paced as if streamed (src/server/operations/shared/whole-answer.ts), so these make it ready at once.',
  );
  const bareBody = sambakitCheck?.status === 200 && sambakitCheck.isChatCompletion ? sambakitCheck.body : cannedAnswer;
  if (bareBody === cannedAnswer) notes.push(`bare answers a canned chat completion (${Buffer.byteLength(cannedAnswer)} B): sambakit gave no 200 chat completion to copy.`);
  else notes.push(`bare answers the exact bytes of sambakit's warm-up answer (${Buffer.byteLength(bareBody)} B).`);
  const echo = await forkServer('echo-child.ts');
  subjects.push({ name: 'echo', label: 'bare `node:http` JSON echo (the goal\'s baseline)', url: `${echo.url}/cloud/v1/chat/completions`, child: echo.child, check: await checkAnswer(`${echo.url}/`), close: () => closeForked(echo.child) });
  const bare = await forkServer('bare-child.ts', { env: { BARE_BODY: bareBody } });
  subjects.push({ name: 'bare', label: 'bare `node:http` (fixed body)', url: `${bare.url}/cloud/v1/chat/completions`, child: bare.child, check: await checkAnswer(`${bare.url}/`), close: () => closeForked(bare.child) });

  const prism = await ensurePrism();
  let prismStartS: number | undefined;
  if (prism.bin) {
    const port = await freePort();
    const logPath = `${cache}prism.log`;
    const logFd = openSync(logPath, 'w');
    const started = performance.now();
    const child = track(spawn(process.execPath, [prism.bin, 'mock', '-h', '127.0.0.1', '-p', String(port), `${root}generated/sambanova-cloud/openapi.json`], { cwd: root, stdio: ['ignore', logFd, logFd] }));
    closeSync(logFd);
    try {
      await waitForPort(port, 90_000, child);
      prismStartS = (performance.now() - started) / 1000;
      const url = `http://127.0.0.1:${port}/chat/completions`;
      subjects.push({
        name: 'prism',
        label: `Prism ${prismVersion} (\`prism mock\`, default log level)`,
        url,
        child,
        check: await checkAnswer(url),
        close: async () => {
          child.kill('SIGTERM');
          await waitExit(child, 5000);
        },
      });
    } catch (error) {
      child.kill('SIGKILL');
      notes.push(`Prism not available: ${error instanceof Error ? error.message : String(error)} (log: bench/.cache/prism.log).`);
    }
  } else {
    notes.push(`Prism not available: ${prism.note}.`);
  }
  return { subjects, notes, prismStartS };
}

interface RpsOutcome {
  subjects: Subject[];
  measurements: Map<string, Measurement[]>;
  notes: string[];
  prismStartS?: number;
  sambakitWorks: boolean;
  profile?: ProfileSummary;
  profileNote?: string;
}

async function runRps(): Promise<RpsOutcome> {
  const { subjects, notes, prismStartS } = await startSubjects();
  const measurements = new Map<string, Measurement[]>(subjects.map((s) => [s.name, []]));
  for (const s of subjects) {
    log(`check ${s.name}: ${s.check.status} ${s.check.contentType} ${s.check.bytes} B, chat completion: ${s.check.isChatCompletion}`);
  }
  const sambakit = subjects.find((s) => s.name === 'sambakit');
  const sambakitWorks = sambakit !== undefined && sambakit.check.status === 200 && sambakit.check.isChatCompletion;
  if (sambakit && !sambakitWorks) notes.push(`sambakit answered ${sambakit.check.status} to the warm-up request, not a 200 chat completion: its row measures that answer, not the handler.`);
  try {
    if (warmupS > 0) {
      for (const s of subjects) {
        log(`warm-up ${s.name}: ${warmupS} s at c=50`);
        await load(s.url, 50, warmupS);
      }
    }
    for (let round = 0; round < rounds; round++) {
      progress.round(`req/s of ${subjects.length} servers at ${connectionsList.join(', ')} connections`, round + 1, rounds);
      const order = round % 2 === 0 ? subjects : [...subjects].reverse();
      for (const connections of connectionsList) {
        for (const s of order) measurements.get(s.name)!.push(await measure(s, connections, durationS, round));
      }
    }
  } finally {
    for (const s of subjects) await s.close();
  }
  return { subjects, measurements, notes, prismStartS, sambakitWorks };
}

/**
 * The main thread's profile in `dir`: `--cpu-prof` also profiles other threads (tsx's module-loader
 * thread), in files named `CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile`; thread 0 is the main one.
 */
function mainThreadProfile(dir: string): string | undefined {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  return files.find((f) => /\.\d+\.0\.\d+\.cpuprofile$/.test(f)) ?? files[0];
}

/** A req/s run against a fresh sambakit child under `node --cpu-prof`; the profile's top self time. */
async function profileRps(): Promise<{ summary?: ProfileSummary; note: string }> {
  const dir = `${cache}prof/`;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const server = await forkServer('sambakit-child.ts', { execArgv: ['--cpu-prof', '--cpu-prof-dir', dir] });
  const url = `${server.url}/cloud/v1/chat/completions`;
  log(`profiling sambakit: ${warmupS} s warm-up + ${durationS} s at c=50 under --cpu-prof`);
  if (warmupS > 0) await load(url, 50, warmupS);
  const fromUs = profileClockUs();
  const result = await load(url, 50, durationS);
  const toUs = profileClockUs();
  await closeForked(server.child);
  const file = mainThreadProfile(dir);
  if (!file) return { note: 'no profile was written' };
  const summary = summariseProfile(`${dir}${file}`, 15, { fromUs, toUs });
  return {
    summary,
    note:
      `${fmtRps(result.requestsPerSecond)} req/s under the profiler (c=50, ${durationS} s after a ${warmupS} s warm-up); ` +
      `${summary.windowed ? 'only the samples of the measured run (start-up and warm-up left out)' : 'whole profile'}; profile in bench/.cache/prof/`,
  };
}

// ------------------------------------------------------------------------------------------------
// Part 2: concurrent streams

type StreamServerName = 'sambakit' | 'bare SSE';

interface WaveReport {
  server: StreamServerName;
  round: number;
  wave: WaveResult;
  stats: StreamStats;
  proc?: ProcSummary;
  clientCpu: number;
  /** Connections the kernel dropped from a full listen queue during the wave (machine-wide counter). */
  listenOverflows?: number;
  /** Warm mode: time to open the connections beforehand, and the listen-queue overflows meanwhile. */
  connectMs?: number;
  connectOverflows?: number;
}

interface StreamsOutcome {
  reports: WaveReport[];
  fdLimits?: { soft: number; hard: number };
  streams: number;
  notes: string[];
  sambakitStartS?: number;
  sambakitWorks: boolean;
  bareTokens: number;
}

function startCli(extraNodeArgs: string[] = []): Promise<ServeChild> {
  return spawnServe({ nodeArgs: extraNodeArgs, serveArgs: ['--ttft-ms', String(streamTtftMs), '--tokens-per-second', String(streamTps)] });
}

const streamsPath = '/cloud/v1/chat/completions';

async function runWave(server: StreamServerName, round: number, url: string, pid: number, streams: number): Promise<WaveReport> {
  let sockets;
  let connectMs: number | undefined;
  let connectOverflows: number | undefined;
  if (connectMode === 'warm') {
    const before = listenOverflows();
    const opened = await preconnect(url, streams);
    // Time for the server to accept the last batch; after an overflow, also for the kernel's handshake retries (1 s, then 3 s).
    await sleep(300);
    let after = listenOverflows();
    if (before !== undefined && after !== undefined && after > before) {
      await sleep(4000);
      after = listenOverflows();
    }
    sockets = opened.sockets;
    connectMs = opened.ms;
    connectOverflows = before !== undefined && after !== undefined ? after - before : undefined;
  }
  const sampler = sampleProc(pid, 100);
  const cpuBefore = process.cpuUsage();
  const overflowsBefore = listenOverflows();
  const wave = await runStreamWave({ url: `${url}${streamsPath}`, streams, body: streamBody, timeoutMs: 60_000, sockets });
  const overflowsAfter = listenOverflows();
  const cpu = process.cpuUsage(cpuBefore);
  const proc = sampler.stop();
  const report: WaveReport = {
    server,
    round,
    wave,
    stats: streamStats(wave, streamTtftMs),
    proc,
    clientCpu: ((cpu.user + cpu.system) / 1000 / wave.wallMs) * 100,
    listenOverflows: overflowsBefore !== undefined && overflowsAfter !== undefined ? overflowsAfter - overflowsBefore : undefined,
    connectMs,
    connectOverflows,
  };
  const s = report.stats;
  log(
    `  round ${round} ${server}: ${s.completed}/${streams} complete, errors ${s.errors}${s.errorKinds ? ` (${s.errorKinds})` : ''}, TTFT-${streamTtftMs} from start p50 ${fmt(s.ttft.p50)} p99 ${fmt(s.ttft.p99)} max ${fmt(s.ttft.max)}, ` +
      `from finish p99 ${fmt(s.ttftWritten.p99)}, server-reported p99 ${fmt(s.serverTtft.p99)} ms; gap p50 ${fmt(s.gapP50)} p99 ${fmt(s.gapP99)} ms; peak open ${wave.peakOpen}; ` +
      `server CPU ${fmt(proc?.cpuPercent ?? NaN, 0)} %, client CPU ${fmt(report.clientCpu, 0)} %`,
  );
  return report;
}

async function warmStreams(url: string): Promise<WaveResult> {
  return runStreamWave({ url: `${url}${streamsPath}`, streams: 50, body: streamBody, timeoutMs: 30_000 });
}

/**
 * A full wave that is not measured: a server's first waves after start run code V8 has not
 * optimised yet (even the bare baseline takes two or three to settle), and a reference server under
 * test has served far more than that. Their TTFT p99s are kept for the notes, as the cold-start figures.
 */
async function coldWave(url: string, streams: number): Promise<number> {
  const sockets = connectMode === 'warm' ? (await preconnect(url, streams)).sockets : undefined;
  await sleep(300);
  const wave = await runStreamWave({ url: `${url}${streamsPath}`, streams, body: streamBody, timeoutMs: 60_000, sockets });
  await sleep(1000);
  return streamStats(wave, streamTtftMs).ttftWritten.p99;
}

async function runStreams(): Promise<StreamsOutcome> {
  const notes: string[] = [];
  const fdLimits = openFileLimits();
  let streams = streamCount;
  const needed = streamCount + 200;
  if (fdLimits && fdLimits.soft < needed) {
    // Node cannot raise its own limit; both sides need one descriptor per stream.
    streams = Math.max(1, fdLimits.soft - 200);
    notes.push(`\`ulimit -n\` is ${fdLimits.soft} (hard ${fdLimits.hard}): ${streamCount} streams need ~${needed} descriptors per side, so only ${streams} were opened; raise it with \`ulimit -n ${needed}\` before the run.`);
  }
  let cli: Awaited<ReturnType<typeof startCli>> | undefined;
  let bare: { child: ChildProcess; url: string } | undefined;
  const reports: WaveReport[] = [];
  let sambakitWorks = false;
  let bareTokens = streamMaxTokens;
  try {
    try {
      cli = await startCli();
      log(`streams: sambakit serve (pid ${cli.child.pid}) at ${cli.url}, started in ${cli.startS.toFixed(2)} s; warm-up wave of 50 streams`);
      const warm = await warmStreams(cli.url);
      const ok = warm.streams.filter((s) => s.done && !s.error);
      sambakitWorks = ok.length === warm.streams.length;
      const firstError = warm.streams.find((s) => s.error)?.error;
      log(`  warm-up: ${ok.length}/50 streams complete${firstError ? ` (first error: ${firstError})` : ''}`);
      if (!sambakitWorks) notes.push(`sambakit's warm-up streams failed (${ok.length}/50 complete; first error: ${firstError ?? 'none'}).`);
      if (ok.length > 0) bareTokens = Math.round(median(ok.map((s) => s.contentChunks)));
    } catch (error) {
      notes.push(`sambakit serve did not start: ${error instanceof Error ? error.message : String(error)}.`);
    }
    bare = await forkServer('bare-sse-child.ts', { env: { TTFT_MS: String(streamTtftMs), TPS: String(streamTps), TOKENS: String(bareTokens) } });
    await warmStreams(bare.url);
    await sleep(1000);
    const cold: string[] = [];
    for (const [name, target] of [['sambakit', cli], ['bare SSE', bare]] as const) {
      if (!target || (name === 'sambakit' && !sambakitWorks)) continue;
      log(`  ${name}: ${coldWaves} unmeasured waves of ${streams} streams first (cold start)`);
      const p99s: string[] = [];
      for (let i = 0; i < coldWaves; i++) p99s.push(`+${fmt(await coldWave(target.url, streams))}`);
      cold.push(`${name} ${p99s.join(', ')} ms`);
    }
    if (cold.length) notes.push(`Before the measured waves each server ran ${coldWaves} unmeasured waves of ${streams} streams, its first since start, with V8 still optimising the code: TTFT p99 from request sent in those waves, in order: ${cold.join('; ')}.`);
    for (let round = 0; round < waves; round++) {
      progress.round(`waves of ${streams} streams`, round + 1, waves);
      const order: StreamServerName[] = round % 2 === 0 ? ['sambakit', 'bare SSE'] : ['bare SSE', 'sambakit'];
      for (const name of order) {
        if (name === 'sambakit' && !(cli && sambakitWorks)) continue;
        const target = name === 'sambakit' ? cli! : bare;
        reports.push(await runWave(name, round, target.url, target.child.pid!, streams));
        await sleep(1500);
      }
    }
  } finally {
    if (cli) await stopServe(cli.child);
    if (bare) await closeForked(bare.child);
  }
  if (cli) {
    notes.push(`sambakit serve started in ${cli.startS.toFixed(2)} s and printed ${cli.lines()} lines of request log (its default), read by the bench.`);
    const warnings = [...new Set(cli.stderr().split('\n').filter((l) => /Warning/.test(l)).map((l) => l.replace(/^\(node:\d+\) /, '')))];
    if (warnings.length) notes.push(`sambakit serve wrote to stderr during the waves: ${warnings.slice(0, 2).map((w) => `\`${w}\``).join('; ')}.`);
  }
  return { reports, fdLimits, streams, notes, sambakitStartS: cli?.startS, sambakitWorks, bareTokens };
}

/** A warm-up, a cold wave, then one wave under `--cpu-prof` of `sambakit serve` (when the streams goal is missed). */
async function profileStreams(streams: number): Promise<ProfileSummary | undefined> {
  const dir = `${cache}prof-streams/`;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const cli = await startCli(['--cpu-prof', '--cpu-prof-dir', dir]);
  let fromUs = 0;
  let toUs = 0;
  try {
    log(`profiling sambakit serve during one wave of ${streams} streams`);
    await warmStreams(cli.url);
    // As for the measured waves: the first wave after start is not the one looked at.
    for (let i = 0; i < coldWaves; i++) await coldWave(cli.url, streams);
    const sockets = connectMode === 'warm' ? (await preconnect(cli.url, streams)).sockets : undefined;
    await sleep(500);
    fromUs = profileClockUs();
    await runStreamWave({ url: `${cli.url}${streamsPath}`, streams, body: streamBody, timeoutMs: 60_000, sockets });
    toUs = profileClockUs();
  } finally {
    await stopServe(cli.child);
  }
  const file = mainThreadProfile(dir);
  return file ? summariseProfile(`${dir}${file}`, 15, fromUs && toUs ? { fromUs, toUs } : undefined) : undefined;
}

// ------------------------------------------------------------------------------------------------
// Report

function profileTables(summary: ProfileSummary, lines: string[]): void {
  lines.push(
    `Busy ${(summary.busyMs / 1000).toFixed(1)} s of ${(summary.totalMs / 1000).toFixed(1)} s sampled (idle ${((summary.idleMs * 100) / summary.totalMs).toFixed(0)} %). ` +
      'The sampler counts wall time of the main thread: a thread descheduled inside a call (this 2-core machine is shared with the load generator and other work) is counted in that call, which inflates system calls such as `writev`. ' +
      'Self time by area, % of busy time:',
    '',
    '| area | self ms | % busy |',
    '|---|---:|---:|',
    ...summary.areas.slice(0, 12).map((a) => `| ${a.area} | ${a.ms.toFixed(0)} | ${a.percent.toFixed(1)} |`),
    '',
    'Top self-time functions:',
    '',
    '| function | where | self ms | % busy |',
    '|---|---|---:|---:|',
    ...summary.top.map((f) => `| \`${f.name}\` | ${f.where ? `\`${f.where}\`` : f.area} | ${f.ms.toFixed(0)} | ${f.percent.toFixed(1)} |`),
    '',
    'Functions of sambakit and its packages by inclusive time (self + callees; nested, so the shares overlap):',
    '',
    '| function | where | inclusive ms | % busy |',
    '|---|---|---:|---:|',
    ...summary.inclusive.map((f) => `| \`${f.name}\` | \`${f.where}\` | ${f.ms.toFixed(0)} | ${f.percent.toFixed(1)} |`),
    '',
  );
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const loadStart = loadNow();
  const machine = `${cpus().length} x ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${mb(totalmem())} RAM`;
  log(`machine: ${machine}, node ${process.version}, load ${loadStart}`);
  progress.phase('building dist/');
  buildDist();

  let rps: RpsOutcome | undefined;
  let streams: StreamsOutcome | undefined;
  try {
    if (parts.has('rps')) rps = await runRps();
    if (parts.has('streams')) {
      try {
        streams = await runStreams();
      } catch (error) {
        log(`streams part failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  } finally {
    stopLoader();
  }

  const lines: string[] = [];
  const goals: Array<{ goal: string; measured: string; met: boolean }> = [];

  // Part 1 tables
  let ratioEcho: Record<number, number[]> = {};
  let ratioBare: Record<number, number[]> = {};
  let ratioPrism: Record<number, number[]> = {};
  /** Median req/s and server CPU ms per request, by server and concurrency, for the reading. */
  const rpsFacts = new Map<string, { rps: number; cpuMsPerRequest: number; cpuPercent: number; loaderPercent: number }>();
  if (rps) {
    const get = (name: string, c: number) => (rps!.measurements.get(name) ?? []).filter((m) => m.connections === c);
    const has = (name: string) => (rps!.measurements.get(name) ?? []).length > 0;
    const perRound = (num: string, den: string, c: number) => {
      const a = get(num, c);
      const b = get(den, c);
      return a.flatMap((m) => {
        const other = b.find((n) => n.round === m.round);
        return other ? [m.result.requestsPerSecond / other.result.requestsPerSecond] : [];
      });
    };
    ratioEcho = Object.fromEntries(connectionsList.map((c) => [c, perRound('sambakit', 'echo', c)]));
    ratioBare = Object.fromEntries(connectionsList.map((c) => [c, perRound('sambakit', 'bare', c)]));
    ratioPrism = Object.fromEntries(connectionsList.map((c) => [c, perRound('sambakit', 'prism', c)]));
    for (const subject of rps.subjects) {
      for (const c of connectionsList) {
        const ms = get(subject.name, c);
        if (ms.length) rpsFacts.set(`${subject.name}@${c}`, { rps: median(ms.map((m) => m.result.requestsPerSecond)), cpuMsPerRequest: median(ms.map((m) => (m.serverCpu * 10) / m.result.requestsPerSecond)), cpuPercent: median(ms.map((m) => m.serverCpu)), loaderPercent: median(ms.map((m) => m.loaderCpu)) });
      }
    }

    lines.push(
      `### Requests per second (validated non-stream chat)`,
      '',
      `${rounds} rounds × ${durationS} s per server and concurrency (after a ${warmupS} s warm-up per server at c=50), order reversed every other round; autocannon 9.0.0 (keep-alive, pipelining 1) in its own child process, ` +
        `each server in its own process. Request: \`POST\`, ${Buffer.byteLength(chatBody)} B body (2 messages, \`max_tokens\` 16, \`temperature\` 0), \`Authorization: Bearer x\`. ` +
        `Shown: median over rounds [min–max]; ratios are taken within a round. "CPU" is the server process's CPU time ÷ wall time (100 % = one core), autocannon's in brackets.`,
      '',
      '| warm-up answer | status | content-type | bytes | answer |',
      '|---|---:|---|---:|---|',
      ...rps.subjects.map((s) => `| ${s.name} | ${s.check.status} | ${s.check.contentType} | ${s.check.bytes} | ${s.check.isChatCompletion ? 'a chat completion' : s.check.isEcho ? 'the request, echoed' : '**neither a chat completion nor the echo**'} |`),
      '',
    );
    const header = ['server', ...connectionsList.flatMap((c) => [`c=${c} req/s`, '÷ echo', '÷ fixed', '÷ Prism', 'p50 / p99 ms', 'CPU % [autocannon]'])];
    lines.push(`| ${header.join(' | ')} |`, `|---|${connectionsList.map(() => '---:|---:|---:|---:|---:|---:|').join('')}`);
    for (const s of rps.subjects) {
      const cells = [s.label];
      for (const c of connectionsList) {
        const ms = get(s.name, c);
        const r = ms.map((m) => m.result.requestsPerSecond);
        const vsEcho = has('echo') ? perRound(s.name, 'echo', c) : [];
        const vsBare = has('bare') ? perRound(s.name, 'bare', c) : [];
        const vsPrism = has('prism') ? perRound(s.name, 'prism', c) : [];
        const bad = ms.reduce((n, m) => n + m.result.non2xx + m.result.errors + m.result.timeouts, 0);
        cells.push(
          `${fmtRps(median(r))}${range(r, fmtRps)}${bad ? ` (**${bad} non-2xx/errors**)` : ''}`,
          vsEcho.length ? `${median(vsEcho).toFixed(3)}${range(vsEcho, (n) => n.toFixed(3))}` : '–',
          vsBare.length ? `${median(vsBare).toFixed(3)}${range(vsBare, (n) => n.toFixed(3))}` : '–',
          vsPrism.length ? `${median(vsPrism).toFixed(2)}${range(vsPrism, (n) => n.toFixed(2))}` : '–',
          `${median(ms.map((m) => m.result.latencyP50))} / ${median(ms.map((m) => m.result.latencyP99))}`,
          `${fmt(median(ms.map((m) => m.serverCpu)), 0)} [${fmt(median(ms.map((m) => m.loaderCpu)), 0)}]`,
        );
      }
      lines.push(`| ${cells.join(' | ')} |`);
    }
    lines.push('');
    for (const c of connectionsList) {
      const e = ratioEcho[c] ?? [];
      const b = ratioBare[c] ?? [];
      const fixed = b.length ? ` (÷ the fixed-body server: ${median(b).toFixed(3)}${range(b, (n) => n.toFixed(3))})` : '';
      if (e.length) goals.push({ goal: `req/s sambakit ÷ bare JSON echo ≥ 0.7 at c=${c}`, measured: `${median(e).toFixed(3)}${range(e, (n) => n.toFixed(3))}${fixed}`, met: rps.sambakitWorks && median(e) >= 0.7 });
      const p = ratioPrism[c] ?? [];
      if (p.length) goals.push({ goal: `req/s sambakit ÷ Prism ≥ 5 at c=${c}`, measured: `${median(p).toFixed(2)}${range(p, (n) => n.toFixed(2))}`, met: rps.sambakitWorks && median(p) >= 5 });
      else goals.push({ goal: `req/s sambakit ÷ Prism ≥ 5 at c=${c}`, measured: rps.subjects.some((s) => s.name === 'prism') ? 'sambakit not measured' : 'Prism not available', met: false });
    }
    if (rps.prismStartS !== undefined) rps.notes.push(`Prism took ${rps.prismStartS.toFixed(2)} s from spawn to an open port; its request log (default level) goes to bench/.cache/prism.log.`);
    for (const n of rps.notes) lines.push(`- ${n}`);
    lines.push('');
  }

  // Part 2 tables
  if (streams) {
    const { reports } = streams;
    lines.push(
      `### ${streams.streams} concurrent streams`,
      '',
      `Servers: \`sambakit serve --port 0 --ttft-ms ${streamTtftMs} --tokens-per-second ${streamTps}\` in a child process (\`node dist/cli/index.js\`, as \`npm start\` runs it: request log on stdout, read by the bench), ` +
        `and, as the baseline, a bare \`node:http\` child answering every request unparsed with the same pacing (first chunk ${streamTtftMs} ms after the request body ends, then a setTimeout chain, ${streams.bareTokens} content chunks of the same shape, usage chunk, \`[DONE]\`). ` +
        `Client: this process, on raw TCP sockets (a minimal HTTP/1.1 reader: node:http's client costs ~50 µs per response, which a thousand first tokens arriving at once would queue here and count as server latency), issuing ${streams.streams} \`stream: true\` requests to \`${streamsPath}\` ` +
        `(\`max_tokens\` ${streamMaxTokens}, \`stream_options.include_usage\`) in one synchronous loop, ` +
        (connectMode === 'warm'
          ? `each on its own connection opened beforehand (100 at a time, so that the server's listen queue, 511 by default in Node, does not overflow and the kernel's 1 s / 3 s handshake retries are not timed as server latency; \`CONNECT=cold\` opens them with the requests instead). `
          : `each opening its own connection as it is issued (\`CONNECT=cold\`). `) +
        `Per stream: TTFT to the first chunk with non-empty content, measured from the start of the request in the loop (\`request()\`) ` +
        `and from the moment its bytes were handed to the socket (\`finish\`: "request sent"), and as the server reports it (\`usage.time_to_first_token\`, from request arrival); gaps between consecutive content chunks; ` +
        `complete = ends with \`data: [DONE]\`, no error. ${waves} rounds, each one wave per server, order alternating, after a 50-stream warm-up and ${coldWaves} unmeasured waves per server (the cold-start figures are in the notes below). ` +
        `Open-file limit: ${streams.fdLimits ? `soft ${streams.fdLimits.soft}, hard ${streams.fdLimits.hard}` : 'unknown'} (~${streams.streams + 200} needed per side; not changed). CPU: % of one core, from /proc; peak = busiest 1 s.`,
      '',
      '| round | server | complete / errors | peak open / flowing | TTFT − 200 ms from `request()`: p50 / p90 / p99 / max | from `finish`: p50 / p90 / p99 / max | server-reported: p50 / p99 / max | gap p50 / p99 / mean (target 50) | chunks | server CPU avg / peak | server RSS peak | client CPU | requests written in | connections opened in | listen overflows (connect / wave) |',
      '|---:|---|---:|---:|---|---|---|---|---:|---|---:|---:|---:|---:|---:|',
    );
    for (const r of reports) {
      const s = r.stats;
      lines.push(
        `| ${r.round + 1} | ${r.server} | ${s.completed} / ${s.errors}${s.errorKinds ? ` (${s.errorKinds})` : ''} | ${r.wave.peakOpen} / ${r.wave.peakFlowing} | ` +
          `${fmt(s.ttft.p50)} / ${fmt(s.ttft.p90)} / ${fmt(s.ttft.p99)} / ${fmt(s.ttft.max)} | ${fmt(s.ttftWritten.p50)} / ${fmt(s.ttftWritten.p90)} / ${fmt(s.ttftWritten.p99)} / ${fmt(s.ttftWritten.max)} | ` +
          `${s.serverTtft.count ? `${fmt(s.serverTtft.p50)} / ${fmt(s.serverTtft.p99)} / ${fmt(s.serverTtft.max)}` : 'not sent'} | ` +
          `${fmt(s.gapP50)} / ${fmt(s.gapP99)} / ${fmt(s.gapMean)} | ${s.chunksMedian} | ` +
          `${r.proc ? `${fmt(r.proc.cpuPercent, 0)} / ${fmt(r.proc.peakCpuPercent, 0)} %` : '–'} | ${r.proc ? mb(r.proc.peakRssBytes) : '–'} | ${fmt(r.clientCpu, 0)} % | ${r.wave.issueMs.toFixed(0)} ms | ${r.connectMs !== undefined ? `${r.connectMs.toFixed(0)} ms` : 'with the requests'} | ${r.connectOverflows ?? '–'} / ${r.listenOverflows ?? '–'} |`,
      );
    }
    lines.push('');
    const of = (server: StreamServerName) => reports.filter((r) => r.server === server);
    const med = (rs: WaveReport[], f: (r: WaveReport) => number) => {
      const xs = rs.map(f);
      return xs.length ? `${fmt(median(xs))}${range(xs, (n) => fmt(n))}` : '–';
    };
    lines.push(
      'Median over rounds [min–max], ms over the configured TTFT:',
      '',
      '| server | TTFT p99 from `request()` | TTFT p99 from `finish` | server-reported TTFT p99 | gap p50 | gap p99 | server CPU avg % | server RSS peak MB |',
      '|---|---:|---:|---:|---:|---:|---:|---:|',
      ...(['sambakit', 'bare SSE'] as const).filter((n) => of(n).length).map((n) => {
        const rs = of(n);
        return `| ${n} | ${med(rs, (r) => r.stats.ttft.p99)} | ${med(rs, (r) => r.stats.ttftWritten.p99)} | ${med(rs, (r) => r.stats.serverTtft.p99)} | ${med(rs, (r) => r.stats.gapP50)} | ${med(rs, (r) => r.stats.gapP99)} | ${med(rs, (r) => r.proc?.cpuPercent ?? NaN)} | ${med(rs, (r) => (r.proc?.peakRssBytes ?? NaN) / 1024 / 1024)} |`;
      }),
      '',
    );
    for (const n of streams.notes) lines.push(`- ${n}`);
    lines.push('');
    const sk = of('sambakit');
    if (sk.length) {
      const p99Sent = sk.map((r) => r.stats.ttftWritten.p99);
      const p99Start = sk.map((r) => r.stats.ttft.p99);
      const bareSent = of('bare SSE').map((r) => r.stats.ttftWritten.p99);
      goals.push({
        goal: `${streamCount} streams held at once, all complete (sambakit)`,
        measured: sk.map((r) => `${r.stats.completed} complete, peak ${r.wave.peakOpen} open`).join('; '),
        met: sk.every((r) => r.stats.completed === streamCount && r.wave.peakOpen >= streamCount),
      });
      goals.push({
        goal: `TTFT p99 ≤ ${streamTtftMs} + 20 ms, from request sent (\`finish\`)`,
        measured: `+${fmt(median(p99Sent))}${range(p99Sent, (n) => fmt(n))} ms (from \`request()\`: +${fmt(median(p99Start))}; bare SSE baseline from \`finish\`: +${fmt(median(bareSent))})`,
        met: median(p99Sent) <= 20,
      });
    } else {
      goals.push({ goal: `${streamCount} streams held at once, all complete (sambakit)`, measured: 'sambakit not measured', met: false });
    }
  }

  const rpsMissed = goals.some((g) => !g.met && g.goal.startsWith('req/s'));
  const streamsMissed = goals.some((g) => !g.met && !g.goal.startsWith('req/s'));
  let profile: { summary?: ProfileSummary; note: string } | undefined;
  let streamProfile: ProfileSummary | undefined;
  if (rps?.sambakitWorks && (profileMode === '1' || (profileMode === 'auto' && rpsMissed))) {
    try {
      profile = await profileRps();
    } finally {
      stopLoader();
    }
  }
  if (streams?.sambakitWorks && (profileMode === '1' || (profileMode === 'auto' && streamsMissed))) streamProfile = await profileStreams(streams.streams);

  if (goals.length) {
    lines.push('### Goals', '', '| goal | measured (median [min–max] / per wave) | met |', '|---|---|---|', ...goals.map((g) => `| ${g.goal} | ${g.measured} | ${g.met ? 'yes' : '**no**'} |`), '');
  }
  lines.push(...reading({ rps, streams, rpsFacts, ratioEcho, ratioBare, ratioPrism, profile: profile?.summary, streamProfile, goals }));
  if (profile?.summary) {
    lines.push('### Where the time goes (req/s)', '', `\`node --cpu-prof\` of the sambakit server child: ${profile.note}.`, '');
    profileTables(profile.summary, lines);
  }
  if (streamProfile) {
    lines.push('### Where the time goes (streams)', '', `\`node --cpu-prof\` of \`sambakit serve\` during one wave of ${streams!.streams} streams (after a warm-up and ${coldWaves} unmeasured waves; ${streamProfile.windowed ? 'only the samples of the wave' : 'whole profile'}).`, '');
    profileTables(streamProfile, lines);
  }

  const loadEnd = loadNow();
  const heading = '## Reference server (`npm run bench:server`)';
  const section = [
    heading,
    '',
    `${startedAt.toISOString().slice(0, 10)}, ${machine}, Node ${process.version}, load average ${loadStart} at start / ${loadEnd} at end, ` +
      `everything on 127.0.0.1 (autocannon, the servers and the stream client share the ${cpus().length} cores).`,
    '',
    ...lines,
  ].join('\n');
  process.stdout.write(`${section}\n`);

  const complete = rps?.sambakitWorks === true && streams?.sambakitWorks === true;
  if (append && complete) {
    writeSection(`${root}bench/RESULTS.md`, heading, section);
    log('written to bench/RESULTS.md');
  } else if (append) {
    log('not written to bench/RESULTS.md: partial run (PARTS) or sambakit did not answer 200');
  }
}

interface ReadingInput {
  rps?: RpsOutcome;
  streams?: StreamsOutcome;
  rpsFacts: Map<string, { rps: number; cpuMsPerRequest: number; cpuPercent: number; loaderPercent: number }>;
  ratioEcho: Record<number, number[]>;
  ratioBare: Record<number, number[]>;
  ratioPrism: Record<number, number[]>;
  profile?: ProfileSummary;
  streamProfile?: ProfileSummary;
  goals: Array<{ goal: string; measured: string; met: boolean }>;
}

/** Shares of a profile's busy time in the buckets the reading talks about. */
function buckets(p: ProfileSummary): { model: number; tokenizer: number; http: number; waits: number; writev: number; gc: number } {
  const area = (test: (a: string) => boolean) => p.areas.filter((a) => test(a.area)).reduce((sum, a) => sum + a.percent, 0);
  return {
    model: p.inclusiveByName.prepareRun ?? 0,
    tokenizer: area((a) => a === 'gpt-tokenizer'),
    http: area((a) => a.startsWith('node:_http') || ['node:net', 'node:streams', 'node:stream_base_commons'].includes(a)),
    waits: area((a) => ['node:timers', 'node:event_target', 'node:abort_controller'].includes(a)),
    writev: p.selfByName.writev ?? 0,
    gc: area((a) => a === 'garbage collector'),
  };
}

/** A short reading of the numbers, written from them (so that it stays true when the bench is run again). */
function reading(input: ReadingInput): string[] {
  const out: string[] = ['### Reading', ''];
  const pct = (n: number) => `${n.toFixed(0)} %`;
  const { rps, streams, rpsFacts } = input;
  if (rps?.sambakitWorks) {
    const at = (name: string, c: number) => rpsFacts.get(`${name}@${c}`);
    const [lo, hi] = connectionsList;
    const both = (f: (c: number) => string) => `${f(lo)} / ${f(hi)}`;
    const met = input.goals.filter((g) => g.goal.startsWith('req/s'));
    const echoMet = met.filter((g) => g.goal.includes('echo')).every((g) => g.met);
    const prismMet = met.filter((g) => g.goal.includes('Prism')).every((g) => g.met) && met.some((g) => g.goal.includes('Prism') && !g.measured.includes('not'));
    out.push(
      `- **Requests per second** (c=${lo} / c=${hi}): sambakit ${both((c) => fmtRps(at('sambakit', c)?.rps ?? NaN))} req/s, ` +
        `${both((c) => fmt(median(input.ratioEcho[c] ?? []), 3))}× the bare JSON echo, ${both((c) => fmt(median(input.ratioBare[c] ?? []), 3))}× the bare fixed-body server and ${both((c) => fmt(median(input.ratioPrism[c] ?? []), 2))}× Prism: ` +
        `the ≥ 0.7× echo goal is ${echoMet ? 'met' : '**missed**'}, the ≥ 5× Prism goal is ${prismMet ? 'met' : '**missed**'}. ` +
        `Server CPU per request (CPU time ÷ requests, median): sambakit ${both((c) => fmt(at('sambakit', c)?.cpuMsPerRequest ?? NaN, 3))} ms, ` +
        `echo ${both((c) => fmt(at('echo', c)?.cpuMsPerRequest ?? NaN, 3))} ms, fixed body ${both((c) => fmt(at('bare', c)?.cpuMsPerRequest ?? NaN, 3))} ms${at('prism', lo) ? `, Prism ${both((c) => fmt(at('prism', c)?.cpuMsPerRequest ?? NaN, 3))} ms` : ''}: ` +
        `sambakit spends ${both((c) => fmt((at('sambakit', c)?.cpuMsPerRequest ?? NaN) / (at('echo', c)?.cpuMsPerRequest ?? NaN), 1))}× the echo's CPU on a request. ` +
        `Its process used ${both((c) => pct(at('sambakit', c)?.cpuPercent ?? NaN))} of a core (echo ${both((c) => pct(at('echo', c)?.cpuPercent ?? NaN))}) while autocannon used ${both((c) => pct(at('sambakit', c)?.loaderPercent ?? NaN))} ` +
        `(${both((c) => pct(at('echo', c)?.loaderPercent ?? NaN))} against the echo): on two cores the load generator takes a share of the machine too.`,
    );
  }
  if (streams?.sambakitWorks) {
    const of = (server: StreamServerName) => streams.reports.filter((r) => r.server === server);
    const sk = of('sambakit');
    const bare = of('bare SSE');
    const m = (rs: WaveReport[], f: (r: WaveReport) => number) => median(rs.map(f));
    const allOk = sk.every((r) => r.stats.completed === streams.streams && r.wave.peakOpen >= streams.streams);
    const skSent = m(sk, (r) => r.stats.ttftWritten.p99);
    const bareSent = m(bare, (r) => r.stats.ttftWritten.p99);
    const overflows = streams.reports.reduce((n, r) => n + (r.listenOverflows ?? 0), 0);
    out.push(
      `- **${streams.streams} streams**: ${allOk ? `every wave held all ${streams.streams} streams open at once and all ended with \`[DONE]\`, without errors` : '**not every stream completed** (see the table)'}. ` +
        `TTFT p99 over the configured ${streamTtftMs} ms, from request sent: sambakit +${fmt(skSent, 0)} ms, the bare SSE baseline +${fmt(bareSent, 0)} ms (medians over waves): ` +
        `the +20 ms goal is ${skSent <= 20 ? 'met' : '**missed**'}${bareSent > 20 ? `; on this machine even the baseline misses it, as ${streams.streams.toLocaleString('en')} requests ${connectMode === 'warm' ? '' : 'and connections '}arriving within ~${fmt(m(streams.reports, (r) => r.wave.issueMs), 0)} ms queue on one event loop` : ''}. ` +
        `sambakit's own figure (\`usage.time_to_first_token\`, counted from when the server read the request's headers) is +${fmt(m(sk, (r) => r.stats.serverTtft.p50), 0)} ms p50 / +${fmt(m(sk, (r) => r.stats.serverTtft.p99), 0)} ms p99: ` +
        `the rest of what the client sees is waiting before the server reads the request and between the server writing a chunk and the client reading it, while the process works through the burst at ~${fmt(m(sk, (r) => r.proc?.peakCpuPercent ?? NaN), 0)} % CPU in its busiest second.`,
    );
    const lowGap = sk.some((r) => r.stats.gapP50 < 25);
    out.push(
      `- **Between tokens**: median gap ${fmt(m(sk, (r) => r.stats.gapP50))} ms (target ${1000 / streamTps}), p99 ${fmt(m(sk, (r) => r.stats.gapP99), 0)} ms; bare SSE ${fmt(m(bare, (r) => r.stats.gapP50))} / ${fmt(m(bare, (r) => r.stats.gapP99), 0)} ms. ` +
        (lowGap ? `sambakit's schedule is anchored at the request's arrival (src/server/pacing/run-clock.ts), so when the first token is late the overdue tokens leave together: the waves with a median gap near 0 are that catch-up. ` : '') +
        `Memory: sambakit's RSS peaks at ${fmt(m(sk, (r) => (r.proc?.peakRssBytes ?? NaN) / 1024 / 1024), 0)} MB with the streams open, the baseline's at ${fmt(m(bare, (r) => (r.proc?.peakRssBytes ?? NaN) / 1024 / 1024), 0)} MB.` +
        (overflows > 0
          ? ` The kernel dropped ${overflows} handshakes from full listen queues during the waves (Node's default backlog is 511; the client's socket counts as connected and sends, the server only sees the request after the kernel's 1 s / 3 s retry): those streams' TTFT includes that retry.`
          : ''),
    );
  }
  const describe = (label: string, p: ProfileSummary) => {
    const b = buckets(p);
    return (
      `- **Where the time goes (${label})**, share of the server's busy time: the fake model preparing the answer (\`prepareRun\`, inclusive) ${pct(b.model)}, the GPT tokenizer alone ${pct(b.tokenizer)} (self); ` +
      `Node's own HTTP and socket layers (\`node:_http_*\`, \`node:net\`, streams) ${pct(b.http)} (self); timers and abort signals ${pct(b.waits)} (self); ` +
      `socket writes (\`writev\`) ${pct(b.writev)}; garbage collection ${pct(b.gc)}.`
    );
  };
  if (input.profile) out.push(describe('req/s', input.profile));
  if (input.streamProfile) out.push(describe('streams', input.streamProfile));
  out.push('');
  return out;
}

main().catch((error: unknown) => {
  log(`bench:server failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
});
