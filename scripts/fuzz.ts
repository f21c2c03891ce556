/**
 * `npm run fuzz`: generated and mutated requests against the reference server and the proxy
 * (10,000 cases per API by default; each case to the server and through the plain or the strict
 * proxy in turn), the validators and the CLI (every case). Exit 0 when every outcome holds, 1 when any fails, 2 for a usage error. Failing cases are
 * saved to test/fuzz/regressions/.
 * @module
 */
import { parseArgs } from 'node:util';
import { apiNames, isApiName, type ApiName } from '../src/contract/apis.js';
import { progressReporter } from './fuzz/progress.js';
import { failedOutcomes, maxBlockMs, runFuzz } from './fuzz/run-fuzz.js';
import { formatSummary, fuzzReport } from './fuzz/summary.js';

const usage = `usage: npm run fuzz -- [--cases N] [--seed S] [--api ${apiNames.join('|')}]... [--concurrency N] [--no-proxy] [--no-save] [--format text|json] [--cpu-prof DIR]
  --cases N        cases per API (default 10000); each goes to the server, through a proxy (plain for
                   odd cases, strict for even), through sambakit/validate and (JSON bodies, as files)
                   sambakit validate
  --seed S         the seed (default: a new one, printed); the same seed gives the same cases
  --api A          only this API (repeatable; default all three)
  --concurrency N  cases in flight at once, one request each (default 4)
  --no-proxy       the server only
  --no-save        do not write failing cases to test/fuzz/regressions/
  --format json    the summary as one JSON document on stdout
  --cpu-prof DIR   profile the server and the proxies (node --cpu-prof): DIR/server/, DIR/proxy/,
                   DIR/strict-proxy/ get a .cpuprofile each when the run ends
  exit 0 all outcomes hold (no 5xx, crash, hang or unclear 4xx; the loop never blocked over ${maxBlockMs} ms), 1 any failed, 2 usage error`;

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        cases: { type: 'string', default: '10000' },
        seed: { type: 'string' },
        api: { type: 'string', multiple: true },
        concurrency: { type: 'string', default: '4' },
        'no-proxy': { type: 'boolean', default: false },
        'no-save': { type: 'boolean', default: false },
        format: { type: 'string', default: 'text' },
        'cpu-prof': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }));
  } catch (error) {
    process.stderr.write(`fuzz: ${(error as Error).message}\n${usage}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  const wholeNumber = (flag: string, raw: string, min: number) => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min) throw new RangeError(`--${flag} expects a whole number >= ${min}, got "${raw}"`);
    return n;
  };
  let cases: number, seed: number, concurrency: number;
  const chosen = values.api ?? [...apiNames];
  try {
    cases = wholeNumber('cases', values.cases, 1);
    seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : wholeNumber('seed', values.seed, 0);
    concurrency = wholeNumber('concurrency', values.concurrency, 1);
    const unknown = chosen.find((a) => !isApiName(a));
    if (unknown) throw new RangeError(`--api expects one of ${apiNames.join(', ')}, got "${unknown}"`);
    if (values.format !== 'text' && values.format !== 'json') throw new RangeError(`--format expects text or json, got "${values.format}"`);
  } catch (error) {
    process.stderr.write(`fuzz: ${(error as Error).message}\n${usage}\n`);
    return 2;
  }
  const progress = progressReporter(process.stderr, `fuzz seed ${seed}`);
  const summary = await runFuzz({ apis: chosen as ApiName[], cases, seed, concurrency, proxy: !values['no-proxy'], validators: true, cli: true, save: !values['no-save'], cpuProfDir: values['cpu-prof'], onProgress: progress.update });
  progress.end();
  const failed = failedOutcomes(summary, { timing: true });
  process.stdout.write(values.format === 'json' ? `${JSON.stringify(fuzzReport(summary, failed), null, 2)}\n` : formatSummary(summary, failed));
  return failed.length ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // A bug in the fuzzer itself: one line saying so, never a silent exit.
    process.stderr.write(`fuzz: unexpected error (likely a bug in the fuzzer): ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
