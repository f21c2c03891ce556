import { encode } from 'gpt-tokenizer/encoding/cl100k_base';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/server/fake-model/random.js';
import { answerSentence, writeAnswer, writeReasoning } from '../../../src/server/fake-model/sentence-writer.js';
import type { TokenizedText } from '../../../src/server/fake-model/tokenizer.js';

const ids = (written: TokenizedText) => written.tokens.map((token) => token.id);

/** The tokens the writer put together are the tokenizer's tokens of its text. */
function expectExact(written: TokenizedText): void {
  expect(written.tokens.map((token) => token.text).join('')).toBe(written.text);
  expect(ids(written), JSON.stringify(written.text)).toEqual(encode(written.text));
}

describe('sentence writer', () => {
  it('writes answers whose tokens are exactly the tokenizer tokens of their text', () => {
    for (let seed = 0; seed < 1500; seed++) expectExact(writeAnswer(new Rng(seed), 60 + (seed % 200)));
  });

  it('writes reasoning whose tokens are exactly the tokenizer tokens of its text', () => {
    for (let seed = 0; seed < 500; seed++) expectExact(writeReasoning(new Rng(seed), 24 + (seed % 280)));
  });

  it('stops early under a budget, with more than the budget of final tokens, a prefix of the full answer', () => {
    for (let seed = 0; seed < 300; seed++) {
      const full = writeAnswer(new Rng(seed), 120);
      for (const budget of [0, 1, 2, 5, 16, 17, 40, 61, 119]) {
        const short = writeAnswer(new Rng(seed), 120, budget);
        expectExact(short);
        if (full.tokens.length <= budget) continue;
        expect(short.tokens.length).toBeGreaterThan(budget);
        expect(short.tokens.length).toBeLessThanOrEqual(full.tokens.length);
        expect(ids(short).slice(0, budget)).toEqual(ids(full).slice(0, budget));
        expect(full.text.startsWith(short.text)).toBe(true);
      }
      const thinking = writeReasoning(new Rng(seed), 200);
      const cut = writeReasoning(new Rng(seed), 200, 30);
      expectExact(cut);
      expect(ids(cut).slice(0, 30)).toEqual(ids(thinking).slice(0, 30));
    }
  });

  it('writes sentences with capitals, full stops and "an" before vowels', () => {
    for (let seed = 0; seed < 500; seed++) {
      const sentence = answerSentence(new Rng(seed));
      expect(sentence).toMatch(/^[A-Z].*\.$/);
      expect(sentence).not.toMatch(/\b[Aa] [aeiou]/);
      expect(sentence).not.toMatch(/[{}]/);
    }
  });
});
