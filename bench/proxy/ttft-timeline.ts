/**
 * `npx tsx bench/proxy/ttft-timeline.ts`: where the time to first token that a hop adds goes, at
 * 100 concurrent streams. Each hop (sambakit's proxy with its checks; the bare `connection-parsed`
 * hop, its parse without checks; the bare `pipe`, an extra process that looks at nothing) runs in
 * its own process with bench/proxy/timeline-hooks.ts, which records every socket read and timer
 * callback of its loop with its CPU time. Per round and hop: a warm wave, then a measured one, each
 * beside a direct wave on the same target (TTFT added = the hop's p50 minus direct's, same round).
 *
 * From the hop's timeline of the measured wave:
 * - requests: how long the burst of 100 requests took to cross the hop (first to last client read),
 *   and the hop's CPU in it, split into relaying (socket callbacks) and checks (timers);
 * - first tokens: when each stream's first content reached the hop (the read that carried it; the
 *   hop writes it on in that callback), the spread of these arrivals, and for the median stream the
 *   hop's CPU between the first arrival and its own: relaying other streams' first chunks, and
 *   checks. What a stream waits for inside the hop is that CPU (and the cores the load leaves it).
 *
 * Then, per round and hop, the steady state of bench/proxy/steady-streams.ts beside a direct one:
 * TTFT added p50, and the hop's CPU per stream over it (from /proc: what load bends least).
 *
 * Knobs: ROUNDS (3), STREAMS (100), TTFT_MS (50), STEADY seconds timed (3), BASE (the path of
 * another checkout, with its node_modules: its proxy is measured side by side with this one's, a
 * before/after in one run). Prints Markdown; the figures go to bench/RESULTS.md by hand (with
 * `uptime`): they are a diagnosis, not a goal reading.
 * @module
 */
import type { ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import { forkBenchChild, killChildren, killChildrenOnExit } from '../server/children.js';
import { readProc } from '../server/procstat.js';
import { median, quantile } from '../server/stats.js';
import { steadyStreams } from './steady-streams.js';
import { streamTokens, ttftWave } from './stream-wave.js';
import type { TimelineEvent, TimelineMessage, TimelineRequest } from './timeline-hooks.js';

const rounds = Number(process.env.ROUNDS ?? 3);
const streams = Number(process.env.STREAMS ?? 100);
const ttftMs = Number(process.env.TTFT_MS ?? 50);
const steadyMs = Number(process.env.STEADY ?? 3) * 1000;
const baseline = process.env.BASE ? `${process.env.BASE.replace(/\/+$/, '')}/` : undefined;
const tokensPerSecond = 50;
const steadyOptions = { clients: streams, spreadMs: ttftMs + (streamTokens * 1000) / tokensPerSecond, warmupMs: 1000, measureMs: steadyMs };
const chatPath = '/cloud/v1/chat/completions';
const hooks = new URL('./timeline-hooks.ts', import.meta.url).pathname;

killChildrenOnExit();
const log = (line: string) => process.stderr.write(`${line}\n`);
const fmt = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : '–');

interface Hop {
  name: string;
  child: ChildProcess;
  url: string;
}

function timeline(child: ChildProcess, request: TimelineRequest): Promise<TimelineEvent[]> {
  return new Promise((resolve) => {
    if (request.type === 'timeline-reset') {
      child.send(request);
      return resolve([]);
    }
    const onMessage = (message: TimelineMessage) => {
      if (message.type !== 'timeline') return;
      child.off('message', onMessage);
      resolve(message.events);
    };
    child.on('message', onMessage);
    child.send(request);
  });
}

interface Reading {
  addedP50: number;
  requestSpanMs: number;
  requestRelayCpuMs: number;
  requestCheckCpuMs: number;
  firstSpanMs: number;
  medianWaitRelayCpuMs: number;
  medianWaitCheckCpuMs: number;
  relayCpuPerFirstChunkUs: number;
  checkCpuWaveMs: number;
  relayCpuWaveMs: number;
  steadyAddedP50: number;
  steadyCpuPerStreamUs: number;
}

