import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { diffDocuments } from '../../src/diff/diff.js';
import { loadSpec } from '../../src/diff/load.js';
import { ruleIds, rules } from '../../src/diff/rules.js';
import { repoRoot } from '../helpers/spec.js';
import { corpusCases } from './corpus.js';

const cases = corpusCases();

function valueAt(doc: unknown, pointer: string): unknown {
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((at, key) => (at && typeof at === 'object' ? (at as Record<string, unknown>)[key] : undefined), doc);
}

describe('the diff corpus', { timeout: 180_000 }, () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s: the findings, the verdict, and pointers that exist', async (_name, c) => {
    const before = (await loadSpec(c.old)).document;
    const after = (await loadSpec(c.new)).document;
    const result = diffDocuments(before, after);
    const got = result.findings.map((f) => ({ rule: f.rule, operation: `${f.operation!.method} ${f.operation!.path}`, location: f.location, old: f.old, new: f.new }));
    expect(got).toEqual(c.findings);
    expect(result.breaking > 0, 'the case name says whether the pair breaks clients').toBe(c.breaking);
    expect(result.findings.length).toBeGreaterThan(0);
    for (const f of result.findings) {
      expect(f.breaking).toBe(rules[f.rule].breaking);
      expect(f.message).not.toBe('');
      expect(valueAt(before, f.old), `old pointer ${f.old}`).not.toBeUndefined();
      expect(valueAt(after, f.new), `new pointer ${f.new}`).not.toBeUndefined();
    }
  });

  it('has a breaking and a non-breaking case for every area', () => {
    const areas = new Set(cases.map((c) => c.area));
    for (const area of areas) {
      expect(cases.some((c) => c.area === area && c.breaking), area).toBe(true);
      expect(cases.some((c) => c.area === area && !c.breaking), area).toBe(true);
    }
  });

  it('exercises every rule the diff knows', () => {
    const seen = new Set(cases.flatMap((c) => c.findings.map((f) => f.rule)));
    expect(ruleIds.filter((id) => !seen.has(id))).toEqual([]);
  });

  it('is compared with oasdiff, case by case, in docs/diff.md, which lists every rule with its verdict', () => {
    const doc = readFileSync(`${repoRoot}docs/diff.md`, 'utf8');
    for (const c of cases) expect(doc, c.name).toContain(`| \`${c.name}\` |`);
    for (const id of ruleIds) expect(doc, id).toContain(`| \`${id}\` | ${rules[id].breaking ? 'yes' : 'no'} | ${rules[id].summary} |`);
  });
});
