/**
 * `npm run bench:generate`: wall time of `npm run generate` (all three APIs) and of `--check`,
 * as a user runs them (a fresh process each time), side by side in one run with a baseline that
 * does a strict subset of the work: the openapi-typescript CLI on the three bundled documents.
 * Rounds alternate the order; medians are printed as a Markdown row for bench/RESULTS.md.
 * @module
 */
import { spawnSync } from 'node:child_process';
import { cpus, loadavg, tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { benchProgress } from './progress.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const tsx = `${root}node_modules/tsx/dist/cli.mjs`;
const rounds = Number(process.env.ROUNDS ?? 5);

const typesCli = `${root}node_modules/openapi-typescript/bin/cli.js`;
const subjects: Record<string, string[]> = {
  generate: [tsx, 'scripts/generate.ts'],
  check: [tsx, 'scripts/generate.ts', '--check'],
};

function time(args: string[], cwd = root): number {
  const started = performance.now();
  const result = spawnSync(process.execPath, args, { cwd, stdio: 'pipe' });
  if (result.status !== 0) throw new Error(`${args.join(' ')} failed: ${result.stderr}`);
  return performance.now() - started;
}

function baseline(): number {
  // The types step alone, for each API, in one process per API as its CLI runs.
  return ['sambastudio', 'sambanova-cloud', 'lmi']
    // Run outside the checkout: the CLI would otherwise read our redocly.yaml as its own config.
    .map((api) => time([typesCli, `${root}generated/${api}/openapi.json`, '-o', `${tmpdir()}/sambakit-bench-${api}.d.ts`], tmpdir()))
    .reduce((a, b) => a + b, 0);
}

const samples: Record<string, number[]> = { generate: [], check: [], 'openapi-typescript x3 (baseline)': [] };
const progress = benchProgress('generate');
for (let round = 0; round < rounds; round++) {
  progress.round('generating with sambakit and openapi-typescript', round + 1, rounds);
  const order = Object.keys(samples);
  if (round % 2 === 1) order.reverse();
  for (const name of order) samples[name]!.push(name.startsWith('openapi-typescript') ? baseline() : time(subjects[name]!));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const base = median(samples['openapi-typescript x3 (baseline)']!);
console.log(`machine: ${cpus().length} x ${cpus()[0]?.model}, node ${process.version}, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log('| command | median s | min–max s | ÷ baseline | target |');
console.log('|---|---:|---:|---:|---:|');
for (const [name, xs] of Object.entries(samples)) {
  const target = name === 'generate' ? '≤ 15 s' : name === 'check' ? '≤ 5 s' : '';
  console.log(`| ${name} | ${(median(xs) / 1000).toFixed(2)} | ${(Math.min(...xs) / 1000).toFixed(2)}–${(Math.max(...xs) / 1000).toFixed(2)} | ${(median(xs) / base).toFixed(2)} | ${target} |`);
}
