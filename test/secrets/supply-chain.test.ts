/**
 * The supply chain: every dependency pinned to one exact version in package.json and in the
 * workspace of test runtimes, the lockfile agreeing with them and holding an integrity hash for every
 * package it installs, and no high or
 * critical advisory against the production dependencies. The advisory check needs the registry's
 * audit endpoint; where the registry in use does not serve it (a mirror or proxy answering 404 or
 * 405, or no network), the test says so and is skipped rather than passed.
 * @module
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../helpers/run.js';
import { repoRoot } from '../helpers/spec.js';

interface Manifest {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  workspaces?: string[];
}
const readManifest = (dir: string) => JSON.parse(readFileSync(join(repoRoot, dir, 'package.json'), 'utf8')) as Manifest;
const manifest = readManifest('');
const workspaces = (manifest.workspaces ?? []).map((dir) => ({ dir, manifest: readManifest(dir) }));
/** What npm installs for a manifest (peers are the user's). */
const installed = (m: Manifest) => ({ ...m.dependencies, ...m.devDependencies, ...m.optionalDependencies });
const lock = JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8')) as {
  lockfileVersion: number;
  packages: Record<string, Manifest & { version?: string; integrity?: string; link?: boolean }>;
};

const exact = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/;

describe('the supply chain', () => {
  it('pins every dependency and dev dependency to one exact version (peers stay ranges: the user picks them)', () => {
    const loose = [manifest, ...workspaces.map((w) => w.manifest)].flatMap((m) => Object.entries(installed(m)).filter(([, version]) => !exact.test(version)));
    expect(loose).toEqual([]);
  });

  it('has a lockfile that matches package.json and an integrity hash for every package it installs', () => {
    expect(lock.lockfileVersion).toBeGreaterThanOrEqual(3);
    const root = lock.packages[''];
    expect(root?.dependencies).toEqual(manifest.dependencies);
    expect(root?.devDependencies).toEqual(manifest.devDependencies);
    for (const [name, version] of Object.entries(installed(manifest))) expect(lock.packages[`node_modules/${name}`]?.version, name).toBe(version);
    for (const workspace of workspaces) expect(lock.packages[workspace.dir]?.optionalDependencies, workspace.dir).toEqual(workspace.manifest.optionalDependencies);
    // A workspace's own entry is its folder in this repository, not a download.
    const unhashed = Object.entries(lock.packages).filter(([path, entry]) => path !== '' && !workspaces.some((w) => w.dir === path) && !entry.link && !entry.integrity);
    expect(unhashed.map(([path]) => path)).toEqual([]);
  });

  it('has no high or critical advisory against the production dependencies (npm audit --omit=dev)', async (context) => {
    const audit = await run('npm', ['audit', '--omit=dev', '--json'], { timeoutMs: 120_000 });
    const report = JSON.parse(audit.stdout || '{}') as { error?: { summary?: string }; message?: string; statusCode?: number; metadata?: { vulnerabilities: Record<string, number> } };
    if (!report.metadata) {
      context.skip(`the registry's audit endpoint gave no report here (${report.statusCode ?? ''} ${report.message ?? report.error?.summary ?? audit.stderr.split('\n')[0]})`);
      return;
    }
    const { high, critical } = report.metadata.vulnerabilities;
    expect({ high, critical }, audit.stdout).toEqual({ high: 0, critical: 0 });
  }, 180_000);
});
