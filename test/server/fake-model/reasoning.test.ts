import { describe, expect, it } from 'vitest';
import { countTokens, FinishReason, generate, REASONING_TOKENS } from '../../../src/server/fake-model/index.js';
import { seeds } from './helpers.js';

describe('reasoning', () => {
  it('grows with the effort', () => {
    for (const seed of seeds(10)) {
      const length = (effort: 'low' | 'medium' | 'high') =>
        generate({ prompt: 'think', seed, reasoningEffort: effort }, { seed: 3 }).choices[0]?.reasoningTokens ?? 0;
      const low = length('low');
      const medium = length('medium');
      const high = length('high');
      expect(low).toBeGreaterThanOrEqual(REASONING_TOKENS.low[0]);
      expect(medium).toBeGreaterThan(low);
      expect(high).toBeGreaterThan(medium);
    }
  });

  it('comes before the answer and counts as completion tokens', () => {
    const choice = generate({ prompt: 'think', reasoningEffort: 'medium' }, { seed: 3 }).choices[0];
    const reasoning = choice?.reasoning;
    expect(reasoning?.text.length).toBeGreaterThan(0);
    expect(reasoning?.tokens.map((t) => t.text).join('')).toBe(reasoning?.text);
    expect(choice?.reasoningTokens).toBe(countTokens(reasoning?.text ?? ''));
    expect(choice?.text.length).toBeGreaterThan(0);
    expect(choice?.completionTokens).toBe((choice?.reasoningTokens ?? 0) + (choice?.tokens.length ?? 0));
  });

  it('is absent without an effort', () => {
    const choice = generate({ prompt: 'think' }, { seed: 3 }).choices[0];
    expect(choice?.reasoning).toBeUndefined();
    expect(choice?.reasoningTokens).toBe(0);
  });

  it('shares the token budget with the answer', () => {
    const cutInReasoning = generate({ prompt: 'think', reasoningEffort: 'high', maxTokens: 50 }, { seed: 3 }).choices[0];
    expect(cutInReasoning?.finishReason).toBe(FinishReason.MaxTokens);
    expect(cutInReasoning?.reasoningTokens).toBe(50);
    expect(cutInReasoning?.text).toBe('');

    const cutInAnswer = generate({ prompt: 'think', reasoningEffort: 'low', maxTokens: 90 }, { seed: 3 }).choices[0];
    expect(cutInAnswer?.finishReason).toBe(FinishReason.MaxTokens);
    expect(cutInAnswer?.completionTokens).toBe(90);
    expect(cutInAnswer?.tokens.length).toBe(90 - (cutInAnswer?.reasoningTokens ?? 0));
  });
});
