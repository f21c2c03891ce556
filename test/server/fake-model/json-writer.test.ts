/**
 * The JSON writer's text (the request hash reads it, the answers are it) is the same whichever way a
 * value's members are written: at once (scalars and short strings) or through the writer's steps
 * (containers, long strings, and every value at which the budget is looked at), with or without a
 * budget that yields. Held to `JSON.stringify` (own key order) and to a sorted reference (canonical).
 */
import { describe, expect, it } from 'vitest';
import { TurnBudget } from '../../../src/event-loop/turn-budget.js';
import { canonicalJson, writeJsonSteps, type KeyOrder } from '../../../src/server/fake-model/json-writer.js';

/** A budget that is always spent: the writer yields at every look. */
class SpentBudget extends TurnBudget {
  override spent(): boolean {
    return true;
  }
}

function written(value: unknown, order: KeyOrder, budget: TurnBudget | undefined): { text: string; yields: number } {
  let text = '';
  let yields = 0;
  const steps = writeJsonSteps(value, (piece) => (text += piece), budget, order);
  while (!steps.next().done) yields++;
  return { text, yields };
}

/** Canonical JSON by a plain reference: keys sorted at every level. */
function sortedReference(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item !== null && typeof item === 'object' && !Array.isArray(item) ? Object.fromEntries(Object.keys(item).sort().map((key) => [key, (item as Record<string, unknown>)[key]])) : item,
  );
}

const values: Record<string, unknown> = {
  'an ordinary request': { model: 'm', prompt: 'user: hi\nassistant:', sampling: { topP: 0.5, topK: undefined }, temperature: 0, toolChoice: undefined, v: 1, tools: [{ name: 'f', parameters: { type: 'object', b: [1, 'x', null, true] } }] },
  'keys already in order, and equal but for case': { A: 0, a: { b: 1, c: [2, { d: 3, e: 4 }] }, ab: 'x', b: null },
  'scalars left out or null': { f: () => 1, s: Symbol('s'), u: undefined, list: [undefined, () => 1, Symbol('t'), Number.NaN, Infinity, -0], z: 'z' },
  'a long string among scalars': { a: 'é'.repeat(70_000), b: ['q', 'r'] },
  'a long flat object': Object.fromEntries(Array.from({ length: 1500 }, (_, i) => [`k${(i * 7919) % 1500}`, i % 3 === 0 ? `v${i}` : i])),
  'a long flat array': Array.from({ length: 3000 }, (_, i) => (i % 2 ? `s${i}` : { i })),
};

describe('json-writer: members written at once or in steps give the same text', () => {
  for (const [name, value] of Object.entries(values)) {
    it(name, () => {
      const own = written(value, 'own', undefined);
      expect(own.yields).toBe(0);
      expect(own.text).toBe(JSON.stringify(value));
      expect(written(value, 'own', new SpentBudget()).text).toBe(own.text);
      const sorted = written(value, 'sorted', undefined);
      expect(sorted.text).toBe(sortedReference(value));
      expect(written(value, 'sorted', new SpentBudget()).text).toBe(sorted.text);
      expect(canonicalJson(value)).toBe(sorted.text);
    });
  }

  it('a spent budget is looked at every 256 values, scalars and keys included', () => {
    // 1 object + 1,000 keys + 1,000 scalars = 2,001 values: looks at values 256, 512, ..., 1792.
    const flat = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`k${i}`, i]));
    const { yields } = written(flat, 'own', new SpentBudget());
    expect(yields).toBe(Math.floor(2001 / 256));
  });

  it('bigints are written as strings, as before', () => {
    expect(written({ n: 10n, list: [1n] }, 'sorted', undefined).text).toBe('{"list":["1"],"n":"10"}');
  });
});