const cpuOf = (events: TimelineEvent[], kinds: ReadonlyArray<TimelineEvent['kind']>) => events.filter((e) => kinds.includes(e.kind)).reduce((sum, e) => sum + e.cpuMs, 0);
const relayKinds = ['client', 'target'] as const;
const checkKinds = ['timer', 'immediate'] as const;

function read(events: TimelineEvent[], added: number): Omit<Reading, 'steadyAddedP50' | 'steadyCpuPerStreamUs'> {
  const requests = events.filter((e) => e.kind === 'client');
  const requestStart = requests[0]?.at ?? NaN;
  const requestEnd = (requests.at(-1)?.at ?? NaN) + (requests.at(-1)?.wallMs ?? 0);
  const inRequests = events.filter((e) => e.at >= requestStart && e.at <= requestEnd);
  // Each target connection's first read with content: the stream's first token reaching the hop.
  const seen = new Set<number>();
  const firsts: TimelineEvent[] = [];
  for (const e of events) if (e.kind === 'target' && e.content && !seen.has(e.socket!)) (seen.add(e.socket!), firsts.push(e));
  const mid = firsts[Math.floor(firsts.length / 2)];
  const before = mid ? events.filter((e) => e.at >= firsts[0]!.at && e.at < mid.at) : [];
  return {
    addedP50: added,
    requestSpanMs: requestEnd - requestStart,
    requestRelayCpuMs: cpuOf(inRequests, relayKinds),
    requestCheckCpuMs: cpuOf(inRequests, checkKinds),
    firstSpanMs: firsts.length ? firsts.at(-1)!.at - firsts[0]!.at : NaN,
    medianWaitRelayCpuMs: cpuOf(before, relayKinds),
    medianWaitCheckCpuMs: cpuOf(before, checkKinds),
    relayCpuPerFirstChunkUs: median(firsts.map((e) => e.cpuMs * 1000)),
    checkCpuWaveMs: cpuOf(events, checkKinds),
    relayCpuWaveMs: cpuOf(events, relayKinds),
  };
}

