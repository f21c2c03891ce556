import { describe, expect, it } from 'vitest';
import { generate } from '../../../src/server/fake-model/index.js';

describe('n choices', () => {
  it('returns n indexed choices that differ when sampling', () => {
    const result = generate({ prompt: 'three ideas', n: 3, temperature: 1 }, { seed: 7 });
    expect(result.choices.map((c) => c.index)).toEqual([0, 1, 2]);
    expect(new Set(result.choices.map((c) => c.text)).size).toBe(3);
    expect(result.usage.completionTokens).toBe(result.choices.reduce((sum, c) => sum + c.completionTokens, 0));
  });

  it('seeds choice i with i, whatever n is', () => {
    const two = generate({ prompt: 'ideas', n: 2 }, { seed: 7 });
    const four = generate({ prompt: 'ideas', n: 4 }, { seed: 7 });
    expect(four.choices.slice(0, 2)).toEqual(two.choices);
  });

  it('gives identical choices when greedy', () => {
    const result = generate({ prompt: 'ideas', n: 3, temperature: 0 }, { seed: 7 });
    expect(result.choices[1]?.text).toBe(result.choices[0]?.text);
    expect(result.choices[2]?.index).toBe(2);
  });

  it('defaults to one choice', () => {
    expect(generate({ prompt: 'one' }, { seed: 1 }).choices).toHaveLength(1);
  });
});
