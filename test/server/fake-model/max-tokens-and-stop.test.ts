import { describe, expect, it } from 'vitest';
import { countTokens, FinishReason, generate, NATURAL_MIN_TOKENS } from '../../../src/server/fake-model/index.js';
import { encodeText } from '../../../src/server/fake-model/tokenizer.js';
import { seeds } from './helpers.js';

describe('max tokens', () => {
  it('returns exactly maxTokens tokens when the budget cuts the answer', () => {
    for (const maxTokens of [1, 2, 3, 7, 16, 33, NATURAL_MIN_TOKENS]) {
      for (const seed of seeds(8)) {
        const choice = generate({ prompt: `budget ${maxTokens}`, maxTokens, seed }, { seed: 42 }).choices[0];
        expect(choice?.finishReason).toBe(FinishReason.MaxTokens);
        expect(choice?.tokens).toHaveLength(maxTokens);
        expect(choice?.completionTokens).toBe(maxTokens);
        expect(countTokens(choice?.text ?? '')).toBe(maxTokens);
      }
    }
  });

  it('always ends with max_tokens for budgets up to the shortest natural answer', () => {
    for (const seed of seeds(600)) {
      for (const maxTokens of [20, 30, 40, 50, NATURAL_MIN_TOKENS]) {
        const choice = generate({ prompt: `p${seed}`, maxTokens }, { seed }).choices[0];
        expect(choice?.finishReason, `seed ${seed}, max ${maxTokens}`).toBe(FinishReason.MaxTokens);
        expect(choice?.completionTokens).toBe(maxTokens);
      }
    }
  });

  it('ends naturally when the budget is larger than the answer', () => {
    const choice = generate({ prompt: 'natural', maxTokens: 5000 }, { seed: 1 }).choices[0];
    expect(choice?.finishReason).toBe(FinishReason.EndOfText);
    expect(choice?.tokens.length).toBeGreaterThanOrEqual(NATURAL_MIN_TOKENS);
    expect(choice?.tokens.length).toBeLessThan(5000);
  });

  it('returns nothing for a budget of 0', () => {
    const choice = generate({ prompt: 'zero', maxTokens: 0 }, { seed: 1 }).choices[0];
    expect(choice?.text).toBe('');
    expect(choice?.finishReason).toBe(FinishReason.MaxTokens);
    expect(choice?.completionTokens).toBe(0);
  });

  it('counts tokens with the tokenizer, not by splitting on spaces', () => {
    for (const seed of seeds(20)) {
      const result = generate({ prompt: 'Count these tokens, please: 12345 <|endoftext|>', seed }, { seed: 3 });
      const choice = result.choices[0];
      const text = choice?.text ?? '';
      expect(choice?.tokens.map((t) => t.text).join('')).toBe(text);
      expect(choice?.tokens.map((t) => t.id)).toEqual(encodeText(text));
      expect(choice?.completionTokens).toBe(countTokens(text));
      expect(result.usage.promptTokens).toBe(countTokens('Count these tokens, please: 12345 <|endoftext|>'));
      expect(result.usage.totalTokens).toBe(result.usage.promptTokens + result.usage.completionTokens);
    }
    // The tokenizer is a real BPE: a space split would say 2 here.
    expect(countTokens('Hello world')).toBe(2);
    expect(countTokens('unbelievably tokenizable')).toBeGreaterThan(2);
    expect(countTokens('')).toBe(0);
  });
});

describe('stop sequences', () => {
  /** An answer to compare with: the same request without stop strings. */
  const full = (seed: number) => generate({ prompt: 'stop test', seed }, { seed: 5 }).choices[0]?.text ?? '';

  it('ends before the stop string, drops it, and reports stop_sequence', () => {
    for (const seed of seeds(10)) {
      const text = full(seed);
      const choice = generate({ prompt: 'stop test', seed, stop: '.' }, { seed: 5 }).choices[0];
      expect(choice?.finishReason).toBe(FinishReason.StopSequence);
      expect(choice?.stopSequence).toBe('.');
      expect(choice?.text).toBe(text.slice(0, text.indexOf('.')));
      expect(choice?.text).not.toContain('.');
    }
  });

  it('stops at the earliest of several stop strings, multi-character ones included', () => {
    for (const seed of seeds(10)) {
      const text = full(seed);
      // Multi-character stops taken from the text itself, so that they certainly occur.
      const words = text.split(' ');
      const late = words.slice(8, 10).join(' ');
      const early = words.slice(2, 4).join(' ');
      const stop = [late, '\n', early, 'never-occurs-xyz'];
      const choice = generate({ prompt: 'stop test', seed, stop }, { seed: 5 }).choices[0];
      const positions = stop.map((s) => text.indexOf(s)).filter((i) => i >= 0);
      const first = Math.min(...positions);
      expect(choice?.finishReason).toBe(FinishReason.StopSequence);
      expect(choice?.text).toBe(text.slice(0, first));
      expect(stop.indexOf(choice?.stopSequence ?? '')).toBeGreaterThanOrEqual(0);
      expect(text.startsWith(choice?.stopSequence ?? '?', first)).toBe(true);
      for (const s of stop) expect(choice?.text).not.toContain(s);
      expect(countTokens(choice?.text ?? '')).toBe(choice?.tokens.length);
    }
  });

  it('produces newlines and digits that stop strings like "\\n" and "3" can hit', () => {
    let newline = 0;
    let digit = 0;
    for (const seed of seeds(30)) {
      if (generate({ prompt: 'p', seed, stop: '\n' }, { seed: 1 }).choices[0]?.finishReason === 'stop_sequence') newline++;
      if (generate({ prompt: 'p', seed, stop: ['3'] }, { seed: 1 }).choices[0]?.finishReason === 'stop_sequence') digit++;
    }
    expect(newline).toBeGreaterThan(15);
    expect(digit).toBeGreaterThan(5);
  });

  it('ignores stop strings that only occur past the token budget', () => {
    const text = full(1);
    const at = text.indexOf('.');
    const cutBefore = countTokens(text.slice(0, at)) - 1;
    const choice = generate({ prompt: 'stop test', seed: 1, stop: '.', maxTokens: cutBefore }, { seed: 5 }).choices[0];
    expect(choice?.finishReason).toBe(FinishReason.MaxTokens);
    expect(choice?.tokens).toHaveLength(cutBefore);
  });

  it('reports end_of_text when no stop string occurs', () => {
    const choice = generate({ prompt: 'stop test', seed: 1, stop: ['@@@', ''] }, { seed: 5 }).choices[0];
    expect(choice?.finishReason).toBe(FinishReason.EndOfText);
    expect(choice?.text).toBe(full(1));
    expect(choice?.stopSequence).toBeUndefined();
  });
});
