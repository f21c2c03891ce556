/**
 * Fuzz cases replayed one at a time, each tree's processes under fuzz (server, proxy, strict proxy)
 * started afresh per round, trees taking turns: the largest block (the loop thread's run time in a
 * stall, as the fuzz judges it) of the process the cases go through, per case and tree. A before and
 * after in one run: `--tree` a checkout of the old code beside this one.
 *
 *   npx tsx bench/proxy/fuzz-case-blocks.ts [--tree DIR]... [--via strict-proxy|proxy|server] [--rounds N] <api>/<seed>/<index>...
 * @module
 */
import { Agent } from 'node:http';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import type { ApiName } from '../../src/contract/apis.js';
import type { Via } from '../../scripts/fuzz/regressions.js';

const { values, positionals: ids } = parseArgs({ allowPositionals: true, options: { tree: { type: 'string', multiple: true }, via: { type: 'string', default: 'strict-proxy' }, rounds: { type: 'string', default: '2' } } });
const trees = (values.tree ?? [fileURLToPath(new URL('../..', import.meta.url))]).map((tree) => resolve(tree));
const via = values.via as Via;

type Fuzz = Pick<typeof import('../../scripts/fuzz/cases.js'), 'fuzzCase'> & Pick<typeof import('../../scripts/fuzz/target.js'), 'startTarget'> & Pick<typeof import('../../scripts/fuzz/run-fuzz.js'), 'sendTo' | 'blockMs'>;
async function load(tree: string): Promise<Fuzz> {
  const [cases, target, run] = await Promise.all(['cases', 'target', 'run-fuzz'].map((name) => import(`${tree}/scripts/fuzz/${name}.ts`)));
  return { ...cases, ...target, ...run } as Fuzz;
}

const pause = (ms: number) => new Promise((done) => setTimeout(done, ms));
/** Blocks per tree, per case: one per round. */
const blocks = new Map<string, Map<string, number[]>>(trees.map((tree) => [tree, new Map(ids.map((id) => [id, []]))]));
for (let round = 0; round < Number(values.rounds); round++) {
  for (const tree of round % 2 ? [...trees].reverse() : trees) {
    const fuzz = await load(tree);
    const target = await fuzz.startTarget();
    const agent = new Agent({ keepAlive: true });
    try {
      await pause(500);
      await target.loop();
      for (const id of ids) {
        const [api, seed, index] = id.split('/');
        const one = fuzz.fuzzCase(api as ApiName, Number(seed), Number(index));
        await fuzz.sendTo(target, agent, one, via);
        // Stalls are reported 100 ms after they end.
        await pause(300);
        const stalls = (await target.loop()).stalls.filter((stall) => stall.process === via);
        blocks.get(tree)!.get(id)!.push(Math.max(0, ...stalls.map(fuzz.blockMs)));
      }
    } finally {
      agent.destroy();
      await target.close();
    }
  }
}

console.log(`largest block of the ${via} (loop thread ran, ms) per case, each round's processes fresh; ${Number(values.rounds)} rounds`);
console.log(['case', ...trees].join(' | '));
for (const id of ids) console.log([id, ...trees.map((tree) => blocks.get(tree)!.get(id)!.join(', '))].join(' | '));
console.log(['worst', ...trees.map((tree) => Math.max(...[...blocks.get(tree)!.values()].flat()))].join(' | '));
