/**
 * `npm run bench:proxy`: what `sambakit proxy` costs, side by side in one run with a direct
 * connection to the same target (the reference server, Cloud chat), on 127.0.0.1.
 *
 * 1. Requests per second of validated non-stream chat (autocannon in its own process, 50 keep-alive
 *    connections): direct vs through the proxy. Goal: >= 0.5x direct.
 * 2. Time to first token of 100 concurrent SSE streams (the raw-socket stream client of the server
 *    bench): direct vs through the proxy; the proxy's added p50 and p99. Goal: <= 1 ms added p50.
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
 * STREAMS (100), TTFT_MS of the stream target (50), APPEND (1|0).
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
import { preconnect, runStreamWave, type WaveResult } from './server/streams.js';
import { benchProgress } from './progress.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const rounds = Number(process.env.ROUNDS ?? 5);
const durationS = Number(process.env.DURATION ?? 8);
const connections = Number(process.env.CONNECTIONS ?? 50);
const streamCount = Number(process.env.STREAMS ?? 100);
const streamTtftMs = Number(process.env.TTFT_MS ?? 50);
const append = process.env.APPEND !== '0';

killChildrenOnExit();

const log = (line: string) => process.stderr.write(`${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const fmt = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : '–');
const signed = (n: number) => `${n >= 0 ? '+' : ''}${fmt(n)}`;

const chatBody = JSON.stringify({ model: 'Meta-Llama-3.3-70B-Instruct', messages: [{ role: 'user', content: 'Why is the sky blue?' }], max_tokens: 16, temperature: 0 });
const streamBody = JSON.stringify({ model: 'Meta-Llama-3.3-70B-Instruct', messages: [{ role: 'user', content: 'Tell me about telescopes.' }], max_tokens: 20, temperature: 0, stream: true });

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

/**
 * A 'connect' on the client's side means the kernel finished the handshake, not that the server has
 * taken the connection: the server (the target direct, the proxy proxied) would still be accepting
 * the 100 connections while the first requests come in, and that work would be timed as latency of
 * whichever side it is. The settle lets each side finish accepting before the wave starts.
 */
const acceptSettleMs = 200;

async function wave(url: string): Promise<{ ttfts: number[]; failed: number }> {
  const { sockets } = await preconnect(url, streamCount);
  await sleep(acceptSettleMs);
  const result: WaveResult = await runStreamWave({ url, streams: streamCount, body: streamBody, timeoutMs: 60_000, sockets });
  const ok = result.streams.filter((s) => s.firstContentAt !== undefined && !s.error);
  // Ascending, as `quantile` reads them.
  return { ttfts: ok.map((s) => s.firstContentAt! - s.startedAt).sort((a, b) => a - b), failed: result.streams.length - ok.length };
}

interface Round {
  rps: { direct: LoadResult; proxy: LoadResult };
  ttft: { direct: number[]; proxy: number[]; failed: number };
  /** CPU ms per exchange of the req/s runs: the target's (direct and proxied) and the proxy's. */
  cpu: { direct: number; proxiedTarget: number; proxy: number };
}

/** CPU ms that `pids` used while `run` ran. */
async function cpuDuring<T>(pids: number[], run: () => Promise<T>): Promise<{ result: T; cpuMs: number[] }> {
  const before = pids.map((pid) => readProc(pid)?.cpuMs ?? NaN);
  const result = await run();
  return { result, cpuMs: pids.map((pid, i) => (readProc(pid)?.cpuMs ?? NaN) - before[i]!) };
}

