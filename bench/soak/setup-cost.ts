/**
 * Set-up CPU per streamed request, from the server process's own CPU time: what a request costs
 * before its first token (reading, routing, validation, the answer's preparation), which is what the
 * scale wave's burst of 3,000 requests must finish within the 200 ms TTFT. Load bends it far less
 * than a wall-clock TTFT: the machine's other work is not counted, only the server's.
 *
 * `sambakit serve --ttft-ms 30000` (built dist/, as `npm start` runs it) and the bare `node:http` SSE
 * baseline (bench/server/bare-sse-child.ts, the same TTFT), side by side, each with
 * bench/server/pace-probe.mjs: per round and server, STREAMS connections are opened, then the
 * streamed chat requests of the scale bench written in one loop; the server's own CPU time and GC
 * pauses from before the requests to when it has been idle for a second (every request set up, no
 * first token due yet), the CPU ÷ STREAMS. The connections are closed before the
 * first token. `PROFILE=dir` runs sambakit's server under `--cpu-prof` into `dir` (set-up only).
 *
 * `tsx bench/soak/setup-cost.ts` after `npm run build`. Knobs: STREAMS (2000), ROUNDS (3), PROFILE,
 * NODE_ARGS (Node's flags for sambakit's server, e.g. V8's heap sizes), BASE (another checkout,
 * built: its `serve` is measured in the same rounds, as "sambakit base", to tell a change from the load).
 * @module
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import type { Socket } from 'node:net';
import { askPace, closeForked, forkServer, guardChildren, paceProbeArgs, spawnServe, stopServe } from '../server/children.js';
import type { GcKindFigures } from '../server/messages.js';
import { profileClockUs, summariseProfile, type ProfileWindow } from '../server/profile.js';
import { readProc } from '../server/procstat.js';
import { gcKindsText, median } from '../server/stats.js';
import { preconnect, streamedChatBody } from '../server/streams.js';
import { alternatingRounds } from './rounds.js';

const streams = Number(process.env.STREAMS ?? 2000);
const rounds = Number(process.env.ROUNDS ?? 3);
const profileDir = process.env.PROFILE;
const serveNodeArgs = (process.env.NODE_ARGS ?? '').split(' ').filter(Boolean);
const baseRoot = process.env.BASE;
const ttftMs = 30_000;
/** The server counts as done setting up once its CPU time has (almost) not moved for this long ... */
const idleMs = 1000;
/** ... by at most this many ms (one tick of /proc's clock; the profiler's own sampling costs more). */
const idleCpuMs = profileDir ? 100 : 10;
const path = '/cloud/v1/chat/completions';
const body = streamedChatBody(40);
const request = (host: string) => `POST ${path} HTTP/1.1\r\nhost: ${host}\r\nauthorization: Bearer x\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

guardChildren('setup-cost', 20);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (line: string) => process.stderr.write(`${line}\n`);
const cpuMs = (pid: number) => readProc(pid)?.cpuMs ?? NaN;

interface Round {
  /** Server CPU per request, as the server itself counted it (bench/server/pace-probe.mjs), up to a second after its last busy moment. */
  usPerRequest: number;
  /** The server's GC pauses in the round, by kind. */
  gc: Record<string, GcKindFigures>;
  /** How long the set-up took on the wall clock. */
  wallMs: number;
  window: ProfileWindow;
}

async function round(url: string, child: ChildProcess): Promise<Round> {
  const pid = child.pid!;
  const { sockets } = await preconnect(url, streams);
  await sleep(500);
  const text = request(new URL(url).host);
  const before = cpuMs(pid);
  await askPace(child, Date.now(), true);
  const started = performance.now();
  const fromUs = profileClockUs();
  for (const socket of sockets) socket.write(text);
  // /proc's CPU time moves in ticks of 10 ms, and an idle server still ticks now and then (its timers
  // of housekeeping): idle means at most `idleCpuMs` over the last `idleMs`.
  const samples = [{ at: started, cpu: before }];
  for (;;) {
    await sleep(50);
    const at = performance.now();
    samples.push({ at, cpu: cpuMs(pid) });
    while (samples.length > 2 && samples[1]!.at <= at - idleMs) samples.shift();
    if (samples[0]!.at <= at - idleMs && samples.at(-1)!.cpu - samples[0]!.cpu <= idleCpuMs) break;
    if (at - started > ttftMs - 5000) throw new Error('the server was still busy close to the first token: raise the TTFT or lower STREAMS');
  }
  const last = samples[0]!;
  const report = await askPace(child, 0, false);
  const result = { usPerRequest: (report.cpuMs * 1000) / streams, gc: report.gcKinds, wallMs: last.at - started, window: { fromUs, toUs: fromUs + (last.at - started) * 1000 } };
  await closeAll(sockets);
  return result;
}

async function closeAll(sockets: Socket[]): Promise<void> {
  for (const socket of sockets) socket.destroy();
  await sleep(1500);
}

async function main(): Promise<void> {
  log(`setup-cost: ${streams} streams × ${rounds} rounds; ${spawnSync('uptime', { encoding: 'utf8' }).stdout.trim()}`);
  const nodeArgs = [...serveNodeArgs, ...(profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [])];
  const serve = await spawnServe({ serveArgs: ['--ttft-ms', String(ttftMs), '--tokens-per-second', '20'], nodeArgs: [...nodeArgs, ...paceProbeArgs], ipc: true });
  const bare = await forkServer('bare-sse-child.ts', { env: { TTFT_MS: String(ttftMs), TPS: '20', TOKENS: '40' }, execArgv: paceProbeArgs });
  const base = baseRoot ? await spawnServe({ serveArgs: ['--ttft-ms', String(ttftMs), '--tokens-per-second', '20'], nodeArgs: [...serveNodeArgs, ...paceProbeArgs], ipc: true, root: baseRoot }) : undefined;
  const targets: Record<string, { url: string; child: ChildProcess }> = { sambakit: { url: serve.url, child: serve.child }, 'bare SSE': { url: bare.url, child: bare.child } };
  if (base) targets['sambakit base'] = { url: base.url, child: base.child };
  const names = Object.keys(targets);
  const results: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]));
  const windows: ProfileWindow[] = [];
  try {
    await alternatingRounds(
      targets,
      rounds,
      (target) => round(target.url, target.child),
      (name, r, { usPerRequest, gc, wallMs, window }) => {
        results[name]!.push(usPerRequest);
        if (name === 'sambakit') windows.push(window);
        log(`  round ${r + 1} ${name}: ${usPerRequest.toFixed(1)} µs of server CPU per request, set up in ${wallMs.toFixed(0)} ms; GC ${gcKindsText(gc)} (load ${spawnSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).stdout.split(' ')[0]})`);
      },
      log,
    );
  } finally {
    await stopServe(serve.child);
    if (base) await stopServe(base.child);
    await closeForked(bare.child);
  }
  const sk = median(results.sambakit!);
  const bareUs = median(results['bare SSE']!);
  process.stdout.write(
    `set-up CPU per streamed request, median of ${rounds} rounds of ${streams}: sambakit ${sk.toFixed(1)} µs (${results.sambakit!.map((x) => x.toFixed(1)).join(', ')}), ` +
      `bare SSE ${bareUs.toFixed(1)} µs (${results['bare SSE']!.map((x) => x.toFixed(1)).join(', ')}): +${(sk - bareUs).toFixed(1)} µs; ` +
      (base ? `sambakit base (${baseRoot}) ${median(results['sambakit base']!).toFixed(1)} µs (${results['sambakit base']!.map((x) => x.toFixed(1)).join(', ')}); ` : '') +
      `${spawnSync('uptime', { encoding: 'utf8' }).stdout.trim()}\n`,
  );
  if (profileDir) printProfile(windows, rounds * streams);
}

/** Where sambakit's set-ups went: the measured rounds' samples only, in µs per request (the profiler's own cost included). */
function printProfile(windows: ProfileWindow[], requests: number): void {
  const file = readdirSync(profileDir!).filter((name) => name.endsWith('.cpuprofile')).sort().at(-1);
  if (!file) return;
  const summary = summariseProfile(`${profileDir}/${file}`, 30, windows);
  const perRequest = (ms: number) => `${((ms * 1000) / requests).toFixed(1)} µs`;
  process.stdout.write(`profile ${profileDir}/${file}, set-up windows only: busy ${perRequest(summary.busyMs)} per request\n`);
  for (const f of summary.top) process.stdout.write(`  self ${perRequest(f.ms).padStart(9)}  ${f.name} ${f.where}\n`);
  for (const f of summary.inclusive) process.stdout.write(`  incl ${perRequest(f.ms).padStart(9)}  ${f.name} ${f.where}\n`);
}

main().catch((error: unknown) => {
  log(`setup-cost failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
});
