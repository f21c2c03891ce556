/**
 * One answer's own work is done in slices, so no request holds the event loop however large its
 * answer: a long answer's logprobs are made in the caller's turn budget, and one answer's JSON (a
 * single completion with thousands of tokens of logprobs) is written a part at a time. Each lets a
 * callback queued for the next turn run before it finishes (ordering, never timings), and gives
 * exactly what the work done at once gives.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generate, generateInTurns, type GenerateRequest } from '../../src/server/fake-model/index.js';
import { jsonText } from '../../src/server/json-text.js';
import { TurnBudget } from '../../src/event-loop/turn-budget.js';
import { yieldsBeforeSettling } from '../helpers/turns.js';

const text = (pieces: string | Buffer[]) => (Array.isArray(pieces) ? Buffer.concat(pieces).toString() : pieces);

/** A budget whose slice is used up already: work in it must wait for the next turn before going on. */
function spentBudget(): TurnBudget {
  const budget = new TurnBudget();
  while (!budget.spent());
  return budget;
}

describe('generateInTurns', () => {
  const request = (): GenerateRequest => ({ prompt: 'Tell me a story.', maxTokens: 2000, logprobs: true, topLogprobs: 20, temperature: 0.7, seed: 3, n: 2 });

  it('makes logprobs in the caller\'s budget: a spent one waits for the next turn, to the answer made at once', async () => {
    let made: unknown;
    expect(await yieldsBeforeSettling(async () => (made = await generateInTurns(request(), { seed: 1 }, spentBudget())))).toBe(true);
    expect(made).toEqual(generate(request(), { seed: 1 }));
  });

  it('answers at once when no logprobs are asked for', () => {
    const plain = { ...request(), logprobs: false };
    expect(generateInTurns(plain, { seed: 1 }, spentBudget())).toEqual(generate(plain, { seed: 1 }));
  });
});

describe('jsonText of one large answer', () => {
  it('writes a single completion with 2,000 tokens of 20 logprobs over several turns, to the same bytes', async () => {
    const entry = (t: number) => ({ token: ` t${t}`, logprob: -t / 7, bytes: [32, 116], top_logprobs: Array.from({ length: 20 }, (_, a) => ({ token: `a${a}`, logprob: -a - t / 9, bytes: [97] })) });
    const answer = { id: 'x', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: 'text' }, logprobs: { content: Array.from({ length: 2000 }, (_, t) => entry(t)) } }], usage: { total_tokens: 3 } };
    let written: string | Buffer[] = '';
    expect(await yieldsBeforeSettling(async () => (written = await jsonText(answer)))).toBe(true);
    expect(text(written)).toBe(JSON.stringify(answer));
  });

  it('takes large values apart at any depth to what JSON.stringify writes, values JSON leaves out included', async () => {
    const odd = fc.constantFrom(undefined, () => 1, Symbol('s'), new Date(0), { toJSON: () => 'own' }, Object.assign([1, 2], { toJSON: () => 'list' }), Object.create(null));
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, fc.jsonValue({ maxDepth: 2 }), odd, fc.array(tie('node'), { maxLength: 4 }), fc.dictionary(fc.string(), tie('node'), { maxKeys: 4 })),
    })).node;
    // Each value beside 9,000 numbers, twice over: the containers around it are too large to write whole.
    const large = (v: unknown) => ({ before: v, list: [v, Array.from({ length: 9000 }, (_, i) => i / 3), v], gone: undefined, after: v });
    await fc.assert(
      fc.asyncProperty(value, async (v) => {
        const wrapped = [large(v), undefined, large(large(v)), v];
        expect(text(await jsonText(wrapped))).toBe(JSON.stringify(wrapped));
      }),
      { numRuns: 40 },
    );
  });
});
