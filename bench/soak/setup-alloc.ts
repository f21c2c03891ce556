/**
 * Bytes allocated per streamed request before its first token, by the function that allocated them:
 * the garbage a burst's set-up makes is what sets the number of scavenges in the burst, and every
 * scavenge copies every request then in flight (bench/RESULTS.md, "Scale: what a streamed request's
 * set-up costs"). Unlike CPU time on a loaded machine, this count does not move with the load.
 *
 * A child process per round runs the built server (`dist/`, as `sambakit serve` runs it: TTFT 30 s,
 * 20 tokens/s, a request log) in its own process with V8's sampling heap profiler, opens STREAMS
 * connections, writes the scale bench's streamed chat request on each in one loop and stops the
 * profiler once every stream waits for its first token (each stream's step timer is counted by
 * `pendingStepTimers`), long before that token (objects collected meanwhile are counted too). With
 * BASE (another checkout, built), the rounds alternate between the two trees.
 *
 * `tsx bench/soak/setup-alloc.ts` after `npm run build`. Knobs: STREAMS (1000), ROUNDS (3), BASE, TOP (25).
 * @module
 */
import { execFileSync } from 'node:child_process';
import { Session } from 'node:inspector/promises';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { median } from '../server/stats.js';
import { preconnect, streamedChatBody } from '../server/streams.js';

const streams = Number(process.env.STREAMS ?? 1000);
const rounds = Number(process.env.ROUNDS ?? 3);
const top = Number(process.env.TOP ?? 25);
const here = resolve(fileURLToPath(new URL('../..', import.meta.url)));

interface ProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: ProfileNode[];
}

/** Bytes per request by function (name, file, line), and their total. */
type Allocation = Record<string, number>;

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

async function measureIn(root: string): Promise<Allocation> {
  const { startServer } = (await import(pathToFileURL(`${root}/dist/server/index.js`).href)) as typeof import('../../src/server/index.js');
  const { pendingStepTimers } = (await import(pathToFileURL(`${root}/dist/server/pacing/wait-until.js`).href)) as typeof import('../../src/server/pacing/wait-until.js');
  let lines = 0;
  const server = await startServer({ ttftMs: 30_000, tokensPerSecond: 20, log: () => void lines++ });
  const body = streamedChatBody(40);
  const request = `POST /cloud/v1/chat/completions HTTP/1.1\r\nhost: x\r\nauthorization: Bearer x\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
  const session = new Session();
  session.connect();
  const wave = async (profiled: boolean): Promise<ProfileNode | undefined> => {
    const { sockets } = await preconnect(server.url, streams);
    await sleep(300);
    if (profiled) await session.post('HeapProfiler.startSampling', { samplingInterval: 128, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
    const waiting = pendingStepTimers();
    for (const socket of sockets) socket.write(request);
    const started = performance.now();
    while (pendingStepTimers() - waiting < streams) {
      if (performance.now() - started > 25_000) throw new Error(`${streams - (pendingStepTimers() - waiting)} streams not set up after 25 s`);
      await sleep(50);
    }
    const profile = profiled ? ((await session.post('HeapProfiler.stopSampling')) as { profile: { head: ProfileNode } }).profile.head : undefined;
    for (const socket of sockets) socket.destroy();
    await sleep(500);
    return profile;
  };
  // The first wave unmeasured: code compiled, Node's parsers pooled.
  await wave(false);
  const head = (await wave(true))!;
  const bytes: Allocation = { total: 0 };
  const walk = (node: ProfileNode) => {
    const { functionName, url, lineNumber } = node.callFrame;
    const key = `${functionName || '(anonymous)'} ${url.split('/').slice(-2).join('/')}:${lineNumber + 1}`;
    bytes[key] = (bytes[key] ?? 0) + node.selfSize / streams;
    bytes.total! += node.selfSize / streams;
    for (const child of node.children) walk(child);
  };
  walk(head);
  await server.close();
  return bytes;
}

async function main(): Promise<void> {
  const trees: Record<string, string> = { current: here, ...(process.env.BASE ? { base: resolve(process.env.BASE) } : {}) };
  const results: Record<string, Allocation[]> = Object.fromEntries(Object.keys(trees).map((name) => [name, []]));
  process.stderr.write(`setup-alloc: ${streams} streams × ${rounds} rounds; ${execFileSync('uptime', { encoding: 'utf8' }).trim()}\n`);
  for (let round = 0; round < rounds; round++) {
    const names = round % 2 ? Object.keys(trees).reverse() : Object.keys(trees);
    for (const name of names) {
      const out = execFileSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], { env: { ...process.env, SETUP_ALLOC_ROOT: trees[name] }, encoding: 'utf8', maxBuffer: 64 << 20 });
      const allocation = JSON.parse(out) as Allocation;
      results[name]!.push(allocation);
      process.stderr.write(`  round ${round + 1} ${name}: ${allocation.total!.toFixed(0)} B per request\n`);
    }
  }
  for (const [name, list] of Object.entries(results)) {
    process.stdout.write(`${name} (${trees[name]}): ${median(list.map((a) => a.total!)).toFixed(0)} B allocated per request before its first token (median of ${rounds}: ${list.map((a) => a.total!.toFixed(0)).join(', ')})\n`);
    const keys = new Set(list.flatMap((a) => Object.keys(a)));
    keys.delete('total');
    const byFunction = [...keys].map((key) => [key, median(list.map((a) => a[key] ?? 0))] as const).sort((a, b) => b[1] - a[1]);
    for (const [key, bytes] of byFunction.slice(0, top)) process.stdout.write(`  ${bytes.toFixed(0).padStart(6)} B  ${key}\n`);
  }
}

if (process.env.SETUP_ALLOC_ROOT) {
  const allocation = await measureIn(process.env.SETUP_ALLOC_ROOT);
  process.stdout.write(JSON.stringify(allocation));
  process.exit(0);
} else {
  await main();
}
