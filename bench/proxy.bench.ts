/**
 * `npm run bench:proxy`: what `sambakit proxy` costs, side by side in one run with a direct
 * connection to the same target (the reference server, Cloud chat), on 127.0.0.1.
 *
 * 1. Requests per second of validated non-stream chat (autocannon in its own process, 50 keep-alive
 *    connections): direct vs through the proxy. Goal: >= 0.5x direct.
 * 2. Time to first token of 100 concurrent SSE streams, direct vs through the proxy (the proxy's added
 *    p50 and p99), in two shapes (the raw-socket stream clients of bench/proxy/):
 *    - steady state (bench/proxy/steady-streams.ts): 100 keep-alive clients, each with one stream open
 *      at all times, their starts spread over one stream's duration; every stream after a warm-up is
 *      timed. What a hop adds to each stream with 100 open. Goal: <= 1 ms added p50 (the goal judges this row).
 *    - burst (bench/proxy/stream-wave.ts): 100 requests written in one loop on connections made
 *      beforehand. What a hop adds to a synchronized burst, queueing included; reported beside it.
 *
 * Target, proxy and load generator each run in their own process. Rounds alternate which side goes
 * first; each figure is the median over rounds of the within-round comparison. Each measured wave
 * follows an unmeasured one on the same side: the client's sockets are connected before a wave on
 * both sides, and so are the proxy's to the target (the target drops idle connections after 5 s, so
 * without it every proxied wave, and only those, timed 100 fresh connections). Also reported: CPU
 * time per exchange of the proxy and the target processes (from /proc), which a loaded machine
 * bends less than wall time. Prints Markdown and writes it as the section "## Proxy" of
 * bench/RESULTS.md (APPEND=0 to skip).
 *
 * Knobs (environment): ROUNDS (5), DURATION seconds per req/s measurement (8), CONNECTIONS (50),
 * STREAMS (100), TTFT_MS of the stream target (50), STEADY seconds of steady state timed per side and
 * round (4, after 1 s of warm-up), APPEND (1|0), HOPS (a comma list of bare hops
 * measured side by side too, the floors of the hop designs: pipe, connection, connection-parsed,
 * undici, node-http; none by default).
 * @module
 */
import { fork, type ChildProcess } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { writeSection } from './results-section.js';
import { forkBenchChild, killChildren, killChildrenOnExit, track } from './server/children.js';
import type { LoadFailure, LoadRequest, LoadResult } from './server/messages.js';
import { readProc } from './server/procstat.js';
import { median, quantile } from './server/stats.js';
import { steadyStreams } from './proxy/steady-streams.js';
import { streamTokens, ttftWave } from './proxy/stream-wave.js';
import { benchProgress } from './progress.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const rounds = Number(process.env.ROUNDS ?? 5);
const durationS = Number(process.env.DURATION ?? 8);
const connections = Number(process.env.CONNECTIONS ?? 50);
const streamCount = Number(process.env.STREAMS ?? 100);
const streamTtftMs = Number(process.env.TTFT_MS ?? 50);
const steadyS = Number(process.env.STEADY ?? 4);
const tokensPerSecond = 50;
const append = process.env.APPEND !== '0';
const bareHops = ['pipe', 'connection', 'connection-parsed', 'undici', 'node-http'];
const hops = (process.env.HOPS ?? '').split(',').filter(Boolean);
for (const hop of hops) if (!bareHops.includes(hop)) throw new Error(`HOPS: "${hop}" is not one of ${bareHops.join(', ')}`);

killChildrenOnExit();

