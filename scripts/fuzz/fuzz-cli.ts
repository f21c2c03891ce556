/**
 * `sambakit validate` on malformed files (the fuzz cases' bodies, truncated, binary, invalid UTF-8,
 * deeply nested, huge): the real process must exit 0 or 1 (as documented), print a line naming every
 * file, and never show a stack trace or an "unexpected error". Files are gathered per operation into
 * a directory and checked by one process per directory (the CLI's directory mode), so every case's
 * body goes through the CLI at the cost of a few process starts per API.
 * @module
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ApiName } from '../../src/contract/apis.js';
import { fuzzCase, type FuzzCase } from './cases.js';

export interface CliOutcome {
  files: number;
  /** The highest exit code seen. */
  exitCode: number | null;
  failures: string[];
}

const cli = fileURLToPath(new URL('../../src/cli/index.ts', import.meta.url));
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** A directory is checked once it holds this many files or bytes: checked while the HTTP cases run, a process start per 500 files, bounded disk use. */
const batchFiles = 500;
const batchBytes = 64 * 1024 * 1024;
/** Directories written and not yet checked before add() waits for the CLI. */
const maxQueued = 2;

function run(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', tsx, cli, ...args], { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => chunks.push(d));
    child.stderr.on('data', (d: Buffer) => chunks.push(d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output: Buffer.concat(chunks).toString('utf8') }));
  });
}

/** Files that only a file can be: empty, binary, nesting no JSON parser takes, a lone byte-order mark. */
const oddFiles: Array<[string, Uint8Array | string]> = [
  ['empty.json', ''],
  ['binary.json', new Uint8Array([0, 159, 146, 150, 255, 254, 0, 1])],
  ['deep.json', `${'['.repeat(200_000)}${']'.repeat(200_000)}`],
  ['bom-only.json', '\ufeff'],
];

interface Batch {
  dir: string;
  files: string[];
  bytes: number;
}

/** One API's cases as files, checked by `sambakit validate` a directory at a time. */
export class CliBatches {
  private readonly root = mkdtempSync(join(tmpdir(), 'sambakit-fuzz-cli-'));
  private readonly open = new Map<string, Batch>();
  private readonly outcome: CliOutcome = { files: 0, exitCode: 0, failures: [] };
  private checking: Promise<void> = Promise.resolve();
  private queued = 0;
  private made = 0;

  constructor(private readonly api: ApiName) {}

  /** Writes a JSON case's body as a file (multipart and bodiless cases are not files the CLI reads). */
  async add(one: FuzzCase, index: number): Promise<void> {
    if (one.bodyBase64 === undefined || one.headers['content-type']?.startsWith('multipart/')) return;
    const body = Buffer.from(one.bodyBase64, 'base64');
    const batch = this.batchOf(one.operationId);
    const file = join(batch.dir, `${index}.json`);
    writeFileSync(file, body);
    batch.files.push(file);
    batch.bytes += body.length;
    if (batch.files.length >= batchFiles || batch.bytes >= batchBytes) await this.check(one.operationId);
  }

  /** Adds the odd files, checks what is left, removes the files. */
  async finish(): Promise<CliOutcome> {
    try {
      const [first] = this.open.keys();
      if (first) {
        const batch = this.batchOf(first);
        for (const [name, content] of oddFiles) {
          const file = join(batch.dir, name);
          writeFileSync(file, content);
          batch.files.push(file);
        }
      }
      for (const operationId of [...this.open.keys()]) void this.check(operationId);
      await this.checking;
      return this.outcome;
    } finally {
      rmSync(this.root, { recursive: true, force: true });
    }
  }

  private batchOf(operationId: string): Batch {
    let batch = this.open.get(operationId);
    if (!batch) {
      batch = { dir: join(this.root, `${operationId}-${this.made++}`), files: [], bytes: 0 };
      mkdirSync(batch.dir);
      this.open.set(operationId, batch);
    }
    return batch;
  }

  /** Queues the operation's directory for the CLI (one process at a time); waits while too many are queued. */
  private async check(operationId: string): Promise<void> {
    const batch = this.open.get(operationId)!;
    this.open.delete(operationId);
    this.queued++;
    this.checking = this.checking.then(async () => {
      await this.runBatch(operationId, batch);
      rmSync(batch.dir, { recursive: true, force: true });
      this.queued--;
    });
    if (this.queued > maxQueued) await this.checking;
  }

  private async runBatch(operationId: string, batch: Batch): Promise<void> {
    const { code, output } = await run(['validate', '--api', this.api, '--op', operationId, batch.dir]).catch((error: Error) => ({ code: null, output: `could not start: ${error.message}` }));
    const failures = this.outcome.failures;
    this.outcome.files += batch.files.length;
    this.outcome.exitCode = Math.max(this.outcome.exitCode ?? 0, code ?? 99);
    if (code !== 0 && code !== 1) failures.push(`${operationId}: exit code ${code} (documented: 0 all valid, 1 any invalid): ${output.slice(0, 400)}`);
    if (/\n\s+at |unexpected error/.test(output)) failures.push(`${operationId}: a stack trace or unexpected error: ${output.slice(0, 400)}`);
    // Every line starts with the file it is about ("<file>: ..."); the paths hold no ": ".
    const named = new Set(output.split('\n').map((line) => line.slice(0, line.indexOf(': '))));
    for (const file of batch.files) if (!named.has(file)) failures.push(`${operationId}: no line names ${file}`);
  }
}

/** Cases 0 to `cases` - 1 of a seed (JSON bodies only) through the CLI alone. */
export async function fuzzCli(api: ApiName, seed: number, cases: number): Promise<CliOutcome> {
  const batches = new CliBatches(api);
  for (let index = 0; index < cases; index++) await batches.add(fuzzCase(api, seed, index), index);
  return batches.finish();
}
