/**
 * The write path alone, A/B in one server process: a `node:http` server (a child) holds STREAMS SSE
 * streams of a chat chunk each at 20 tokens/s (a timer per stream, as the bare baseline), and every
 * PHASE_MS switches how each token is written: Node's `res.write`, or `writeBodyText`
 * (src/server/chunked-write.ts: one framed write on the socket). The server's own CPU per token
 * written (`process.cpuUsage`, user and kernel apart) is taken per phase; phases alternate, so the
 * machine's load falls on both ways alike. This process reads every stream and throws the bytes away.
 *
 * `tsx bench/soak/write-path.ts`. Knobs: STREAMS (1000), PHASE_MS (1000), PHASES (20).
 * @module
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createServer, type ServerResponse } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { writeBodyText } from '../../src/server/chunked-write.js';
import { median } from '../server/stats.js';

const streams = Number(process.env.STREAMS ?? 1000);
const phaseMs = Number(process.env.PHASE_MS ?? 1000);
const phases = Number(process.env.PHASES ?? 20);
const modes = ['res.write', 'one framed write'] as const;

interface Phase {
  mode: (typeof modes)[number];
  userUs: number;
  systemUs: number;
  tokens: number;
}

function serve(): void {
  let mode = 0;
  let tokens = 0;
  const id = crypto.randomUUID();
  const chunk = (i: number) =>
    `data: {"id":"${id}","object":"chat.completion.chunk","created":1796586589,"model":"Meta-Llama-3.3-70B-Instruct","system_fingerprint":"fastcoe","choices":[{"index":0,"delta":{"content":" word${i}"},"logprobs":null,"finish_reason":null}]}\n\n`;
  const send = (res: ServerResponse, i: number) => {
    if (res.destroyed) return;
    const text = chunk(i);
    if (mode === 0) res.write(text);
    else writeBodyText(res, text);
    tokens++;
    setTimeout(send, 50, res, i + 1);
  };
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(': open\n\n');
      setTimeout(send, Math.random() * 50, res, 0);
    });
  });
  server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as AddressInfo).port }));
  process.on('message', (message: { phase: number }) => {
    const cpu = process.cpuUsage(from);
    const report: Phase = { mode: modes[mode]!, userUs: cpu.user, systemUs: cpu.system, tokens };
    process.send!(report);
    mode = message.phase % 2;
    tokens = 0;
    from = process.cpuUsage();
  });
  let from = process.cpuUsage();
}

async function main(): Promise<void> {
  const child: ChildProcess = fork(new URL(import.meta.url).pathname, [], { execArgv: ['--import', 'tsx'], env: { ...process.env, WRITE_PATH_CHILD: '1' } });
  const next = <T>() => new Promise<T>((resolve) => child.once('message', resolve));
  try {
    const { port } = await next<{ port: number }>();
    for (let i = 0; i < streams; i++) {
      const socket = connect({ host: '127.0.0.1', port, noDelay: true });
      socket.on('data', () => {});
      socket.write('GET /s HTTP/1.1\r\nhost: x\r\n\r\n');
      if (i % 100 === 99) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const results: Phase[] = [];
    for (let phase = 0; phase <= phases; phase++) {
      const report = next<Phase>();
      child.send({ phase });
      const result = await report;
      // Phase 0's report is the warm-up's.
      if (phase > 0) results.push(result);
      await new Promise((resolve) => setTimeout(resolve, phaseMs));
    }
    const perToken = (p: Phase) => (p.userUs + p.systemUs) / p.tokens;
    for (const mode of modes) {
      const of = results.filter((p) => p.mode === mode);
      process.stdout.write(
        `${mode}: ${median(of.map(perToken)).toFixed(2)} µs of server CPU per token (user ${median(of.map((p) => p.userUs / p.tokens)).toFixed(2)}, kernel ${median(of.map((p) => p.systemUs / p.tokens)).toFixed(2)}), ` +
          `median of ${of.length} phases of ${phaseMs} ms (${of.map((p) => perToken(p).toFixed(1)).join(', ')})\n`,
      );
    }
  } finally {
    child.kill();
  }
}

if (process.env.WRITE_PATH_CHILD) serve();
else await main();
