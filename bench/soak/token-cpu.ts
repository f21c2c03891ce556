/**
 * Server CPU per streamed token in full flow, from the server process's own CPU time (user and
 * kernel apart): what sets whether 3,000 streams at 20 tokens/s (60,000 tokens/s) fit in one core,
 * which the scale wave's gap p99 needs. The machine's other work is not counted, only the server's.
 *
 * `sambakit serve --tokens-per-second 20` (built dist/, as `npm start` runs it) and the bare
 * `node:http` SSE baseline (bench/server/bare-sse-child.ts, the same TTFT, pace and length), side by
 * side, no probe preloaded: per round and server, STREAMS connections are opened, the scale bench's
 * streamed chat request (TOKENS tokens) written on each in one loop, and from FROM_MS after the
 * requests (set-up over, every stream flowing) for WINDOW_MS the server's CPU and the content chunks
 * this process received are counted; CPU ÷ chunks. This process's own CPU over the window (the client
 * reading every stream on raw sockets, bench/server/streams.ts) is given per chunk too: the load side.
 *
 * `tsx bench/soak/token-cpu.ts` after `npm run build`. Knobs: STREAMS (1000), ROUNDS (3), TOKENS
 * (100), FROM_MS (1500), WINDOW_MS (2000), BASE (another checkout, built: its `serve` is measured in
 * the same rounds, as "sambakit base"), PROFILE (a directory: sambakit's server runs under
 * `--cpu-prof`, and the windows' samples are summarised per token).
 * @module
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { closeForked, forkServer, guardChildren, spawnServe, stopServe } from '../server/children.js';
import { profileClockUs, summariseProfile, type ProfileWindow } from '../server/profile.js';
import { readProc } from '../server/procstat.js';
import { median } from '../server/stats.js';
import { alternatingRounds } from './rounds.js';
import { preconnect, runStreamWave, streamedChatBody, type StreamTiming } from '../server/streams.js';

const streams = Number(process.env.STREAMS ?? 1000);
const rounds = Number(process.env.ROUNDS ?? 3);
const tokens = Number(process.env.TOKENS ?? 100);
const fromMs = Number(process.env.FROM_MS ?? 1500);
const windowMs = Number(process.env.WINDOW_MS ?? 2000);
const baseRoot = process.env.BASE;
const profileDir = process.env.PROFILE;
const path = '/cloud/v1/chat/completions';
const body = streamedChatBody(tokens);
const serveArgs = ['--tokens-per-second', '20'];

guardChildren('token-cpu', 20);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (line: string) => process.stderr.write(`${line}\n`);
const load = () => spawnSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).stdout.split(' ')[0];

interface Round {
  /** Server CPU per content chunk received in the window, µs, and of it in the kernel. */
  us: number;
  systemUs: number;
  /** This process's CPU per chunk over the window, µs. */
  clientUs: number;
  chunks: number;
  window: ProfileWindow;
}

const chunksOf = (timings: readonly StreamTiming[]) => timings.reduce((sum, t) => sum + t.contentChunks, 0);

async function round(url: string, child: ChildProcess): Promise<Round> {
  const pid = child.pid!;
  const { sockets } = await preconnect(url, streams);
  await sleep(300);
  let timings: readonly StreamTiming[] = [];
  const wave = runStreamWave({ url: `${url}${path}`, streams, body, timeoutMs: 60_000, sockets, live: (t) => (timings = t) });
  await sleep(fromMs);
  const before = { proc: readProc(pid)!, chunks: chunksOf(timings), client: process.cpuUsage(), fromUs: profileClockUs() };
  await sleep(windowMs);
  const after = { proc: readProc(pid)!, chunks: chunksOf(timings), client: process.cpuUsage(before.client), toUs: profileClockUs() };
  const w = await wave;
  const failed = w.streams.filter((s) => !s.done || s.error).length;
  if (failed > 0) throw new Error(`${failed} of ${streams} streams failed (${w.streams.find((s) => s.error)?.error ?? 'not done'})`);
  const firstEnd = Math.min(...w.streams.map((s) => s.endedAt!)) - w.streams[0]!.startedAt;
  if (firstEnd < fromMs + windowMs) log(`  (a stream ended ${firstEnd.toFixed(0)} ms in, inside the window: raise TOKENS or lower FROM_MS + WINDOW_MS)`);
  const chunks = after.chunks - before.chunks;
  await sleep(1000);
  return {
    us: ((after.proc.cpuMs - before.proc.cpuMs) * 1000) / chunks,
    systemUs: ((after.proc.systemMs - before.proc.systemMs) * 1000) / chunks,
    clientUs: (after.client.user + after.client.system) / chunks,
    chunks,
    window: { fromUs: before.fromUs, toUs: after.toUs },
  };
}

