/**
 * `npx tsx bench/proxy/ttft-trace.ts`: where a stream's time to first token goes, direct and through
 * the proxy, in waves of 100 concurrent streams as `npm run bench:proxy` sends them. Target and proxy
 * run as in the bench, with TRACE=1 (bench/proxy/trace-events.ts); each stream's timestamps are joined
 * across the three processes by TCP port, and each step's p50 / p99 is printed over the wave.
 *
 * Knobs (environment): WAVES (3 per side), STREAMS (100), TTFT_MS (50), PIN (0|1).
 * @module
 */
import { execSync, type ChildProcess } from 'node:child_process';
import { forkBenchChild, killChildrenOnExit } from '../server/children.js';
import { quantile } from '../server/stats.js';
import { preconnect, runStreamWave } from '../server/streams.js';
import type { TraceEvent, TraceReply, TraceRequest } from './trace-events.js';

const waves = Number(process.env.WAVES ?? 3);
const streamCount = Number(process.env.STREAMS ?? 100);
const ttftMs = Number(process.env.TTFT_MS ?? 50);
const body = JSON.stringify({ model: 'Meta-Llama-3.3-70B-Instruct', messages: [{ role: 'user', content: 'Tell me about telescopes.' }], max_tokens: 20, temperature: 0, stream: true });

killChildrenOnExit();

function traceOf(child: ChildProcess): Promise<TraceEvent[]> {
  return new Promise((resolve) => {
    const onMessage = (m: TraceReply) => {
      if (m.type !== 'trace') return;
      child.off('message', onMessage);
      resolve(m.events);
    };
    child.on('message', onMessage);
    const request: TraceRequest = { type: 'trace' };
    child.send(request);
  });
}

/** Per stream: the client's times (epoch ms) by its local port. */
async function wave(url: string): Promise<Map<number, { written: number; firstContent: number }>> {
  const { sockets } = await preconnect(url, streamCount);
  const ports = sockets.map((s) => s.localPort!);
  // As bench/proxy.bench.ts: each side finishes accepting before the wave.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const result = await runStreamWave({ url, streams: streamCount, body, timeoutMs: 60_000, sockets });
  const out = new Map<number, { written: number; firstContent: number }>();
  // streams.ts times with performance.now(); moved to the epoch clock of the other processes.
  const epoch = performance.timeOrigin;
  result.streams.forEach((s, i) => {
    if (s.firstContentAt !== undefined && s.writtenAt !== undefined) out.set(ports[i]!, { written: epoch + s.startedAt, firstContent: epoch + s.firstContentAt });
  });
  return out;
}

const byPort = (events: TraceEvent[], event: TraceEvent['event']) => new Map(events.filter((e) => e.event === event).map((e) => [e.port, e]));

const asc = (values: number[]) => values.filter(Number.isFinite).sort((a, b) => a - b);
const fmt = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : '');

/** Wall p50 / p99 of a step, and (for a step inside one process) that process's CPU time over it. */
function row(name: string, wall: number[], cpu: number[] = []): string {
  const w = asc(wall);
  const c = asc(cpu);
  return `| ${name} | ${fmt(quantile(w, 0.5))} | ${fmt(quantile(w, 0.99))} | ${fmt(quantile(c, 0.5))} | ${fmt(quantile(c, 0.99))} | ${w.length} |`;
}