async function main(): Promise<void> {
  const loadAtStart = loadavg();
  log(`bench:proxy: ${rounds} rounds, ${durationS} s per req/s run at ${connections} connections, ${streamCount} streams (target TTFT ${streamTtftMs} ms); load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const rpsTarget = await forkBenchChild('proxy/target-child.ts');
  const streamTarget = await forkBenchChild('proxy/target-child.ts', { env: { TTFT_MS: String(streamTtftMs), TOKENS_PER_SECOND: '50' } });
  const rpsProxy = await forkBenchChild('proxy/proxy-child.ts', { env: { TARGET: rpsTarget.url } });
  const streamProxy = await forkBenchChild('proxy/proxy-child.ts', { env: { TARGET: streamTarget.url } });
  const direct = { rps: `${rpsTarget.url}/cloud/v1/chat/completions`, streams: `${streamTarget.url}/cloud/v1/chat/completions` };
  const proxied = { rps: `${rpsProxy.url}/cloud/v1/chat/completions`, streams: `${streamProxy.url}/cloud/v1/chat/completions` };
  // The proxy forwards the paths it is sent: its target is the server's root, so the same path works on both.
  for (const url of [direct.rps, proxied.rps]) {
    const response = await fetch(url, { method: 'POST', headers: { authorization: 'Bearer x', 'content-type': 'application/json' }, body: chatBody });
    if (response.status !== 200) throw new Error(`${url}: status ${response.status} ${await response.text()}`);
  }
  log('warming up ...');
  await load(direct.rps, 2);
  await load(proxied.rps, 2);
  await wave(direct.streams);
  await wave(proxied.streams);

  const results: Round[] = [];
  const progress = benchProgress('proxy');
  for (let round = 1; round <= rounds; round++) {
    progress.round('req/s and stream waves, direct and through the proxy', round, rounds);
    const order = round % 2 ? (['direct', 'proxy'] as const) : (['proxy', 'direct'] as const);
    const rps = {} as Round['rps'];
    const cpu = {} as Round['cpu'];
    const ttft = { direct: [] as number[], proxy: [] as number[], failed: 0 };
    for (const side of order) {
      const measured = await cpuDuring([rpsTarget.child.pid!, rpsProxy.child.pid!], () => load(side === 'direct' ? direct.rps : proxied.rps, durationS));
      rps[side] = measured.result;
      const [targetMs, proxyMs] = measured.cpuMs.map((ms) => ms / measured.result.completed);
      if (side === 'direct') cpu.direct = targetMs!;
      else Object.assign(cpu, { proxiedTarget: targetMs!, proxy: proxyMs! });
      await sleep(300);
    }
    for (const side of order) {
      await wave(side === 'direct' ? direct.streams : proxied.streams);
      const w = await wave(side === 'direct' ? direct.streams : proxied.streams);
      ttft[side] = w.ttfts;
      ttft.failed += w.failed;
      await sleep(300);
    }
    log(
      `  round ${round}: req/s direct ${rps.direct.requestsPerSecond.toFixed(0)} proxy ${rps.proxy.requestsPerSecond.toFixed(0)} (${fmt(rps.proxy.requestsPerSecond / rps.direct.requestsPerSecond)}x); ` +
        `CPU ms/exchange target ${fmt(cpu.direct, 3)} vs proxy ${fmt(cpu.proxy, 3)} + target ${fmt(cpu.proxiedTarget, 3)}; TTFT p50 direct ${fmt(quantile(ttft.direct, 0.5))} proxy ${fmt(quantile(ttft.proxy, 0.5))} ms, p99 direct ${fmt(quantile(ttft.direct, 0.99))} proxy ${fmt(quantile(ttft.proxy, 0.99))} ms; failed streams ${ttft.failed}; non-2xx ${rps.direct.non2xx + rps.proxy.non2xx}`,
    );
    results.push({ rps, ttft, cpu });
  }
  for (const { child } of [rpsTarget, streamTarget, rpsProxy, streamProxy]) if (child.connected) child.send({ type: 'close' });
  loader?.disconnect();

  const ratio = median(results.map((r) => r.rps.proxy.requestsPerSecond / r.rps.direct.requestsPerSecond));
  const addedP50 = median(results.map((r) => quantile(r.ttft.proxy, 0.5) - quantile(r.ttft.direct, 0.5)));
  const addedP99 = median(results.map((r) => quantile(r.ttft.proxy, 0.99) - quantile(r.ttft.direct, 0.99)));
  const med = (f: (r: Round) => number) => median(results.map(f));
  const failed = results.reduce((n, r) => n + r.ttft.failed + r.rps.direct.non2xx + r.rps.proxy.non2xx + r.rps.direct.errors + r.rps.proxy.errors, 0);
  const machine = `${cpus().length} x ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${(totalmem() / 1024 ** 3).toFixed(0)} GB RAM, Node ${process.versions.node}`;
  const section = [
    '## Proxy (`npm run bench:proxy`)',
    '',
    `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${machine}; load average (1/5/15 min) at the start ${loadAtStart.map((l) => l.toFixed(2)).join(' ')}, at the end ${loadavg().map((l) => l.toFixed(2)).join(' ')}.`,
    `Each figure below is the median over ${rounds} rounds of a comparison made within one round (direct and proxied`,
    'measured back to back, the order alternating; each measured wave after an unmeasured one on the same side).',
    '',
    'Target: the reference server (Cloud chat), in its own process; the proxy (`startProxy`, checks on, records counted',
    'not written) in another; autocannon and the stream client in the bench processes.',
    '',
    '| measure | direct | through the proxy | proxy vs direct | goal |',
    '|---|---|---|---|---|',
    `| validated chat req/s (${connections} connections, ${durationS} s) | ${med((r) => r.rps.direct.requestsPerSecond).toFixed(0)} | ${med((r) => r.rps.proxy.requestsPerSecond).toFixed(0)} | ${fmt(ratio)}x | >= 0.5x ${ratio >= 0.5 ? 'met' : 'missed'} |`,
    `| req/s latency p50 / p99 (ms) | ${med((r) => r.rps.direct.latencyP50)} / ${med((r) => r.rps.direct.latencyP99)} | ${med((r) => r.rps.proxy.latencyP50)} / ${med((r) => r.rps.proxy.latencyP99)} | | |`,
    `| TTFT p50, ${streamCount} concurrent streams (ms) | ${fmt(med((r) => quantile(r.ttft.direct, 0.5)))} | ${fmt(med((r) => quantile(r.ttft.proxy, 0.5)))} | ${signed(addedP50)} ms | <= 1 ms ${addedP50 <= 1 ? 'met' : 'missed'} |`,
    `| TTFT p99, ${streamCount} concurrent streams (ms) | ${fmt(med((r) => quantile(r.ttft.direct, 0.99)))} | ${fmt(med((r) => quantile(r.ttft.proxy, 0.99)))} | ${signed(addedP99)} ms | |`,
    `| CPU ms per chat exchange (req/s runs) | target ${fmt(med((r) => r.cpu.direct), 3)} | proxy ${fmt(med((r) => r.cpu.proxy), 3)} + target ${fmt(med((r) => r.cpu.proxiedTarget), 3)} | proxy ÷ direct target ${fmt(med((r) => r.cpu.proxy / r.cpu.direct))}x | |`,
    '',
    `Failed streams, non-2xx answers and errors over the run: ${failed}. TTFT is measured from the request's write to the`,
    `first content chunk on the client's socket; the target waits ${streamTtftMs} ms before the first token, then sends 50 tokens/s.`,
  ].join('\n');
  process.stdout.write(`${section}\n`);
  if (append) writeSection(`${root}bench/RESULTS.md`, '## Proxy (`npm run bench:proxy`)', section);
}

main().catch((error: unknown) => {
  log(`bench:proxy failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  killChildren();
  process.exitCode = 1;
});
