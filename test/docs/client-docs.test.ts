/**
 * docs/client.md runs as written: every `ts` block is type-checked against the package's entry
 * points (as `sambakit`, `sambakit/node` and `sambakit/client/validation`), then run against the
 * reference server in place of http://127.0.0.1:8080, and must end without an error.
 */
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, withTsx } from '../helpers/run.js';
import { useServer } from '../helpers/server.js';
import { repoRoot } from '../helpers/spec.js';

const blocks = [...readFileSync(`${repoRoot}docs/client.md`, 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
const entries: Record<string, string> = {
  "'sambakit'": `'${repoRoot}src/client/index.js'`,
  "'sambakit/node'": `'${repoRoot}src/client/node.js'`,
  "'sambakit/client/validation'": `'${repoRoot}src/client/validation.js'`,
};

const server = useServer();
let dir = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sambakit-client-docs-'));
  symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'), 'dir');
  // ES modules, as users write them: top-level await.
  writeFileSync(join(dir, 'package.json'), '{"type": "module"}');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The block as a module of its own, importing the source entry points. */
function write(index: number, block: string, url: string): string {
  let code = block.replaceAll('http://127.0.0.1:8080', url);
  for (const [from, to] of Object.entries(entries)) code = code.replaceAll(`from ${from}`, `from ${to}`);
  const file = join(dir, `example-${index}.ts`);
  writeFileSync(file, `${code}\nexport {};\n`);
  return file;
}

describe('docs/client.md', () => {
  it('has examples for every API', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(8);
    for (const name of ['SambaNovaCloud', 'SambaStudio', 'LMI']) expect(blocks.some((b) => b.includes(`new ${name}(`)), name).toBe(true);
  });

  it('every example type-checks', { timeout: 300_000 }, async () => {
    const files = blocks.map((block, i) => write(i, block, 'http://127.0.0.1:8080'));
    const config = { extends: `${repoRoot}tsconfig.json`, compilerOptions: { noEmit: true, rootDir: '/' }, files, include: [] };
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(config));
    const result = await run(process.execPath, [`${repoRoot}node_modules/typescript/bin/tsc`, '-p', join(dir, 'tsconfig.json')], { cwd: dir, timeoutMs: 280_000 });
    expect(result.stdout + result.stderr).toBe('');
  });

  it.each(blocks.map((block, i) => [i, block] as const))('example %i runs against the reference server', { timeout: 120_000 }, async (i, block) => {
    const file = write(i, block, server.url);
    const result = await run(process.execPath, [...withTsx, file], { cwd: dir, timeoutMs: 100_000 });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });
});
