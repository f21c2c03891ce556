/**
 * A batch is made and written in slices, so no batch size the spec allows holds the event loop:
 * generating 256 native prompts, building their answers and writing a batch's JSON each let a
 * callback queued for the next turn run before they finish (ordering, never timings). The sliced
 * JSON is byte for byte what `JSON.stringify` writes, and the answers are those of one pass.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonText } from '../../src/server/json-text.js';
import { completeAll } from '../../src/server/operations/sambastudio-native/completion.js';
import { readTypedParams } from '../../src/server/operations/sambastudio-native/typed-params.js';
import { mapInTurns } from '../../src/event-loop/turn-budget.js';
import { yieldsBeforeSettling } from '../helpers/turns.js';

const text = (pieces: string | Buffer[]) => (Array.isArray(pieces) ? Buffer.concat(pieces).toString() : pieces);

describe('a native batch', () => {
  const params = readTypedParams({ max_tokens_to_generate: { type: 'int', value: '1500' }, top_logprobs: { type: 'int', value: '5' } });
  const prompts = Array.from({ length: 256 }, (_, i) => ({ text: `Tell me about the number ${i}.`, path: `/body/inputs/${i}` }));

  it('of 256 prompts is generated over several turns, each prompt as it is answered alone', async () => {
    let completions: Awaited<ReturnType<typeof completeAll>> = [];
    expect(await yieldsBeforeSettling(async () => (completions = await completeAll(prompts, params, 7, 2048)))).toBe(true);
    expect(completions).toHaveLength(256);
    for (const index of [0, 100, 255]) {
      const [alone] = await completeAll([prompts[index]!], params, 7, 2048);
      expect(completions[index]!.text).toBe(alone!.text);
      expect(completions[index]!.tokens).toEqual(alone!.tokens);
    }
  });
});

describe('mapInTurns', () => {
  it('maps in order, with turns between items once a slice is spent', async () => {
    const busy = (i: number) => {
      const until = performance.now() + 1;
      while (performance.now() < until);
      return i * 2;
    };
    let mapped: number[] = [];
    expect(await yieldsBeforeSettling(async () => (mapped = await mapInTurns([...Array(40).keys()], busy)))).toBe(true);
    expect(mapped).toEqual([...Array(40).keys()].map((i) => i * 2));
  });
});

describe('jsonText', () => {
  it('writes what JSON.stringify writes, for any JSON value and for the values JSON leaves out', async () => {
    const odd = fc.constantFrom(undefined, () => 1, Symbol('s'), new Date(0), { toJSON: () => 'own' }, Object.create(null));
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, fc.jsonValue({ maxDepth: 2 }), odd, fc.array(tie('node'), { maxLength: 4 }), fc.dictionary(fc.string(), tie('node'), { maxKeys: 4 })),
    })).node;
    await fc.assert(
      fc.asyncProperty(value, async (v) => {
        expect(text(await jsonText(v))).toBe(JSON.stringify(v));
      }),
      { numRuns: 500 },
    );
  });

  it('writes an ordinary answer as one string, at once', () => {
    const answer = { id: 'x', choices: [{ index: 0, message: { content: 'hi' } }], usage: { total_tokens: 3 } };
    expect(jsonText(answer)).toBe(JSON.stringify(answer));
  });

  it('writes a large batch over several turns, to the same bytes', async () => {
    const element = (i: number) => ({ id: `a${i}`, choices: [{ index: 0, logprobs: { content: Array.from({ length: 2000 }, (_, t) => ({ token: `t${t}`, logprob: -t / 7, top_logprobs: [{ token: 'é', logprob: -1 }] })) } }] });
    const batch = Array.from({ length: 64 }, (_, i) => element(i));
    const body = { status: { complete: true }, items: batch, after: undefined, note: 'ünï' };
    for (const value of [batch, body]) {
      let written: string | Buffer[] = '';
      expect(await yieldsBeforeSettling(async () => (written = await jsonText(value)))).toBe(true);
      expect(text(written)).toBe(JSON.stringify(value));
    }
  });
});
