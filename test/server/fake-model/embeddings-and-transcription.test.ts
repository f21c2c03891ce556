import { describe, expect, it } from 'vitest';
import { TurnBudget } from '../../../src/event-loop/turn-budget.js';
import { embed as embedIn, transcribe, WORDS_PER_SECOND } from '../../../src/server/fake-model/index.js';

const embed = (model: string, text: string, dimensions: number) => embedIn(model, text, dimensions, new TurnBudget());
const norm = (v: number[]) => Math.sqrt(v.reduce((sum, x) => sum + x * x, 0));
const cosine = (a: number[], b: number[]) => a.reduce((sum, x, i) => sum + x * (b[i] ?? 0), 0);

describe('embed', () => {
  it('returns unit-length vectors of the requested dimension', async () => {
    for (const dimensions of [1, 8, 384, 1024]) {
      const vector = await embed('E5-Mistral-7B-Instruct', 'hello world', dimensions);
      expect(vector).toHaveLength(dimensions);
      expect(norm(vector)).toBeCloseTo(1, 12);
    }
    expect(norm(await embed('m', '', 16))).toBeCloseTo(1, 12);
  });

  it('is a pure function of model and text', async () => {
    expect(await embed('m', 'same text', 64)).toEqual(await embed('m', 'same text', 64));
    expect(await embed('m', 'same text', 64)).not.toEqual(await embed('m', 'other text', 64));
    expect(await embed('m', 'same text', 64)).not.toEqual(await embed('n', 'same text', 64));
  });

  it('puts texts that share words closer together', async () => {
    const a = await embed('m', 'the cat sat on the mat', 256);
    const b = await embed('m', 'a cat sat on a mat', 256);
    const c = await embed('m', 'quarterly revenue grew sharply', 256);
    expect(cosine(a, b)).toBeGreaterThan(cosine(a, c));
  });

  it('adds the words of a long text in the caller\'s budget, to the same vector', async () => {
    const text = Array.from({ length: 300 }, (_, i) => `word${i}`).join(' ');
    const budget = new TurnBudget();
    while (!budget.spent()) {
      // the caller's own work uses up the slice
    }
    const order: string[] = [];
    setImmediate(() => order.push('next turn'));
    const sliced = embedIn('m', text, 512, budget);
    expect(sliced).toBeInstanceOf(Promise);
    const vector = await sliced;
    order.push('embedded');
    expect(order).toEqual(['next turn', 'embedded']);
    expect(vector).toEqual(await embed('m', text, 512));
  });
});

describe('transcribe', () => {
  it('writes words in proportion to the duration', () => {
    for (const seconds of [1, 4, 10, 60]) {
      const transcript = transcribe(seconds, 7);
      expect(transcript.words).toBe(Math.round(seconds * WORDS_PER_SECOND));
      expect(transcript.text.split(' ')).toHaveLength(transcript.words);
      expect(transcript.text).toMatch(/\.$/);
    }
    expect(transcribe(0, 7).text).toBe('');
    expect(transcribe(0.1, 7).words).toBe(1);
  });

  it('is deterministic in the seed', () => {
    expect(transcribe(12, 3)).toEqual(transcribe(12, 3));
    expect(transcribe(12, 3).text).not.toBe(transcribe(12, 4).text);
  });

  it('splits into timed segments that cover the text', () => {
    const transcript = transcribe(30, 1);
    expect(transcript.segments.map((s) => s.text).join(' ')).toBe(transcript.text);
    expect(transcript.segments[0]?.startS).toBe(0);
    expect(transcript.segments.at(-1)?.endS).toBe(30);
    for (const segment of transcript.segments) expect(segment.endS).toBeGreaterThan(segment.startS);
  });
});