async function main(): Promise<void> {
  const target = await forkBenchChild('proxy/target-child.ts', { env: { TTFT_MS: String(ttftMs), TOKENS_PER_SECOND: '50', TRACE: '1' } });
  const proxy = await forkBenchChild('proxy/proxy-child.ts', { env: { TARGET: target.url, TRACE: '1' } });
  // PIN=1: the target alone on CPU 1, the proxy and this client on CPU 0 (Linux taskset), so that on a
  // shared machine the two servers never wait for the same core.
  if (process.env.PIN === '1') {
    execSync(`taskset -apc 1 ${target.child.pid}`);
    for (const pid of [proxy.child.pid, process.pid]) execSync(`taskset -apc 0 ${pid}`);
  }
  const path = '/cloud/v1/chat/completions';
  const direct: string[] = [];
  const proxied: string[] = [];
  for (let i = 0; i < waves + 1; i++) {
    // Warm (unmeasured) first wave on each side, as the bench does.
    const d = await wave(`${target.url}${path}`);
    const dTarget = await traceOf(target.child);
    await traceOf(proxy.child);
    const p = await wave(`${proxy.url}${path}`);
    const pTarget = await traceOf(target.child);
    const pProxy = await traceOf(proxy.child);
    if (i === 0) continue;
    const tHead = byPort(dTarget, 'head');
    const tWrite = byPort(dTarget, 'first-write');
    const steps = { sentToHead: [] as number[], headToWrite: [] as number[], writeToContent: [] as number[], total: [] as number[] };
    for (const [port, c] of d) {
      steps.sentToHead.push(tHead.get(port)!.at - c.written);
      steps.headToWrite.push(tWrite.get(port)!.at - tHead.get(port)!.at);
      steps.writeToContent.push(c.firstContent - tWrite.get(port)!.at);
      steps.total.push(c.firstContent - c.written);
    }
    direct.push(
      `wave ${i} direct`,
      row('client write -> target head parsed', steps.sentToHead),
      row('target head -> target first write', steps.headToWrite),
      row('target first write -> client first content', steps.writeToContent),
      row('TTFT (client write -> first content)', steps.total),
    );
    const pHead = byPort(pProxy, 'head');
    const pDispatch = byPort(pProxy, 'dispatch');
    const pSent = byPort(pProxy, 'sent-upstream');
    const pUpHead = byPort(pProxy, 'upstream-head');
    const pUpData = byPort(pProxy, 'upstream-data');
    const pWrite = byPort(pProxy, 'first-write');
    const ptHead = byPort(pTarget, 'head');
    const ptWrite = byPort(pTarget, 'first-write');
    const s: Record<string, { wall: number[]; cpu: number[] }> = {};
    const add = (name: string, v: number | undefined) => (s[name] ??= { wall: [], cpu: [] }).wall.push(v ?? NaN);
    /** A step inside the proxy: wall and CPU time between two of its events. */
    const inProxy = (name: string, from: TraceEvent | undefined, to: TraceEvent | undefined) => {
      const step = (s[name] ??= { wall: [], cpu: [] });
      step.wall.push(to && from ? to.at - from.at : NaN);
      step.cpu.push(to && from ? to.cpu - from.cpu : NaN);
    };
    for (const [port, c] of p) {
      const up = pSent.get(port)?.upstreamPort ?? -1;
      add('client write -> proxy head parsed', pHead.get(port)?.at! - c.written);
      inProxy('proxy head -> dispatch', pHead.get(port), pDispatch.get(port));
      inProxy('dispatch -> written upstream', pDispatch.get(port), pSent.get(port));
      inProxy('proxy head -> written upstream', pHead.get(port), pSent.get(port));
      // How many other requests the proxy parsed between this one's dispatch and its write upstream.
      const from = pDispatch.get(port)?.at ?? NaN;
      const to = pSent.get(port)?.at ?? NaN;
      add('requests parsed between dispatch and write (count)', [...pHead.values()].filter((e) => e.at > from && e.at < to).length);
      add('written upstream -> target head parsed', ptHead.get(up)?.at! - pSent.get(port)?.at!);
      add('target head -> target first write', ptWrite.get(up)?.at! - ptHead.get(up)?.at!);
      add('target first write -> proxy upstream head', pUpHead.get(port)?.at! - ptWrite.get(up)?.at!);
      inProxy('proxy upstream head -> first data', pUpHead.get(port), pUpData.get(port));
      inProxy('proxy first data -> first write down', pUpData.get(port), pWrite.get(port));
      add('proxy first write -> client first content', c.firstContent - pWrite.get(port)?.at!);
      add('TTFT (client write -> first content)', c.firstContent - c.written);
    }
    proxied.push(`wave ${i} proxied`, ...Object.entries(s).map(([name, v]) => row(name, v.wall, v.cpu)));
  }
  const header = '| step | wall p50 ms | wall p99 ms | CPU p50 ms | CPU p99 ms | streams |\n|---|---:|---:|---:|---:|---:|';
  for (const line of [...direct, ...proxied]) process.stdout.write(`${line.startsWith('wave') ? `\n${line}\n${header}` : line}\n`);
  for (const { child } of [target, proxy]) child.send({ type: 'close' });
}

main().catch((error: unknown) => {
  process.stderr.write(`ttft-trace failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
