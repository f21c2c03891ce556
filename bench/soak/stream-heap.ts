/**
 * A diagnostic behind the scale part of the soak bench (`tsx bench/soak/stream-heap.ts`, after
 * `npm run build`): what an open stream holds in `sambakit serve --tokens-per-second 20` and in the
 * bare `node:http` SSE baseline, stage by stage. For each server, after two warm-up waves, the heap
 * after a full GC: idle; with STREAMS connections open and no request (Node's per connection); 100 ms
 * after the requests were sent (the first token is due at 200 ms); and once every stream flows (or
 * at the first end, if that comes first), each per stream; and, from V8 heap snapshots when idle
 * and with the streams flowing, what a stream holds, connection included, by constructor or shape
 * and holder. Knobs: STREAMS (3000; a few hundred keep a loaded machine from reading a queue of
 * requests instead of streams), TOP (25); snapshots go to bench/.cache/stream-heap/.
 * @module
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { askMemory, closeForked, forkServer, guardChildren, heapSnapshot, memoryProbeArgs, spawnServe, stopServe } from '../server/children.js';
import { allFlowing, preconnect, runStreamWave, streamedChatBody } from '../server/streams.js';
import { heapGrowth } from './heap-diff.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dir = `${root}bench/.cache/stream-heap/`;
const streams = Number(process.env.STREAMS ?? 3000);
const top = Number(process.env.TOP ?? 25);
const path = '/cloud/v1/chat/completions';
const body = streamedChatBody(40);
const log = (line: string) => process.stderr.write(`${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
guardChildren('stream-heap', 20);

const snapshot = (child: ChildProcess, name: string) => heapSnapshot(child, `${dir}${name}.heapsnapshot`);

async function stages(name: string, url: string, child: ChildProcess): Promise<void> {
  const slug = name.replace(/\W+/g, '-');
  // Two waves first: what is made once on first use (caches, tables, compiled code) is then made.
  for (let i = 0; i < 2; i++) {
    const { sockets: warm } = await preconnect(url, streams);
    await runStreamWave({ url: `${url}${path}`, streams, body, timeoutMs: 120_000, sockets: warm });
    await sleep(1000);
  }
  const heap = async () => (await askMemory(child, true)).heapUsed;
  const idle = await heap();
  // (No snapshot with the connections open: writing one takes seconds, and sambakit closes a
  // connection that sends no request head within 10 s.)
  const idleSnapshot = await snapshot(child, `${slug}-idle`);
  const { sockets } = await preconnect(url, streams);
  await sleep(300);
  const connected = await heap();
  const sent = performance.now();
  const flow = allFlowing(streams);
  const running = runStreamWave({ url: `${url}${path}`, streams, body, timeoutMs: 120_000, sockets, onProgress: flow.onProgress });
  await sleep(100);
  const waiting = await heap();
  const waitingAt = performance.now() - sent;
  const moment = await flow.reached;
  const streaming = await heap();
  const streamingAt = performance.now() - sent;
  const streamingSnapshot = await snapshot(child, `${slug}-streaming`);
  const wave = await running;
  const per = (bytes: number, from = idle) => `${((bytes - from) / streams).toFixed(0)} B`;
  log(`${name}: ${wave.streams.filter((s) => s.done).length}/${streams} complete; heap after GC, per stream:`);
  log(`  connected, no request, over idle: ${per(connected)}`);
  log(`  ${waitingAt.toFixed(0)} ms after sending (token 1 due at 200), over connected: ${per(waiting, connected)}`);
  log(`  ${streamingAt.toFixed(0)} ms after sending (${moment.allFlowing ? 'every stream flowing' : `first end, ${moment.flowing} flowing`}), over connected: ${per(streaming, connected)}`);
  log(`  grown from idle to flowing, per stream (snapshot self sizes; holders for what has no name), count bytes:`);
  for (const g of heapGrowth(idleSnapshot, streamingSnapshot, top, true)) log(`    ${g.key.padEnd(100)} ${(g.count / streams).toFixed(2).padStart(6)} ${(g.bytes / streams).toFixed(0).padStart(6)}`);
}

rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const serve = await spawnServe({ serveArgs: ['--tokens-per-second', '20'], nodeArgs: memoryProbeArgs, ipc: true });
try {
  await stages('sambakit', serve.url, serve.child);
} finally {
  await stopServe(serve.child);
}
const bare = await forkServer('bare-sse-child.ts', { env: { TTFT_MS: '200', TPS: '20', TOKENS: '40' }, execArgv: memoryProbeArgs });
try {
  await stages('bare SSE', bare.url, bare.child);
} finally {
  await closeForked(bare.child);
}
