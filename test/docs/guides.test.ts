/**
 * The guides cannot drift from the code: every ```ts block of docs/*.md is compiled by tsc against
 * the project (the package's own exports mapped to the sources) and run against a real reference
 * server, every ```sh block that calls curl is run against it, with the guides' host replaced by the
 * test server's. A block preceded by `<!-- sample: not-run -->` is compiled but not run.
 * @module
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { faults } from '../../src/server/faults.js';
import { operationTable } from '../../src/server/operations/index.js';
import { wav } from '../helpers/audio.js';
import { useServer } from '../helpers/server.js';
import { repoRoot } from '../helpers/spec.js';

const run = promisify(execFile);
const guidesHost = 'http://127.0.0.1:8080';
const notRun = '<!-- sample: not-run -->';

interface Sample {
  guide: string;
  index: number;
  lang: 'ts' | 'sh';
  code: string;
  runnable: boolean;
}

function samples(): Sample[] {
  const out: Sample[] = [];
  for (const name of readdirSync(join(repoRoot, 'docs')).filter((n) => n.endsWith('.md')).sort()) {
    const text = readFileSync(join(repoRoot, 'docs', name), 'utf8');
    for (const m of text.matchAll(/^( *)```(ts|typescript|sh|bash)\n([\s\S]*?)\n\1```$/gm)) {
      const indent = m[1]!;
      const before = text.slice(0, m.index).trimEnd();
      const code = m[3]!.split('\n').map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line)).join('\n');
      const lang = m[2] === 'ts' || m[2] === 'typescript' ? 'ts' : 'sh';
      out.push({ guide: name, index: out.filter((s) => s.guide === name).length + 1, lang, code, runnable: !before.endsWith(notRun) });
    }
  }
  return out;
}

const all = samples();
const ts = all.filter((s) => s.lang === 'ts');
const curl = all.filter((s) => s.lang === 'sh' && /\bcurl\b/.test(s.code));
const fileOf = (s: Sample) => `${s.guide.replace(/\.md$/, '')}-${s.index}.ts`;

/** The package's exports (`sambakit/server`...) as tsc and tsx path mappings onto the sources. */
function exportPaths(): Record<string, string[]> {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { name: string; exports: Record<string, string | { types?: string }> };
  const paths: Record<string, string[]> = {};
  for (const [key, target] of Object.entries(pkg.exports)) {
    const types = typeof target === 'string' ? undefined : target.types;
    if (!types) continue;
    const source = types.startsWith('./dist/') ? types.replace(/^\.\/dist\//, './src/').replace(/\.d\.ts$/, '.ts') : types;
    paths[`${pkg.name}${key.slice(1)}`] = [join(repoRoot, source)];
  }
  return paths;
}

describe('code samples of the guides', () => {
  const server = useServer();
  // Inside the repository, so that samples import the project's packages as a user's code would.
  const dir = join(repoRoot, 'test-results', 'doc-samples');
  const tsconfig = join(dir, 'tsconfig.json');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const cwd = mkdtempSync(join(tmpdir(), 'sambakit-samples-'));
  writeFileSync(join(cwd, 'sample.wav'), wav(16_000, 1));
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it('has samples of both kinds in the guides', () => {
    expect(ts.length).toBeGreaterThanOrEqual(3);
    expect(curl.length).toBeGreaterThanOrEqual(5);
  });

  it('compiles every TypeScript sample with tsc against the project', async () => {
    for (const sample of ts) writeFileSync(join(dir, fileOf(sample)), /^\s*(?:import|export)\s/m.test(sample.code) ? sample.code : `${sample.code}\nexport {};\n`);
    writeFileSync(
      tsconfig,
      JSON.stringify({ extends: '../../tsconfig.json', compilerOptions: { noEmit: true, rootDir: '../..', paths: exportPaths() }, include: ['*.ts', '../../generated/**/*.d.ts'] }),
    );
    const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = await run(process.execPath, [tsc, '-p', tsconfig], { cwd: repoRoot }).then(() => '', (error: { stdout?: string }) => error.stdout ?? String(error));
    expect(result).toBe('');
  }, 180_000);

  it.each(ts.filter((s) => s.runnable).map((s) => [`${s.guide} #${s.index}`, s] as const))('runs TypeScript sample %s against the server', async (_name, sample) => {
    const file = join(dir, `run-${fileOf(sample)}`);
    writeFileSync(file, sample.code.replaceAll(guidesHost, server.url));
    const tsx = join(repoRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs');
    const { stdout } = await run(process.execPath, [tsx, '--tsconfig', tsconfig, file], { cwd: repoRoot });
    expect(stdout.length).toBeGreaterThan(0);
  }, 120_000);

  it.each(curl.filter((s) => s.runnable).map((s) => [`${s.guide} #${s.index}`, s] as const))('runs curl sample %s against the server', async (_name, sample) => {
    const before = server.lines.length;
    const calls = sample.code.match(/\bcurl\b/g)!.length;
    const { stdout } = await run('bash', ['-eo', 'pipefail', '-c', sample.code.replaceAll(guidesHost, server.url)], { cwd });
    expect(stdout.length).toBeGreaterThan(0);
    await vi.waitFor(() => expect(server.lines.length - before).toBeGreaterThanOrEqual(calls));
    const statuses = server.lines.slice(before).map((line) => Number(line.split(' ')[2]));
    // A failing status is what a sample asks for only when it injects a fault.
    if (!sample.code.includes('x-sambakit-fault')) for (const status of statuses) expect(status, server.lines.slice(before).join('\n')).toBeLessThan(400);
  });
});

describe('the reference server guide', () => {
  const guide = readFileSync(join(repoRoot, 'docs', 'reference-server.md'), 'utf8');

  it('documents every fault and every variant', () => {
    for (const name of Object.keys(faults)) expect(guide, name).toContain(`| \`${name}\` |`);
    for (const ops of Object.values(operationTable)) {
      for (const op of Object.values(ops)) for (const name of Object.keys(op.variants ?? {})) expect(guide, name).toContain(`| \`${name}\` |`);
    }
  });
});
