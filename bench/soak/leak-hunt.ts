/**
 * A diagnostic run behind the soak (`tsx bench/soak/leak-hunt.ts`): `sambakit serve` with the memory
 * probe, then rounds of mixed requests only and rounds of stream waves only (CANCEL of them cut
 * midway), reading the heap after a full GC after each round and writing a heap snapshot at the
 * start and end of each phase; prints what grew in each phase by constructor. Tells a leak per
 * request from one per stream, and what it is made of. Knobs: ROUNDS (3), REQUESTS per round (2000),
 * STREAMS per wave (500), CANCEL (0.2); snapshots go to bench/.cache/leak-hunt/.
 * @module
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { askMemory, guardChildren, heapSnapshot, memoryProbeArgs, spawnServe, stopServe, track } from '../server/children.js';
import type { LoadFailure, MixedLoadRequest, MixedLoadResult } from '../server/messages.js';
import { preconnect, runStreamWave } from '../server/streams.js';
import { heapGrowth } from './heap-diff.js';
import { soakMix } from './mix.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dir = `${root}bench/.cache/leak-hunt/`;
const rounds = Number(process.env.ROUNDS ?? 3);
const requests = Number(process.env.REQUESTS ?? 2000);
const streams = Number(process.env.STREAMS ?? 500);
const every = Math.round(1 / Number(process.env.CANCEL ?? 0.2));
const log = (line: string) => process.stderr.write(`${line}\n`);
const mib = (n: number) => `${(n / 2 ** 20).toFixed(2)} MiB`;
guardChildren('leak-hunt', 30);

const loader = track(fork(`${root}bench/server/load-child.ts`, [], { cwd: root, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
function mixed(url: string, amount: number): Promise<MixedLoadResult> {
  const request: MixedLoadRequest = { type: 'mixed', url, connections: 100, amount, requests: soakMix() };
  return new Promise((resolve, reject) => {
    loader.once('message', (m: MixedLoadResult | LoadFailure) => (m.type === 'mixed-result' ? resolve(m) : reject(new Error(m.message))));
    loader.send(request);
  });
}

const snapshot = (child: ChildProcess, name: string) => heapSnapshot(child, `${dir}${name}.heapsnapshot`);

async function wave(url: string): Promise<void> {
  const { sockets } = await preconnect(url, streams);
  const body = JSON.stringify({ model: 'Meta-Llama-3.3-70B-Instruct', messages: [{ role: 'user', content: 'Tell me about telescopes.' }], max_tokens: 40, stream: true, stream_options: { include_usage: true } });
  await runStreamWave({ url: `${url}/cloud/v1/chat/completions`, streams, body, timeoutMs: 120_000, sockets, cancelAfter: (i) => (i % every === every - 1 ? 20 : undefined) });
  await new Promise((r) => setTimeout(r, 500));
}

rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const serve = await spawnServe({ nodeArgs: memoryProbeArgs, ipc: true });
try {
  await mixed(serve.url, 50 * soakMix().length);
  await wave(serve.url);
  const heap = async (label: string) => log(`${label}: heap after GC ${mib((await askMemory(serve.child, true)).heapUsed)}`);
  await heap('warm');
  for (const [phase, step] of [
    ['requests', () => mixed(serve.url, requests)],
    ['streams', () => wave(serve.url)],
  ] as const) {
    await askMemory(serve.child, true);
    const before = await snapshot(serve.child, `${phase}-before`);
    for (let i = 1; i <= rounds; i++) {
      await step();
      await heap(`${phase} round ${i}`);
    }
    await askMemory(serve.child, true);
    const after = await snapshot(serve.child, `${phase}-after`);
    log(`${phase}: what grew (type:name, count, bytes):`);
    for (const g of heapGrowth(before, after)) log(`  ${g.key}  ${g.count > 0 ? '+' : ''}${g.count}  ${g.bytes > 0 ? '+' : ''}${g.bytes}`);
  }
} finally {
  loader.disconnect();
  await stopServe(serve.child);
}
