/**
 * `npm run advisories -- DIR`, the offline check of the production dependencies against a directory of
 * advisories in github/advisory-database's OSV format, run as a process on the hand-written fixture in
 * test/fixtures/advisories/ (a small lockfile and advisories that each test one rule), and on this
 * repository's own lockfile.
 * @module
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run, runTs } from '../helpers/run.js';
import { repoRoot } from '../helpers/spec.js';

const script = join(repoRoot, 'scripts/advisories.ts');
const fixture = join(repoRoot, 'test/fixtures/advisories');
const check = (dir: string, lock = join(fixture, 'lock.json')) => runTs(script, [dir, '--lock', lock]);
/** The finding lines: severity, package@version (path), advisory id. */
const findingsIn = (stdout: string) => stdout.split('\n').flatMap((l) => /^(\S+) (\S+) \((\S+)\): (GHSA-\S+)/.exec(l)?.slice(1, 5).join(' ') ?? []);

const scratch = mkdtempSync(join(tmpdir(), 'sambakit-advisories-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('npm run advisories', () => {
  it('fails on a high advisory against a nested copy and a critical one against an aliased install, and names both', async () => {
    const result = await check(join(fixture, 'db'));
    expect(result.code, result.stderr).toBe(1);
    expect(findingsIn(result.stdout)).toEqual([
      'MODERATE left-pad@1.3.0 node_modules/left-pad GHSA-2222-2222-2222',
      'HIGH left-pad@1.1.0 node_modules/a/node_modules/left-pad GHSA-8888-8888-8888',
      'CRITICAL real-name@2.0.0 node_modules/aliased GHSA-9999-9999-9999',
    ]);
    expect(result.stdout).toContain('checked 4 production packages');
    expect(result.stdout).toContain('2 high, critical or unrated advisories');
  });

  it('passes when the only advisory in range is moderate; a fixed boundary, dev packages, a workspace\'s packages, other ecosystems and withdrawn advisories do not count', async () => {
    const result = await check(join(fixture, 'db/clean'));
    expect(result.code, result.stderr + result.stdout).toBe(0);
    expect(findingsIn(result.stdout)).toEqual(['MODERATE left-pad@1.3.0 node_modules/left-pad GHSA-2222-2222-2222']);
    expect(result.stdout).toContain('no high or critical advisory holds an installed production package');
  });

  it("checks this repository's lockfile: every production package npm installs, and no dev package or test runtime", async () => {
    const [result, ls] = await Promise.all([check(join(fixture, 'db/clean'), join(repoRoot, 'package-lock.json')), run('npm', ['ls', '--omit=dev', '--all', '--parseable', '--workspaces=false'])]);
    expect(result.code, result.stderr + result.stdout).toBe(0);
    // GHSA-4444 names vitest at every version: a dev dependency, so no finding.
    expect(findingsIn(result.stdout)).toEqual([]);
    const installed = new Set(ls.stdout.split('\n').filter(Boolean).map((p) => relative(repoRoot, p)).filter(Boolean));
    expect(result.stdout).toContain(`checked ${installed.size} production packages`);
  });

  it('refuses, with exit 2 and the reason, a missing directory argument, a directory with no advisories and an advisory that is not JSON', async () => {
    const none = await check('');
    const empty = join(scratch, 'empty');
    mkdirSync(empty);
    const bad = join(scratch, 'bad');
    mkdirSync(bad);
    writeFileSync(join(bad, 'GHSA-bad.json'), '{"affected": [{"package": {"ecosystem": "npm"');
    const [missing, nothing, broken] = await Promise.all([runTs(script, []), check(empty), check(bad)]);
    for (const r of [none, missing, nothing, broken]) expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(missing.stderr).toContain('expected one advisory directory, got 0');
    expect(nothing.stderr).toContain(`${empty}: holds no .json advisory files`);
    expect(broken.stderr).toContain(`${join(bad, 'GHSA-bad.json')}: not JSON`);
  });
});
