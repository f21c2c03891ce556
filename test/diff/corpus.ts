/** The spec-pair corpus: `corpus/<area>/<case>/{old,new}` (a file, or a folder of split files) and `expected.yaml`. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { repoRoot } from '../helpers/spec.js';

export const corpusRoot = `${repoRoot}test/diff/corpus`;

export interface ExpectedFinding {
  rule: string;
  operation: string;
  location: string;
  old: string;
  new: string;
}

export interface CorpusCase {
  /** `request-enum/breaking` */
  name: string;
  area: string;
  /** Whether the case name says the pair breaks clients (`breaking`, `breaking-*`). */
  breaking: boolean;
  old: string;
  new: string;
  description: string;
  findings: ExpectedFinding[];
  /** What oasdiff reports for the pair, from its public rule list (`checker/rules.go`). */
  oasdiff: { ids: string[]; level: 'ERR' | 'WARN' | 'INFO' | 'none'; note?: string };
}

function side(dir: string, name: 'old' | 'new'): string {
  return existsSync(`${dir}/${name}.yaml`) ? `${dir}/${name}.yaml` : `${dir}/${name}/openapi.yaml`;
}

export function corpusCases(): CorpusCase[] {
  const cases: CorpusCase[] = [];
  for (const area of readdirSync(corpusRoot).sort()) {
    for (const name of readdirSync(`${corpusRoot}/${area}`).sort()) {
      const dir = `${corpusRoot}/${area}/${name}`;
      const expected = parse(readFileSync(`${dir}/expected.yaml`, 'utf8')) as Pick<CorpusCase, 'description' | 'findings' | 'oasdiff'>;
      cases.push({ name: `${area}/${name}`, area, breaking: name.startsWith('breaking'), old: side(dir, 'old'), new: side(dir, 'new'), ...expected });
    }
  }
  return cases;
}
