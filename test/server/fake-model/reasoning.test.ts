import { describe, expect, it } from 'vitest';
import { countTokens, FinishReason, generate, REASONING_SHARE, REASONING_TOKENS } from '../../../src/server/fake-model/index.js';
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

  it('takes at most its share of the budget, growing with the effort, so that a short budget still gets answer text', () => {
    for (const effort of ['low', 'medium', 'high'] as const) {
      for (const maxTokens of [4, 10, 50, 90]) {
        const choice = generate({ prompt: 'think', reasoningEffort: effort, maxTokens }, { seed: 3 }).choices[0]!;
        expect(choice.reasoningTokens, `${effort} ${maxTokens}`).toBeLessThanOrEqual(Math.floor(maxTokens * REASONING_SHARE[effort]));
        expect(choice.text.length, `${effort} ${maxTokens}`).toBeGreaterThan(0);
        expect(choice.completionTokens).toBeLessThanOrEqual(maxTokens);
        expect(choice.tokens.length).toBe(choice.completionTokens - choice.reasoningTokens);
      }
    }
    const share = (effort: 'low' | 'medium' | 'high') => generate({ prompt: 'think', reasoningEffort: effort, maxTokens: 60 }, { seed: 3 }).choices[0]!.reasoningTokens;
    expect(share('low')).toBeLessThan(share('medium'));
    expect(share('medium')).toBeLessThan(share('high'));
  });

  it('leaves the answer whole when the budget is large enough for both', () => {
    const choice = generate({ prompt: 'think', reasoningEffort: 'low', maxTokens: 1000 }, { seed: 3 }).choices[0]!;
    expect(choice.finishReason).toBe(FinishReason.EndOfText);
    expect(choice.reasoningTokens).toBeGreaterThanOrEqual(REASONING_TOKENS.low[0]);
  });

  it('is cut with the answer only when the answer itself runs out of budget', () => {
    const cut = generate({ prompt: 'think', reasoningEffort: 'low', maxTokens: 90 }, { seed: 3 }).choices[0]!;
    expect(cut.finishReason).toBe(FinishReason.MaxTokens);
    expect(cut.completionTokens).toBe(90);
    expect(cut.tokens.length).toBe(90 - cut.reasoningTokens);
  });
});
