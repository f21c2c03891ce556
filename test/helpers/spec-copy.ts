/** A throwaway copy of spec/ and generated/ to break or age without touching the checkout. */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './spec.js';

export function copyOfSpec(): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'sambakit-spec-'));
  cpSync(join(repoRoot, 'spec'), join(dir, 'spec'), { recursive: true });
  cpSync(join(repoRoot, 'generated'), join(dir, 'generated'), { recursive: true });
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Every file under `dir` with its content, to prove a failed run changed nothing. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, prefix: string) => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path, `${prefix}${name}/`);
      else out[`${prefix}${name}`] = readFileSync(path, 'utf8');
    }
  };
  walk(dir, '');
  return out;
}
