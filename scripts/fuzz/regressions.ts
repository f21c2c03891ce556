/**
 * Failing cases, saved whole as `test/fuzz/regressions/<id>.json` (the case, where it was sent, what
 * went wrong), so `test/fuzz/regressions.test.ts` replays each one even after the generator changes.
 * @module
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FuzzCase } from './cases.js';
import type { CaseFailure } from './outcome.js';

export type Via = 'server' | 'proxy' | 'strict-proxy';

export interface Regression {
  case: FuzzCase;
  via: Via;
  failure: CaseFailure;
}

export const regressionsDir = fileURLToPath(new URL('../../test/fuzz/regressions/', import.meta.url));

export function regressionFile(regression: Pick<Regression, 'case' | 'via'>): string {
  return join(regressionsDir, `${regression.case.id.replace(/\//g, '-')}-${regression.via}.json`);
}

export function saveRegression(regression: Regression): string {
  mkdirSync(regressionsDir, { recursive: true });
  const file = regressionFile(regression);
  writeFileSync(file, `${JSON.stringify(regression, null, 2)}\n`);
  return file;
}

export function loadRegressions(): Array<{ file: string; regression: Regression }> {
  let names: string[];
  try {
    names = readdirSync(regressionsDir).filter((n) => n.endsWith('.json'));
  } catch {
    return [];
  }
  return names.sort().map((name) => ({ file: name, regression: JSON.parse(readFileSync(join(regressionsDir, name), 'utf8')) as Regression }));
}