const log = (line: string) => process.stderr.write(`${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const fmt = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : '–');
const signed = (n: number) => `${n >= 0 ? '+' : ''}${fmt(n)}`;

const chatBody = JSON.stringify({ model: 'Meta-Llama-3.3-70B-Instruct', messages: [{ role: 'user', content: 'Why is the sky blue?' }], max_tokens: 16, temperature: 0 });

let loader: ChildProcess | undefined;
function load(url: string, seconds: number): Promise<LoadResult> {
  loader ??= track(fork(`${root}bench/server/load-child.ts`, [], { cwd: root, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  const request: LoadRequest = { type: 'load', url, connections, durationS: seconds, method: 'POST', headers: { authorization: 'Bearer x', 'content-type': 'application/json' }, body: chatBody };
  const child = loader;
  return new Promise((resolve, reject) => {
    child.once('message', (m: LoadResult | LoadFailure) => (m.type === 'result' ? resolve(m) : reject(new Error(m.message))));
    child.send(request);
  });
}

const wave = (url: string) => ttftWave(url, streamCount);
/** One stream's duration: its TTFT, then its tokens at the target's pace. */
const streamMs = streamTtftMs + (streamTokens * 1000) / tokensPerSecond;
const steady = (url: string) => steadyStreams(url, { clients: streamCount, spreadMs: streamMs, warmupMs: 1000, measureMs: steadyS * 1000 });

/** What is measured side by side with the direct connection: sambakit's proxy, and the bare hops HOPS names. */
interface Side {
  name: string;
  rps: string;
  streams: string;
  /** The process whose CPU per exchange is reported (the hop's; the target's for direct). */
  pid: number;
  /** The same, in front of the stream target: its CPU per stream in steady state is reported. */
  streamsPid: number;
}

interface SideRound {
  rps: LoadResult;
  /** TTFTs of the burst's streams, and of the steady state's. */
  ttfts: number[];
  steady: number[];
  failed: number;
  /** CPU ms per exchange of the req/s run: the side's own process, and the target's. */
  cpu: number;
  targetCpu: number;
  /** CPU ms per stream of the steady state: the side's own process (the stream target's for direct). */
  streamCpu: number;
}

type Round = Record<string, SideRound>;

/** CPU ms that `pids` used while `run` ran. */
async function cpuDuring<T>(pids: number[], run: () => Promise<T>): Promise<{ result: T; cpuMs: number[] }> {
  const before = pids.map((pid) => readProc(pid)?.cpuMs ?? NaN);
  const result = await run();
  return { result, cpuMs: pids.map((pid, i) => (readProc(pid)?.cpuMs ?? NaN) - before[i]!) };
}

const chatPath = '/cloud/v1/chat/completions';

/** A proxy or bare hop child in front of both targets. */
async function sideOf(name: string, script: string, env: Record<string, string>, targets: { rps: string; streams: string }): Promise<Side & { children: ChildProcess[] }> {
  const rps = await forkBenchChild(script, { env: { ...env, TARGET: targets.rps } });
  const streams = await forkBenchChild(script, { env: { ...env, TARGET: targets.streams } });
  return { name, rps: `${rps.url}${chatPath}`, streams: `${streams.url}${chatPath}`, pid: rps.child.pid!, streamsPid: streams.child.pid!, children: [rps.child, streams.child] };
}

async function main(): Promise<void> {
  const loadAtStart = loadavg();
  log(`bench:proxy: ${rounds} rounds, ${durationS} s per req/s run at ${connections} connections, ${streamCount} streams (target TTFT ${streamTtftMs} ms), hops ${['sambakit', ...hops].join(', ')}; load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const rpsTarget = await forkBenchChild('proxy/target-child.ts');
  const streamTarget = await forkBenchChild('proxy/target-child.ts', { env: { TTFT_MS: String(streamTtftMs), TOKENS_PER_SECOND: String(tokensPerSecond) } });
  const targets = { rps: rpsTarget.url, streams: streamTarget.url };
  // The proxy forwards the paths it is sent: its target is the server's root, so the same path works on every side.
  const direct: Side = { name: 'direct', rps: `${rpsTarget.url}${chatPath}`, streams: `${streamTarget.url}${chatPath}`, pid: rpsTarget.child.pid!, streamsPid: streamTarget.child.pid! };
  const hopSides = [await sideOf('sambakit', 'proxy/proxy-child.ts', {}, targets)];
  for (const hop of hops) hopSides.push(await sideOf(`bare ${hop}`, 'proxy/bare-hop-child.ts', { HOP: hop }, targets));
  const sides: Side[] = [direct, ...hopSides];
  for (const side of sides) {
    const response = await fetch(side.rps, { method: 'POST', headers: { authorization: 'Bearer x', 'content-type': 'application/json' }, body: chatBody });
    if (response.status !== 200) throw new Error(`${side.name}: status ${response.status} ${await response.text()}`);
  }
  log('warming up ...');
  for (const side of sides) await load(side.rps, 2);
  for (const side of sides) await wave(side.streams);
  for (const side of sides) await steadyStreams(side.streams, { clients: streamCount, spreadMs: streamMs, warmupMs: 1000, measureMs: 1000 });

  const results: Round[] = [];
  const progress = benchProgress('proxy');
  for (let round = 1; round <= rounds; round++) {
    progress.round('req/s and stream waves, direct and through each hop', round, rounds);
    // Each round starts one side later, so that no side is always measured first or last.
    const order = sides.map((_, i) => sides[(i + round - 1) % sides.length]!);
    const measured: Round = {};
    for (const side of order) {
      const run = await cpuDuring([side.pid, rpsTarget.child.pid!], () => load(side.rps, durationS));
      const [sideMs, targetMs] = run.cpuMs.map((ms) => ms / run.result.completed);
      measured[side.name] = { rps: run.result, ttfts: [], steady: [], failed: 0, cpu: sideMs!, targetCpu: targetMs!, streamCpu: NaN };
      await sleep(300);
    }
    for (const side of order) {
      await wave(side.streams);
      const w = await wave(side.streams);
      Object.assign(measured[side.name]!, { ttfts: w.ttfts, failed: w.failed });
      await sleep(300);
    }
    for (const side of order) {
      const { result: s, cpuMs } = await cpuDuring([side.streamsPid], () => steady(side.streams));
      Object.assign(measured[side.name]!, { steady: s.ttfts, streamCpu: cpuMs[0]! / s.ended });
      measured[side.name]!.failed += s.failed;
      await sleep(300);
    }
    const d = measured.direct!;
    log(
      `  round ${round}: direct ${d.rps.requestsPerSecond.toFixed(0)} req/s, TTFT p50 steady ${fmt(quantile(d.steady, 0.5))} / burst ${fmt(quantile(d.ttfts, 0.5))} ms, CPU ${fmt(d.cpu, 3)} ms/exchange; ` +
        hopSides
          .map((side) => {
            const h = measured[side.name]!;
            return `${side.name} ${fmt(h.rps.requestsPerSecond / d.rps.requestsPerSecond)}x, TTFT added p50 steady ${signed(quantile(h.steady, 0.5) - quantile(d.steady, 0.5))} / burst ${signed(quantile(h.ttfts, 0.5) - quantile(d.ttfts, 0.5))} ms, CPU ${fmt(h.cpu, 3)} + target ${fmt(h.targetCpu, 3)}`;
          })
          .join('; ') +
        `; failed ${Object.values(measured).reduce((n, r) => n + r.failed + r.rps.non2xx + r.rps.errors, 0)}`,
    );
    results.push(measured);
  }
  for (const child of [rpsTarget.child, streamTarget.child, ...hopSides.flatMap((side) => side.children)]) if (child.connected) child.send({ type: 'close' });
  loader?.disconnect();

  const med = (name: string, f: (r: SideRound, direct: SideRound) => number) => median(results.map((r) => f(r[name]!, r.direct!)));
  const failed = results.reduce((n, r) => n + Object.values(r).reduce((m, s) => m + s.failed + s.rps.non2xx + s.rps.errors, 0), 0);
  const machine = `${cpus().length} x ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${(totalmem() / 1024 ** 3).toFixed(0)} GB RAM, Node ${process.versions.node}`;
  const ratio = (name: string) => med(name, (h, d) => h.rps.requestsPerSecond / d.rps.requestsPerSecond);
  /** TTFT added by a side over direct's in the same round: at quantile `q` of the steady state's streams, or of the burst's. */
  const added = (name: string, shape: 'steady' | 'ttfts', q: number) => med(name, (h, d) => quantile(h[shape], q) - quantile(d[shape], q));
  const addedCell = (name: string, shape: 'steady' | 'ttfts') => `${signed(added(name, shape, 0.5))} / ${signed(added(name, shape, 0.99))}`;
  const p50 = (name: string, shape: 'steady' | 'ttfts') => fmt(med(name, (h) => quantile(h[shape], 0.5)));
  const goals = (name: string) => `${ratio(name) >= 0.5 ? 'met' : 'missed'} / ${added(name, 'steady', 0.5) <= 1 ? 'met' : 'missed'}`;
  const row = (name: string) =>
    `| ${name === 'sambakit' ? "sambakit's proxy (checks on)" : `${name} (no checks)`} | ${med(name, (h) => h.rps.requestsPerSecond).toFixed(0)} | ${fmt(ratio(name))}x | ${med(name, (h) => h.rps.latencyP50)} / ${med(name, (h) => h.rps.latencyP99)} | ${p50(name, 'steady')} | ${addedCell(name, 'steady')} | ${p50(name, 'ttfts')} | ${addedCell(name, 'ttfts')} | ${fmt(med(name, (h) => h.cpu), 3)} + target ${fmt(med(name, (h) => h.targetCpu), 3)} | ${fmt(med(name, (h) => h.streamCpu), 3)} | ${goals(name)} |`;
  const section = [
    '## Proxy (`npm run bench:proxy`)',
    '',
    `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${machine}; load average (1/5/15 min) at the start ${loadAtStart.map((l) => l.toFixed(2)).join(' ')}, at the end ${loadavg().map((l) => l.toFixed(2)).join(' ')}.`,
    `Each figure below is the median over ${rounds} rounds of a comparison made within one round (every side measured`,
    'back to back, the order rotating; each measured burst after an unmeasured one on the same side).',
    '',
    'Target: the reference server (Cloud chat), in its own process; the proxy (`startProxy`, checks on, records counted',
    'not written) in another; each bare hop (bench/proxy/bare-hop-child.ts) in another; autocannon and the stream clients in the bench processes.',
    '',
    `| side | validated chat req/s (${connections} connections, ${durationS} s) | vs direct | latency p50 / p99 (ms) | TTFT p50, ${streamCount} streams in steady state (ms) | TTFT added p50 / p99, steady state (ms) | TTFT p50, burst of ${streamCount} (ms) | TTFT added p50 / p99, burst (ms) | CPU ms per chat exchange | CPU ms per stream, steady state | goals (>= 0.5x / <= 1 ms added p50, steady state) |`,
    '|---|---|---|---|---|---|---|---|---|---|---|',
    `| direct | ${med('direct', (h) => h.rps.requestsPerSecond).toFixed(0)} | 1x | ${med('direct', (h) => h.rps.latencyP50)} / ${med('direct', (h) => h.rps.latencyP99)} | ${p50('direct', 'steady')} | | ${p50('direct', 'ttfts')} | | target ${fmt(med('direct', (h) => h.cpu), 3)} | target ${fmt(med('direct', (h) => h.streamCpu), 3)} | |`,
    ...hopSides.map((side) => row(side.name)),
    '',
    `Goals of sambakit's proxy: req/s ${fmt(ratio('sambakit'))}x direct (>= 0.5x: ${ratio('sambakit') >= 0.5 ? 'met' : 'missed'}); TTFT added p50 ${signed(added('sambakit', 'steady', 0.5))} ms with ${streamCount} streams in steady state (<= 1 ms: ${added('sambakit', 'steady', 0.5) <= 1 ? 'met' : 'missed'}; the row the goal judges), ${signed(added('sambakit', 'ttfts', 0.5))} ms in the synchronized burst.`,
    '',
    `- **Steady state**: ${streamCount} keep-alive clients, each with one stream open at all times (its next request written when an answer ends), their first requests spread over one stream's duration (${streamMs} ms); every stream started in the ${steadyS} s after 1 s of warm-up is timed. What the hop adds to each stream while ${streamCount} are open. Its CPU per stream (the hop's process over the run, warm-up included, per stream ended; the target's for direct) is what load bends least.`,
    `- **Burst**: ${streamCount} requests written in one loop on connections made beforehand (each side's connections accepted before it starts): a synchronized burst, whose own queue (direct's p50 minus the target's ${streamTtftMs} ms) a hop lengthens by its cost per request times the requests before the median one.`,
    '',
    `Failed streams, non-2xx answers and errors over the run: ${failed}. TTFT is measured from the request's write to the`,
    `first content chunk on the client's socket; the target waits ${streamTtftMs} ms before the first token, then sends ${tokensPerSecond} tokens/s.`,
  ].join('\n');
  process.stdout.write(`${section}\n`);
  if (append) writeSection(`${root}bench/RESULTS.md`, '## Proxy (`npm run bench:proxy`)', section);
}

main().catch((error: unknown) => {
  log(`bench:proxy failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  killChildren();
  process.exitCode = 1;
});