async function main(): Promise<void> {
  log(`token-cpu: ${streams} streams of ${tokens} tokens × ${rounds} rounds, window ${fromMs}-${fromMs + windowMs} ms; ${spawnSync('uptime', { encoding: 'utf8' }).stdout.trim()}`);
  const serve = await spawnServe({ serveArgs, nodeArgs: profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [] });
  const bare = await forkServer('bare-sse-child.ts', { env: { TTFT_MS: '200', TPS: '20', TOKENS: String(tokens) } });
  const base = baseRoot ? await spawnServe({ serveArgs, root: baseRoot }) : undefined;
  const targets: Record<string, { url: string; child: ChildProcess }> = { sambakit: { url: serve.url, child: serve.child }, 'bare SSE': { url: bare.url, child: bare.child } };
  if (base) targets['sambakit base'] = { url: base.url, child: base.child };
  const names = Object.keys(targets);
  const results: Record<string, Round[]> = Object.fromEntries(names.map((name) => [name, []]));
  try {
    await alternatingRounds(
      targets,
      rounds,
      (target) => round(target.url, target.child),
      (name, r, result) => {
        results[name]!.push(result);
        log(`  round ${r + 1} ${name}: ${result.us.toFixed(1)} µs of server CPU per token (kernel ${result.systemUs.toFixed(1)}), client ${result.clientUs.toFixed(1)} µs, ${result.chunks} tokens in the window (load ${load()})`);
      },
      log,
    );
  } finally {
    await stopServe(serve.child);
    if (base) await stopServe(base.child);
    await closeForked(bare.child);
  }
  const line = (name: string) => {
    const rs = results[name]!;
    return `${name} ${median(rs.map((r) => r.us)).toFixed(1)} µs (${rs.map((r) => r.us.toFixed(1)).join(', ')}; user ${median(rs.map((r) => r.us - r.systemUs)).toFixed(1)}, kernel ${median(rs.map((r) => r.systemUs)).toFixed(1)}; client ${median(rs.map((r) => r.clientUs)).toFixed(1)} (${rs.map((r) => r.clientUs.toFixed(1)).join(', ')}))`;
  };
  process.stdout.write(`server CPU per streamed token in full flow, median of ${rounds} rounds of ${streams} streams: ${names.map(line).join('; ')}; ${spawnSync('uptime', { encoding: 'utf8' }).stdout.trim()}\n`);
  if (profileDir) printProfile(results.sambakit!.map((r) => r.window), results.sambakit!.reduce((sum, r) => sum + r.chunks, 0));
}

/** Where sambakit's CPU went in the measured windows, µs per token (the profiler's own cost included). */
function printProfile(windows: ProfileWindow[], chunks: number): void {
  const file = readdirSync(profileDir!).filter((name) => name.endsWith('.cpuprofile')).sort().at(-1);
  if (!file) return;
  const summary = summariseProfile(`${profileDir}/${file}`, 40, windows);
  const perToken = (ms: number) => `${((ms * 1000) / chunks).toFixed(2)} µs`;
  process.stdout.write(`profile ${profileDir}/${file}, windows only: busy ${perToken(summary.busyMs)} per token\n`);
  for (const a of summary.areas) process.stdout.write(`  area ${perToken(a.ms).padStart(9)}  ${a.area}\n`);
  for (const f of summary.top) process.stdout.write(`  self ${perToken(f.ms).padStart(9)}  ${f.name} ${f.where}\n`);
  for (const f of summary.inclusive) process.stdout.write(`  incl ${perToken(f.ms).padStart(9)}  ${f.name} ${f.where}\n`);
}

main().catch((error: unknown) => {
  log(`token-cpu failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
});
