/**
 * What a saturated server's pacing does to the gaps between tokens, A/B with nothing else different:
 * a `node:http` server child holds STREAMS SSE streams of a chat chunk at 20 tokens/s (first token
 * 200 ms after the request, 40 in all, `res.write` for both) and paces them one of two ways:
 * - `on schedule` (as sambakit's streams): token k is due at a fixed time (after the first token's
 *   write, 50 ms apart); a timer that fires late writes every token due by then in one write, so a
 *   stream keeps its rate and catches up;
 * - `one per fire` (as the bare baseline): a timer writes one token, and the next timer waits for the
 *   next due time or 1 ms; a stream that falls behind stays behind (its rate drops), no catching up.
 * The server records the gaps between its own writes of content to each response (the client's
 * lateness left out) and its CPU; waves alternate between the two policies (a fresh child each, in
 * turn), so the machine's load falls on both alike. The wave is sized to saturate the server, as
 * 3,000 streams saturate one core when the machine is quiet: STREAMS lower on a loaded machine.
 *
 * `tsx bench/soak/pace-policy.ts`. Knobs: STREAMS (1500), ROUNDS (4).
 * @module
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { median, quantile } from '../server/stats.js';
import { preconnect } from '../server/streams.js';

const streams = Number(process.env.STREAMS ?? 1500);
const rounds = Number(process.env.ROUNDS ?? 4);
const policies = ['on schedule', 'one per fire'] as const;
type Policy = (typeof policies)[number];
/** The scale wave's stream: first token 200 ms after the request, then 20 tokens/s, 40 in all. */
const [ttftMs, intervalMs, tokens] = [200, 50, 40];

interface WaveReport {
  gaps: number;
  gapP50: number;
  gapP99: number;
  over100: number;
  writes: number;
  tokens: number;
  /** Per stream, tokens after the first ÷ the time from the first write to the last: the median. */
  rateP50: number;
  cpuMs: number;
  wallMs: number;
}

function serve(policy: Policy): void {
  const id = crypto.randomUUID();
  const chunk = (i: number) =>
    `data: {"id":"${id}","object":"chat.completion.chunk","created":1796586589,"model":"Meta-Llama-3.3-70B-Instruct","system_fingerprint":"fastcoe","choices":[{"index":0,"delta":{"content":" word${i}"},"logprobs":null,"finish_reason":null}]}\n\n`;
  let gaps: number[] = [];
  let rates: number[] = [];
  let writes = 0;
  let written = 0;
  class Stream {
    next = 0;
    firstAt = 0;
    lastAt = 0;
    constructor(
      readonly res: ServerResponse,
      readonly arrived: number,
    ) {}

    due(k: number): number {
      return k === 0 ? this.arrived + ttftMs : this.firstAt + k * intervalMs;
    }

    fire(): void {
      if (this.res.destroyed) return;
      const now = performance.now();
      const first = this.next === 0;
      if (first) this.firstAt = now;
      else gaps.push(now - this.lastAt);
      let text = '';
      do {
        text += chunk(this.next++);
        written++;
      } while (policy === 'on schedule' && this.next < tokens && this.due(this.next) <= now);
      this.lastAt = now;
      writes++;
      if (this.next >= tokens) {
        rates.push(((tokens - 1) * 1000) / (now - this.firstAt));
        this.res.end(text + 'data: [DONE]\n\n');
        return;
      }
      this.res.write(text);
      setTimeout(fireStream, Math.max(1, this.due(this.next) - performance.now()), this);
    }
  }
  const fireStream = (stream: Stream) => stream.fire();
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const stream = new Stream(res, performance.now());
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      setTimeout(fireStream, ttftMs, stream);
    });
  });
  server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as AddressInfo).port }));
  let from = process.cpuUsage();
  let startedAt = performance.now();
  process.on('message', (message: { type: 'start' | 'report' }) => {
    if (message.type === 'start') {
      gaps = [];
      rates = [];
      writes = written = 0;
      from = process.cpuUsage();
      startedAt = performance.now();
      process.send!({ type: 'started' });
      return;
    }
    const cpu = process.cpuUsage(from);
    const sorted = gaps.sort((a, b) => a - b);
    const report: WaveReport = {
      gaps: sorted.length,
      gapP50: quantile(sorted, 0.5),
      gapP99: quantile(sorted, 0.99),
      over100: sorted.filter((gap) => gap > 100).length,
      writes,
      tokens: written,
      rateP50: median(rates),
      cpuMs: (cpu.user + cpu.system) / 1000,
      wallMs: performance.now() - startedAt,
    };
    process.send!(report);
  });
}

async function wave(policy: Policy): Promise<WaveReport> {
  const child: ChildProcess = fork(new URL(import.meta.url).pathname, [], { execArgv: ['--import', 'tsx'], env: { ...process.env, PACE_POLICY_CHILD: policy } });
  const next = <T>() => new Promise<T>((resolve) => child.once('message', resolve));
  try {
    const { port } = await next<{ port: number }>();
    const { sockets } = await preconnect(`http://127.0.0.1:${port}/`, streams);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const started = next();
    child.send({ type: 'start' });
    await started;
    let open = sockets.length;
    const ended = new Promise<void>((resolve) => {
      for (const socket of sockets) {
        socket.on('data', () => {});
        socket.once('close', () => --open === 0 && resolve());
        socket.once('end', () => socket.destroy());
      }
    });
    for (const socket of sockets) socket.write('GET /s HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n');
    await ended;
    const report = next<WaveReport>();
    child.send({ type: 'report' });
    return await report;
  } finally {
    child.kill();
  }
}

async function main(): Promise<void> {
  const results: Record<Policy, WaveReport[]> = { 'on schedule': [], 'one per fire': [] };
  for (let round = 0; round < rounds; round++) {
    for (const policy of round % 2 === 0 ? policies : [...policies].reverse()) {
      const r = await wave(policy);
      results[policy].push(r);
      process.stderr.write(
        `  round ${round + 1} ${policy}: gap p50 ${r.gapP50.toFixed(1)} / p99 ${r.gapP99.toFixed(1)} ms, ${r.over100} of ${r.gaps} over 100 ms, ${r.tokens} tokens in ${r.writes} writes, ` +
          `rate p50 ${r.rateP50.toFixed(1)} tokens/s, CPU ${((100 * r.cpuMs) / r.wallMs).toFixed(0)} % (${((r.cpuMs * 1000) / r.tokens).toFixed(1)} µs/token); load ${loadavg()[0]!.toFixed(1)}\n`,
      );
    }
  }
  for (const policy of policies) {
    const of = results[policy];
    process.stdout.write(
      `${policy}: written gap p99 median ${median(of.map((r) => r.gapP99)).toFixed(1)} ms (${of.map((r) => r.gapP99.toFixed(1)).join(', ')}), p50 ${median(of.map((r) => r.gapP50)).toFixed(1)}, ` +
        `over 100 ms ${median(of.map((r) => (100 * r.over100) / r.gaps)).toFixed(1)} %, rate p50 ${median(of.map((r) => r.rateP50)).toFixed(1)} tokens/s, tokens per write ${median(of.map((r) => r.tokens / r.writes)).toFixed(2)}, ` +
        `CPU ${median(of.map((r) => (100 * r.cpuMs) / r.wallMs)).toFixed(0)} %\n`,
    );
  }
}

const childPolicy = process.env.PACE_POLICY_CHILD as Policy | undefined;
if (childPolicy) serve(childPolicy);
else await main();
