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
 * `tsx bench/soak/setup-alloc.ts` after `npm run build`. Knobs: STREAMS (1000), ROUNDS (3), BASE, TOP (25), WINDOW (`tokens`: bytes per content token
 * written, over 1.5 s of 1,000 streams at 20 tokens/s in full flow, the client's reading included), BY (`caller`: builtins and Node's code charged to the
 * nearest sambakit function that called them).
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

/** `WINDOW=tokens`: bytes per content token written, over `TOKEN_WINDOW_MS` of streams in full flow, instead of the set-up's. */
const tokensWindow = process.env.WINDOW === 'tokens';
const TOKEN_WINDOW_MS = 1500;
const CONTENT = Buffer.from('"content":"');

async function measureIn(root: string): Promise<Allocation> {
  const { startServer } = (await import(pathToFileURL(`${root}/dist/server/index.js`).href)) as typeof import('../../src/server/index.js');
  const { pendingStepTimers } = (await import(pathToFileURL(`${root}/dist/server/pacing/wait-until.js`).href)) as typeof import('../../src/server/pacing/wait-until.js');
  let lines = 0;
  const server = await startServer({ ttftMs: tokensWindow ? 200 : 30_000, tokensPerSecond: 20, log: () => void lines++ });
  // Long enough answers (100 tokens: 5 s) that every stream flows all through the window.
  const body = streamedChatBody(tokensWindow ? 100 : 40);
  const request = `POST /cloud/v1/chat/completions HTTP/1.1\r\nhost: x\r\nauthorization: Bearer x\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
  const session = new Session();
  session.connect();
  let tokens = 0;
  /** Content tokens received (an SSE chunk of `""` content, the last one, does not count), read without making strings. */
  const countTokens = (data: Buffer) => {
    for (let at = data.indexOf(CONTENT); at !== -1; at = data.indexOf(CONTENT, at + CONTENT.length)) if (data[at + CONTENT.length] !== 0x22) tokens++;
  };
  const wave = async (profiled: boolean): Promise<{ head: ProfileNode; per: number } | undefined> => {
    const { sockets } = await preconnect(server.url, streams);
    if (tokensWindow) for (const socket of sockets) socket.on('data', countTokens);
    await sleep(300);
    const startSampling = () => session.post('HeapProfiler.startSampling', { samplingInterval: 128, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
    if (profiled && !tokensWindow) await startSampling();
    const waiting = pendingStepTimers();
    for (const socket of sockets) socket.write(request);
    const started = performance.now();
    while (!tokensWindow && pendingStepTimers() - waiting < streams) {
      if (performance.now() - started > 25_000) throw new Error(`${streams - (pendingStepTimers() - waiting)} streams not set up after 25 s`);
      await sleep(50);
    }
    let per = streams;
    if (tokensWindow) {
      // Every stream set up and past its first token (with time to spare on a loaded machine), then a window of full flow.
      await sleep(1500);
      if (profiled) await startSampling();
      const before = tokens;
      await sleep(TOKEN_WINDOW_MS);
      per = tokens - before;
    }
    const profile = profiled ? ((await session.post('HeapProfiler.stopSampling')) as { profile: { head: ProfileNode } }).profile.head : undefined;
    for (const socket of sockets) socket.destroy();
    await sleep(500);
    return profile && { head: profile, per };
  };
  // The first wave unmeasured: code compiled, Node's parsers pooled.
  await wave(false);
  const { head, per } = (await wave(true))!;
  const bytes: Allocation = { total: 0 };
  // By the function itself, or (BY=caller) by the nearest sambakit function on its stack: what a
  // builtin (`push`, `join`) or Node's own code allocated is then charged to the code that called it.
  const byCaller = process.env.BY === 'caller';
  const walk = (node: ProfileNode, caller: string) => {
    const { functionName, url, lineNumber } = node.callFrame;
    const own = `${functionName || '(anonymous)'} ${url.split('/').slice(-2).join('/')}:${lineNumber + 1}`;
    const ours = url.includes('/dist/');
    const key = byCaller ? (ours ? own : caller) : own;
    bytes[key] = (bytes[key] ?? 0) + node.selfSize / per;
    bytes.total! += node.selfSize / per;
    for (const child of node.children) walk(child, ours ? own : caller);
  };
  walk(head, '(no sambakit caller)');
  await server.close();
  return bytes;
}

const unit = tokensWindow ? "content token written in full flow (the client's reading in the same process included)" : 'request before its first token';

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
      process.stderr.write(`  round ${round + 1} ${name}: ${allocation.total!.toFixed(0)} B per ${unit}\n`);
    }
  }
  for (const [name, list] of Object.entries(results)) {
    process.stdout.write(`${name} (${trees[name]}): ${median(list.map((a) => a.total!)).toFixed(0)} B allocated per ${unit} (median of ${rounds}: ${list.map((a) => a.total!.toFixed(0)).join(', ')})\n`);
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
