import { describe, expect, it } from 'vitest';
import { generate, MAX_TOP_LOGPROBS } from '../../../src/server/fake-model/index.js';

const utf8 = (text: string) => Array.from(new TextEncoder().encode(text));

describe('logprobs', () => {
  it('gives each token a logprob <= 0 and k alternatives, most likely first', () => {
    for (const k of [1, 2, 5, 20]) {
      const choice = generate({ prompt: 'logprobs please', logprobs: true, topLogprobs: k, maxTokens: 40 }, { seed: 12 }).choices[0];
      expect(choice?.tokens).toHaveLength(40);
      for (const token of choice?.tokens ?? []) {
        expect(token.logprob).toBeLessThanOrEqual(0);
        expect(token.bytes).toEqual(utf8(token.text));
        const top = token.topLogprobs ?? [];
        expect(top).toHaveLength(k);
        expect(top[0]?.text).toBe(token.text);
        expect(top[0]?.logprob).toBe(token.logprob);
        expect(new Set(top.map((t) => t.text)).size).toBe(k);
        for (let i = 1; i < top.length; i++) {
          expect(top[i]?.logprob).toBeLessThan(top[i - 1]?.logprob ?? 0);
          expect(top[i]?.logprob).toBeLessThan(token.logprob ?? 0);
        }
        for (const alt of top) expect(alt.bytes).toEqual(utf8(alt.text));
        const mass = top.reduce((sum, alt) => sum + Math.exp(alt.logprob), 0);
        expect(mass).toBeLessThanOrEqual(1 + 1e-12);
      }
    }
  });

  it('gives logprobs without alternatives for topLogprobs 0, and caps k at 20', () => {
    const none = generate({ prompt: 'x', logprobs: true, maxTokens: 5 }, { seed: 1 }).choices[0];
    for (const token of none?.tokens ?? []) {
      expect(typeof token.logprob).toBe('number');
      expect(token.topLogprobs).toEqual([]);
    }
    const capped = generate({ prompt: 'x', logprobs: true, topLogprobs: 50, maxTokens: 5 }, { seed: 1 }).choices[0];
    expect(capped?.tokens[0]?.topLogprobs).toHaveLength(MAX_TOP_LOGPROBS);
  });

  it('leaves tokens bare unless asked, and never changes the text', () => {
    const plain = generate({ prompt: 'x', maxTokens: 30 }, { seed: 1 }).choices[0];
    const annotated = generate({ prompt: 'x', maxTokens: 30, logprobs: true, topLogprobs: 3 }, { seed: 1 }).choices[0];
    expect(plain?.tokens[0]?.logprob).toBeUndefined();
    expect(plain?.tokens[0]?.topLogprobs).toBeUndefined();
    expect(annotated?.text).toBe(plain?.text);
  });

  it('is deterministic', () => {
    const request = { prompt: 'x', maxTokens: 10, logprobs: true, topLogprobs: 4 };
    expect(generate(request, { seed: 2 })).toEqual(generate(request, { seed: 2 }));
  });
});
