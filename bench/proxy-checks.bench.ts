/**
 * `npm run bench:proxy-checks`: the longest turn of the proxy's event loop while it checks one big
 * body, with big bodies checked in the worker thread (the default) and, side by side in the same
 * run, with every body checked on the loop (`offLoopCheckBytes: Infinity`, the proxy before the
 * worker). Each runs in its own process (bench/proxy/lag-proxy-child.ts: a plain and a strict proxy)
 * in front of a plain node:http target in this process; order alternating; medians over rounds.
 * Prints Markdown and writes it as the section "## Proxy: big bodies checked off the loop (..., <date>)"
 * of bench/RESULTS.md (APPEND=0 to skip). Knobs: ROUNDS (3).
 * @module
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { benchProgress } from './progress.js';
import type { ProxyLagMessage } from './proxy/lag-proxy-child.js';
import type { Gaps } from './server/loop-gaps.js';
import { writeSection } from './results-section.js';

const rounds = Number(process.env.ROUNDS ?? 3);
const model = 'Meta-Llama-3.3-70B-Instruct';
const messages = (count: number) => Array.from({ length: count }, (_, i) => ({ role: 'user', content: `message ${i}`.padEnd(60, '.') }));
const chatAnswer = JSON.stringify({ id: 'c', object: 'chat.completion', created: 1, model, system_fingerprint: 'fp', choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop', logprobs: null }], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } });
const bigModels = Buffer.from(JSON.stringify({ object: 'list', data: Array.from({ length: 100_000 }, (_, i) => ({ id: `model-${i}`.padEnd(60, '-'), object: 'model', owned_by: 'x', created: 1 })) }));

interface Case {
  name: string;
  proxy: 'plain' | 'strict';
  method: 'GET' | 'POST';
  path: string;
  body?: Buffer;
}

const cases: Case[] = [
  { name: '14 MB request (210k messages, last invalid), --strict: refused', proxy: 'strict', method: 'POST', path: '/v1/chat/completions', body: Buffer.from(JSON.stringify({ model, messages: [...messages(210_000), { role: 'robot', content: 'x' }] })) },
  { name: '14 MB valid request, --strict: checked, then forwarded', proxy: 'strict', method: 'POST', path: '/v1/chat/completions', body: Buffer.from(JSON.stringify({ model, messages: messages(210_000), max_tokens: 5 })) },
  { name: '14 MB valid request, plain: forwarded, then checked', proxy: 'plain', method: 'POST', path: '/v1/chat/completions', body: Buffer.from(JSON.stringify({ model, messages: messages(210_000), max_tokens: 5 })) },
  { name: `${(bigModels.length / 1e6).toFixed(0)} MB answer (100k models), plain: checked at its end`, proxy: 'plain', method: 'GET', path: '/v1/models' },
];

// The target reads each body whole and answers at once: a small chat answer, or the big model list.
const target = createServer((req, res) => {
  req.resume().on('end', () => {
    const body = req.method === 'GET' ? bigModels : Buffer.from(chatAnswer);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length }).end(body);
  });
});
await new Promise<void>((resolve) => target.listen({ host: '127.0.0.1', port: 0 }, resolve));
const targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;

interface Proxies {
  child: ChildProcess;
  urls: { plain: string; strict: string };
  reset(): void;
  read(): Promise<Gaps>;
}

async function start(offLoopBytes: string | undefined): Promise<Proxies> {
  const env = { ...process.env, TARGET: targetUrl, ...(offLoopBytes === undefined ? {} : { OFF_LOOP_BYTES: offLoopBytes }) };
  const child = fork(fileURLToPath(new URL('proxy/lag-proxy-child.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'], env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const urls = await new Promise<{ plain: string; strict: string }>((resolve) => child.once('message', (message: ProxyLagMessage) => message.type === 'listening' && resolve(message)));
  return {
    child,
    urls,
    reset: () => child.send({ type: 'reset' }),
    read: () =>
      new Promise((resolve) => {
        child.once('message', (answer: ProxyLagMessage) => answer.type === 'lag' && resolve(answer));
        child.send({ type: 'read' });
      }),
  };
}

function send(base: string, target: Case): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  const url = new URL(`${base}${target.path}`);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { authorization: 'Bearer sk-bench' };
    if (target.body) Object.assign(headers, { 'content-type': 'application/json', 'content-length': String(target.body.length) });
    const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: target.method, agent: false, headers }, (res) => {
      res.resume().on('end', () => resolve({ status: res.statusCode!, ms: performance.now() - started }));
    });
    req.on('error', reject);
    req.end(target.body);
  });
}

interface Measured extends Gaps {
  answerMs: number;
  status: number;
}

async function measure(proxies: Proxies, target: Case): Promise<Measured> {
  proxies.reset();
  const { status, ms } = await send(proxies.urls[target.proxy], target);
  return { ...(await proxies.read()), answerMs: ms, status };
}

const median = (values: number[]) => values.slice().sort((a, b) => a - b)[values.length >> 1]!;

const load = loadavg();
const progress = benchProgress('proxy-checks');
progress.phase('starting the proxies (worker, and on the loop)');
const [worker, onLoop] = await Promise.all([start(undefined), start('Infinity')]);
// The first big body starts the worker and loads its validators: not what is measured.
progress.phase('warming up');
for (const proxies of [worker, onLoop]) await measure(proxies, cases[0]!);
const rows: string[] = [];
for (const target of cases) {
  const results = { worker: [] as Measured[], onLoop: [] as Measured[] };
  for (let round = 0; round < rounds; round++) {
    progress.round(target.name, round + 1, rounds);
    const order = round % 2 ? (['onLoop', 'worker'] as const) : (['worker', 'onLoop'] as const);
    for (const which of order) results[which].push(await measure(which === 'worker' ? worker : onLoop, target));
  }
  const of = (which: 'worker' | 'onLoop', key: keyof Measured) => median(results[which].map((r) => r[key]));
  const cells = [
    of('onLoop', 'worstThreadCpuMs'),
    of('worker', 'worstThreadCpuMs'),
    of('worker', 'worstThreadCpuMs') / of('onLoop', 'worstThreadCpuMs'),
    of('onLoop', 'worstWallMs'),
    of('worker', 'worstWallMs'),
    of('onLoop', 'answerMs'),
    of('worker', 'answerMs'),
  ].map((value, i) => value.toFixed(i === 2 ? 2 : 0));
  const row = `| ${target.name} | ${cells.join(' | ')} | ${results.onLoop[0]!.status} / ${results.worker[0]!.status} |`;
  rows.push(row);
  process.stderr.write(`${row}\n`);
}
worker.child.disconnect();
onLoop.child.disconnect();
target.close();

const endLoad = loadavg();
const date = new Date().toISOString().slice(0, 10);
const heading = `## Proxy: big bodies checked off the loop (\`npm run bench:proxy-checks\`, ${date})`;
const section = [
  heading,
  '',
  'The longest turn of the proxy\'s event loop (the longest gap of a 1 ms interval timer) while it checks one big body, with',
  'bodies of 256 KiB or more checked in its worker thread (the default), and with every body checked on the loop (the proxy',
  'before the worker), each in its own process, side by side in the same run (order alternating; medians). CPU ms is the',
  'main thread\'s CPU time over that gap (/proc/thread-self/schedstat): the work that held the loop, which the load of a',
  'shared machine does not inflate; wall ms is the gap as the loop saw it, waits for a core included (read it with the load).',
  '',
  `${date}, ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'} (shared; load ${load.map((l) => l.toFixed(1)).join(' / ')} at the start, ${endLoad.map((l) => l.toFixed(1)).join(' / ')} at the end), Node ${process.version}, ${rounds} rounds.`,
  '',
  '| body | worst turn CPU ms, on the loop | worker | ÷ on the loop | worst turn wall ms, on the loop | worker | answer ms, on the loop | worker | status on the loop / worker |',
  '|---|---:|---:|---:|---:|---:|---:|---:|---|',
  ...rows,
  '',
];
process.stdout.write(`${section.join('\n')}\n`);
if (process.env.APPEND !== '0') writeSection(fileURLToPath(new URL('RESULTS.md', import.meta.url)), heading, section.join('\n'));
