/**
 * `sambakit validate` on malformed files (the fuzz cases' bodies, truncated, binary, invalid UTF-8,
 * deeply nested, huge): the real process must exit 1 (some file invalid, as documented), print a
 * line naming every file, and never show a stack trace or an "unexpected error".
 * @module
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ApiName } from '../../src/contract/apis.js';
import { fuzzCase } from './cases.js';

export interface CliOutcome {
  files: number;
  exitCode: number | null;
  failures: string[];
}

const cli = fileURLToPath(new URL('../../src/cli/index.ts', import.meta.url));
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

function run(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', tsx, cli, ...args], { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** The malformed files of one API's cases (JSON bodies only), checked in one run against their operation. */
export async function fuzzCli(api: ApiName, seed: number, cases: number): Promise<CliOutcome> {
  const dir = mkdtempSync(join(tmpdir(), 'sambakit-fuzz-cli-'));
  try {
    const byOperation = new Map<string, string[]>();
    const extra: Array<[string, Uint8Array | string]> = [
      ['empty.json', ''],
      ['binary.json', new Uint8Array([0, 159, 146, 150, 255, 254, 0, 1])],
      ['deep.json', `${'['.repeat(200_000)}${']'.repeat(200_000)}`],
      ['bom-only.json', '\ufeff'],
    ];
    for (let index = 0; index < cases; index++) {
      const one = fuzzCase(api, seed, index);
      if (one.bodyBase64 === undefined || one.headers['content-type']?.startsWith('multipart/')) continue;
      const file = join(dir, `${index}.json`);
      writeFileSync(file, Buffer.from(one.bodyBase64, 'base64'));
      byOperation.set(one.operationId, [...(byOperation.get(one.operationId) ?? []), file]);
    }
    const [firstOperation] = byOperation.keys();
    if (firstOperation) {
      for (const [name, content] of extra) {
        const file = join(dir, name);
        writeFileSync(file, content);
        byOperation.get(firstOperation)!.push(file);
      }
    }
    const failures: string[] = [];
    let files = 0;
    let exitCode: number | null = 0;
    for (const [operationId, list] of byOperation) {
      files += list.length;
      const { code, output } = await run(['validate', '--api', api, '--op', operationId, ...list]);
      exitCode = Math.max(exitCode ?? 0, code ?? 99);
      if (code !== 0 && code !== 1) failures.push(`${operationId}: exit code ${code} (documented: 0 all valid, 1 any invalid)`);
      if (/\n\s+at |unexpected error/.test(output)) failures.push(`${operationId}: a stack trace or unexpected error: ${output.slice(0, 400)}`);
      for (const file of list) if (!output.includes(file)) failures.push(`${operationId}: no line names ${file}`);
    }
    return { files, exitCode, failures };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
