/**
 * The docs site the tests read: `site/`, as `npm run docs` writes it. Rebuilt only when what it is
 * made from changed since the last build (a hash of those files), so a run builds it at most once.
 * @module
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSite } from '../../scripts/docs/build-site.js';
import { repoRoot } from './spec.js';

export const siteDir = join(repoRoot, 'site');

/** Everything the build reads: the documents, the guides, the build itself and what it imports, the pinned packages. */
const inputs = ['generated', 'docs', 'scripts/docs', 'scripts/docs.ts', 'src/streams', 'src/contract', 'package-lock.json'];
const stamp = join(repoRoot, 'node_modules', '.cache', 'sambakit-site.sha256');

function files(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path).sort().flatMap((name) => files(join(path, name)));
}

function inputsHash(): string {
  const hash = createHash('sha256');
  for (const file of inputs.flatMap((input) => files(join(repoRoot, input)))) hash.update(file).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex');
}

export async function ensureSite(): Promise<void> {
  const hash = inputsHash();
  if (existsSync(join(siteDir, 'index.html')) && existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) return;
  await buildSite({ repoRoot, outDir: siteDir });
  mkdirSync(join(stamp, '..'), { recursive: true });
  writeFileSync(stamp, hash);
}
