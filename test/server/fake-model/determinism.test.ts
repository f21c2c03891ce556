import { describe, expect, it } from 'vitest';
import { generate, type GenerateRequest } from '../../../src/server/fake-model/index.js';

const base: GenerateRequest = { prompt: 'Write about bridges and rivers.', model: 'Meta-Llama-3.3-70B-Instruct', temperature: 0.8 };

describe('fake model determinism', () => {
  it('returns byte-identical output for identical inputs', () => {
    const request: GenerateRequest = { ...base, seed: 11, n: 2, logprobs: true, topLogprobs: 3, reasoningEffort: 'low' };
    const a = JSON.stringify(generate(request, { seed: 5 }));
    const b = JSON.stringify(generate(structuredClone(request), { seed: 5 }));
    expect(a).toBe(b);
  });

  it('changes with the server seed when sampling', () => {
    const a = generate(base, { seed: 1 }).choices[0]?.text;
    const b = generate(base, { seed: 2 }).choices[0]?.text;
    expect(a).not.toBe(b);
  });

  it('changes with the request seed when sampling', () => {
    const a = generate({ ...base, seed: 1 }, { seed: 9 }).choices[0]?.text;
    const b = generate({ ...base, seed: 2 }, { seed: 9 }).choices[0]?.text;
    expect(a).not.toBe(b);
  });

  it('ignores the request seed at temperature 0', () => {
    const outputs = [undefined, 1, 2, 123456789, -4].map((seed) =>
      JSON.stringify(generate({ ...base, temperature: 0, seed }, { seed: 9 })),
    );
    expect(new Set(outputs).size).toBe(1);
  });

  it('depends on the prompt and on the parameters', () => {
    const reference = generate(base, { seed: 3 }).choices[0]?.text;
    expect(generate({ ...base, prompt: 'Write about forests.' }, { seed: 3 }).choices[0]?.text).not.toBe(reference);
    expect(generate({ ...base, temperature: 0.9 }, { seed: 3 }).choices[0]?.text).not.toBe(reference);
    expect(generate({ ...base, model: 'other-model' }, { seed: 3 }).choices[0]?.text).not.toBe(reference);
    expect(generate({ ...base, sampling: { top_p: 0.5 } }, { seed: 3 }).choices[0]?.text).not.toBe(reference);
  });

  it('does not depend on the key order of sampling parameters', () => {
    const a = generate({ ...base, sampling: { top_p: 0.5, top_k: 10 } }, { seed: 3 });
    const b = generate({ ...base, sampling: { top_k: 10, top_p: 0.5 } }, { seed: 3 });
    expect(a).toEqual(b);
  });

  it('returns a prefix of the longer answer when the budget is smaller', () => {
    const long = generate({ ...base, maxTokens: 40 }, { seed: 4 }).choices[0];
    const short = generate({ ...base, maxTokens: 15 }, { seed: 4 }).choices[0];
    expect(long?.text.startsWith(short?.text ?? '?')).toBe(true);
  });

  it('writes ASCII English-ish text with sentences', () => {
    const text = generate(base, { seed: 8 }).choices[0]?.text ?? '';
    expect(text).toMatch(/^[\x20-\x7e\n]+$/);
    expect(text).toMatch(/^[A-Z].*\.$/s);
    expect(text.split(' ').length).toBeGreaterThan(20);
  });
});
