/**
 * The garbage collection of the reference server while it answers a stretch of fuzz cases, as the
 * fuzz sends them (a few in flight, kept connections), each tree's server a fresh process under
 * `node --trace-gc-nvp`, trees taking turns per round: V8's own account of every pause (mark-compact
 * and scavenge: its length, and for a mark-compact the marking left to the pause), the server's
 * largest blocks as the fuzz judges them (the loop thread's run time in one stall) with the GC
 * pauses within each, and the heap still held after the stretch (after a full GC). A before and after in one run: `--tree` a checkout of
 * the old code beside this one (with its own node_modules).
 *
 *   npx tsx bench/proxy/fuzz-gc.ts [--tree DIR]... [--api sambastudio] [--seed S] [--from N] [--to N] [--rounds N]
 * @module
 */
import { fork } from 'node:child_process';
import { Agent } from 'node:http';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { apis, type ApiName } from '../../src/contract/apis.js';
import { fuzzCase } from '../../scripts/fuzz/cases.js';
import type { LoopStall } from '../../scripts/fuzz/loop-watch.js';
import { blockMs } from '../../scripts/fuzz/run-fuzz.js';
import { sendCase } from '../../scripts/fuzz/send-case.js';
import { benchProgress } from '../progress.js';

const { values } = parseArgs({
  options: {
    tree: { type: 'string', multiple: true },
    api: { type: 'string', default: 'sambastudio' },
    seed: { type: 'string', default: '20261206' },
    from: { type: 'string', default: '0' },
    to: { type: 'string', default: '10000' },
    rounds: { type: 'string', default: '1' },
  },
});
const here = fileURLToPath(new URL('../..', import.meta.url));
const trees = (values.tree ?? [here]).map((tree) => resolve(tree));
const api = values.api as ApiName;
const [seed, from, to, rounds] = [values.seed, values.from, values.to, values.rounds].map(Number) as [number, number, number, number];
const child = fileURLToPath(new URL('./fuzz-gc-child.ts', import.meta.url));
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const progress = benchProgress('fuzz-gc');

interface Pause {
  kind: 'mark-compact' | 'scavenge';
  ms: number;
  /** Of a mark-compact: marking done in the pause (what concurrent and incremental marking left). */
  markMs: number;
}
interface Round {
  pauses: Pause[];
  stalls: LoopStall[];
  heapMB: number;
  wallS: number;
}

/** V8's `--trace-gc-nvp` line: `name=value` pairs. */
function pauseOf(line: string): Pause | undefined {
  const fields = new Map(line.split(/\s+/).map((pair) => pair.split('=') as [string, string]));
  const gc = fields.get('gc');
  if (gc !== 'mc' && gc !== 's') return undefined;
  return { kind: gc === 'mc' ? 'mark-compact' : 'scavenge', ms: Number(fields.get('pause')), markMs: Number(fields.get('mark') ?? 0) };
}

async function oneRound(tree: string): Promise<Round> {
  const server = fork(child, [tree, here], { cwd: tree, execArgv: ['--import', tsx, '--expose-gc', '--trace-gc-nvp'], stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  const pauses: Pause[] = [];
  let rest = '';
  server.stdout!.setEncoding('utf8').on('data', (text: string) => {
    const lines = (rest + text).split('\n');
    rest = lines.pop()!;
    for (const line of lines) {
      const pause = pauseOf(line);
      if (pause) pauses.push(pause);
    }
  });
  const next = <T>(type: string) => new Promise<T>((done) => server.on('message', (m: { type: string }) => m.type === type && done(m as T)));
  const { url } = await next<{ url: string }>('ready');
  const started = performance.now();
  pauses.length = 0;
  const agent = new Agent({ keepAlive: true });
  let index = from;
  await Promise.all(Array.from({ length: 4 }, async () => {
    while (index < to) await sendCase(url + apis[api].mount, fuzzCase(api, seed, index++), agent);
  }));
  agent.destroy();
  const wallS = (performance.now() - started) / 1000;
  // Stalls are reported 100 ms after they end.
  await new Promise((done) => setTimeout(done, 300));
  const run = [...pauses];
  const reported = next<{ stalls: LoopStall[]; heapMB: number }>('report');
  server.send({ type: 'report' });
  const { stalls, heapMB } = await reported;
  server.disconnect();
  return { pauses: run, stalls: stalls.sort((a, b) => blockMs(b) - blockMs(a)), heapMB, wallS };
}

const results = new Map<string, Round[]>(trees.map((tree) => [tree, []]));
for (let round = 0; round < rounds; round++) {
  for (const tree of round % 2 ? [...trees].reverse() : trees) {
    progress.round(tree, round + 1, rounds);
    results.get(tree)!.push(await oneRound(tree));
  }
}

const top = (values: number[], n: number) => values.sort((a, b) => b - a).slice(0, n).map((v) => v.toFixed(0)).join(', ');
/** A stall as `block (wall; GC in it by kind)`: how much of the loop thread's run was collection. */
const stallText = (stall: LoopStall) => `${blockMs(stall)} (${stall.stallMs}; ${Object.entries(stall.gcMs).map(([kind, ms]) => `${kind} ${ms}`).join(', ') || 'no GC'})`;
console.log(`${api} cases ${from}-${to - 1} of seed ${seed}, 4 in flight, to each tree's server (fresh per round): V8's pauses (ms, wall) and the fuzz's largest block`);
console.log('| tree | round | wall s | mark-compacts | mark-compact pauses, largest | marking in the pause, largest | scavenges | scavenges, largest | all pauses, sum | largest blocks: ms (stall ms; GC pauses in it, ms) | heap held after (MB) |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|');
for (const [tree, rows] of results) {
  rows.forEach((row, i) => {
    const mc = row.pauses.filter((p) => p.kind === 'mark-compact');
    const sc = row.pauses.filter((p) => p.kind === 'scavenge');
    const sum = row.pauses.reduce((total, p) => total + p.ms, 0);
    console.log(`| ${tree} | ${i + 1} | ${row.wallS.toFixed(0)} | ${mc.length} | ${top(mc.map((p) => p.ms), 3)} | ${top(mc.map((p) => p.markMs), 3)} | ${sc.length} | ${top(sc.map((p) => p.ms), 3)} | ${sum.toFixed(0)} | ${row.stalls.slice(0, 3).map(stallText).join('; ')} | ${row.heapMB} |`);
  });
}