async function main(): Promise<void> {
  const loadStart = loadavg();
  const target = await forkBenchChild('proxy/target-child.ts', { env: { TTFT_MS: String(ttftMs), TOKENS_PER_SECOND: String(tokensPerSecond) } });
  const execArgv = ['--import', 'tsx', '--import', hooks];
  const hops: Hop[] = [];
  const sambakit = await forkBenchChild('proxy/proxy-child.ts', { env: { TARGET: target.url }, execArgv });
  hops.push({ name: "sambakit's proxy (checks on)", child: sambakit.child, url: sambakit.url });
  if (baseline) {
    const before = await forkBenchChild('proxy/proxy-child.ts', { env: { TARGET: target.url }, execArgv, root: baseline });
    hops.push({ name: `sambakit's proxy at ${baseline}`, child: before.child, url: before.url });
  }
  for (const hop of ['connection-parsed', 'pipe']) {
    const bare = await forkBenchChild('proxy/bare-hop-child.ts', { env: { TARGET: target.url, HOP: hop }, execArgv });
    hops.push({ name: `bare ${hop}`, child: bare.child, url: bare.url });
  }
  const direct = `${target.url}${chatPath}`;
  log(`ttft-timeline: ${rounds} rounds, ${streams} streams, target TTFT ${ttftMs} ms; load ${loadStart.map((l) => l.toFixed(2)).join(' ')}`);
  await ttftWave(direct, streams);
  // Every hop warmed (its code compiled) by a steady state as long as one round's, before round 1.
  for (const hop of hops) await steadyStreams(`${hop.url}${chatPath}`, steadyOptions);
  const readings = new Map<string, Reading[]>(hops.map((h) => [h.name, []]));
  for (let round = 1; round <= rounds; round++) {
    const order = hops.map((_, i) => hops[(i + round - 1) % hops.length]!);
    for (const hop of order) {
      await ttftWave(`${hop.url}${chatPath}`, streams);
      const base = await ttftWave(direct, streams);
      await timeline(hop.child, { type: 'timeline-reset' });
      const through = await ttftWave(`${hop.url}${chatPath}`, streams);
      const events = await timeline(hop.child, { type: 'timeline-read' });
      const steadyDirect = await steadyStreams(direct, steadyOptions);
      const cpuBefore = readProc(hop.child.pid!)?.cpuMs ?? NaN;
      const steady = await steadyStreams(`${hop.url}${chatPath}`, steadyOptions);
      const steadyCpuPerStreamUs = (((readProc(hop.child.pid!)?.cpuMs ?? NaN) - cpuBefore) * 1000) / steady.ended;
      const reading = { ...read(events, quantile(through.ttfts, 0.5) - quantile(base.ttfts, 0.5)), steadyAddedP50: quantile(steady.ttfts, 0.5) - quantile(steadyDirect.ttfts, 0.5), steadyCpuPerStreamUs };
      readings.get(hop.name)!.push(reading);
      log(`  round ${round}, ${hop.name}: added p50 ${fmt(reading.addedP50)} ms (direct p50 ${fmt(quantile(base.ttfts, 0.5))}); requests ${fmt(reading.requestSpanMs)} ms, CPU relay ${fmt(reading.requestRelayCpuMs)} / checks ${fmt(reading.requestCheckCpuMs)}; first tokens spread ${fmt(reading.firstSpanMs)} ms, median waits behind relay ${fmt(reading.medianWaitRelayCpuMs)} / checks ${fmt(reading.medianWaitCheckCpuMs)} ms CPU; steady state added p50 ${fmt(reading.steadyAddedP50)} ms, hop CPU ${fmt(steadyCpuPerStreamUs, 0)} µs per stream; failed ${through.failed + base.failed + steady.failed + steadyDirect.failed}`);
    }
  }
  for (const hop of hops) hop.child.send({ type: 'close' });
  target.child.send({ type: 'close' });
  const med = (name: string, f: (r: Reading) => number) => fmt(median(readings.get(name)!.map(f)));
  const lines = [
    `| hop | TTFT added p50 (ms) | request burst crossing the hop (ms) | hop CPU in it: relaying / checks (ms) | first tokens' arrival spread at the hop (ms) | hop CPU before the median stream's first token: relaying / checks (ms) | relay CPU per first chunk (µs) | hop CPU over the wave: relaying / checks (ms) | steady state: TTFT added p50 (ms) | steady state: hop CPU per stream (µs) |`,
    '|---|---:|---:|---|---:|---|---:|---|---:|---:|',
    ...hops.map(
      (h) =>
        `| ${h.name} | ${med(h.name, (r) => r.addedP50)} | ${med(h.name, (r) => r.requestSpanMs)} | ${med(h.name, (r) => r.requestRelayCpuMs)} / ${med(h.name, (r) => r.requestCheckCpuMs)} | ${med(h.name, (r) => r.firstSpanMs)} | ${med(h.name, (r) => r.medianWaitRelayCpuMs)} / ${med(h.name, (r) => r.medianWaitCheckCpuMs)} | ${med(h.name, (r) => r.relayCpuPerFirstChunkUs)} | ${med(h.name, (r) => r.relayCpuWaveMs)} / ${med(h.name, (r) => r.checkCpuWaveMs)} | ${med(h.name, (r) => r.steadyAddedP50)} | ${fmt(median(readings.get(h.name)!.map((r) => r.steadyCpuPerStreamUs)), 0)} |`,
    ),
    '',
    `Medians over ${rounds} rounds; load average at the start ${loadStart.map((l) => l.toFixed(2)).join(' ')}, at the end ${loadavg().map((l) => l.toFixed(2)).join(' ')}.`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((error: unknown) => {
  log(`ttft-timeline failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  killChildren();
  process.exitCode = 1;
});
