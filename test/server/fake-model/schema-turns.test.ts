/**
 * A structured answer's work grows with its schema (a `json_schema` or a tool's parameters of tens
 * of thousands of properties, `enum` values, `required` names), so the fake model does all of it in
 * the caller's turn budget: the request hash over the schema (keys sorted in steps, long strings in
 * pieces), the sample, and the answer's JSON text. The tests count the turns the work waits for in a
 * budget that is always spent (structure, never timings) and hold the answers to what the work done
 * at once gives, byte for byte.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FinishReason, generate, generateInTurns, UnknownToolError, type GenerateRequest, type JsonSchema } from '../../../src/server/fake-model/index.js';
import { canonicalJson, writeJsonSteps } from '../../../src/server/fake-model/json-writer.js';
import { Rng } from '../../../src/server/fake-model/random.js';
import { asciiJsonSteps, toAsciiJson } from '../../../src/server/fake-model/schema-output.js';
import { sampleSchema, sampleSchemaSteps, unlimitedRoom } from '../../../src/server/fake-model/schema-sampler.js';
import { finishSteps, type Steps } from '../../../src/event-loop/steps.js';
import { sortedSteps } from '../../../src/event-loop/sorted-steps.js';
import { CountingBudget } from './helpers.js';


/** Steps run to their end, the number of times they yielded beside their result. */
function yieldsOf<T>(steps: Steps<T>): { value: T; yields: number } {
  let yields = 0;
  for (;;) {
    const step = steps.next();
    if (step.done) return { value: step.value, yields };
    yields++;
  }
}

const properties = (count: number, each: (i: number) => unknown = () => ({ type: 'string' })) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`field_${i}`, each(i)]));

describe('sampling a schema of 20,000 properties', () => {
  const schema: JsonSchema = { type: 'object', properties: properties(20_000), required: ['field_7', 'field_19999'] };

  it('yields as it goes in a spent budget (every 256 values and list members), to the instance sampled at once', () => {
    const { value, yields } = yieldsOf(sampleSchemaSteps(schema, new Rng(5), new CountingBudget(), unlimitedRoom()));
    expect(yields).toBeGreaterThan(20_000 / 256);
    expect(value).toEqual(sampleSchema(schema, new Rng(5)));
  });

  it('never yields without a budget', () => {
    expect(yieldsOf(sampleSchemaSteps(schema, new Rng(5), undefined, unlimitedRoom())).yields).toBe(0);
  });

  it('writes the answer\'s JSON a member at a time, to the text written at once', () => {
    const value = sampleSchema(schema, new Rng(5));
    const { value: json, yields } = yieldsOf(asciiJsonSteps(value, new CountingBudget()));
    expect(yields).toBeGreaterThan(Object.keys(value as object).length / 256);
    expect(json).toBe(toAsciiJson(value));
    expect(json).toBe(JSON.stringify(value));
  });

  it('answers a json_schema request over hundreds of turns, to the answer made at once', async () => {
    const request: GenerateRequest = { prompt: 'Fill the form.', responseFormat: { type: 'json_schema', schema }, maxTokens: 3000, temperature: 0.6, seed: 11 };
    const budget = new CountingBudget();
    const made = await generateInTurns(request, { seed: 3 }, budget);
    expect(budget.turns).toBeGreaterThan(20_000 / 256);
    expect(made).toEqual(generate(request, { seed: 3 }));
  });
});

describe('the request hash', () => {
  it('reads a schema whose answer is tiny over many turns: 90,000 unused members are hashed in the caller\'s budget', async () => {
    const schema: JsonSchema = { type: 'object', properties: { a: { type: 'string' } }, required: ['a'], additionalProperties: false, $defs: { unused: { properties: properties(90_000, () => ({})) } } };
    const request: GenerateRequest = { prompt: 'Fill the form.', responseFormat: { type: 'json_schema', schema }, maxTokens: 50 };
    const budget = new CountingBudget();
    const made = await generateInTurns(request, { seed: 3 }, budget);
    // The sorted keys, then the keys and values, a look at the budget every 256 (the answer itself is a few tokens).
    expect(budget.turns).toBeGreaterThan(90_000 / 256);
    expect(made).toEqual(generate(request, { seed: 3 }));
  });

  it('depends on the schema beyond its first 100,000 characters: another unused member, another answer', () => {
    const request = (last: string): GenerateRequest => ({ prompt: 'Fill the form.', responseFormat: { type: 'json_schema', schema: { type: 'object', properties: { a: { type: 'string' } }, $defs: { ...properties(9_000), [last]: {} } } } });
    expect(generate(request('zz_last'), { seed: 1 }).choices[0]?.text).not.toBe(generate(request('zz_other'), { seed: 1 }).choices[0]?.text);
  });

  it('refuses a named tool that is not declared as before, when the hash of large tools took turns', async () => {
    const tools = [{ name: 'fill_form', parameters: { type: 'object', properties: properties(5_000) } }];
    const request: GenerateRequest = { prompt: 'Fill the form.', tools, toolChoice: { name: 'no_such_tool' } };
    expect(() => generate(request, { seed: 1 })).toThrow(UnknownToolError);
    await expect(generateInTurns(request, { seed: 1 }, new CountingBudget())).rejects.toThrow(UnknownToolError);
  });
});

describe('canonical JSON in steps', () => {
  it('writes pieces that join to the text made at once (keys sorted in steps, as sort() sorts them, past 512)', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 3 }), fc.array(fc.string({ unit: 'binary' }), { minLength: 600, maxLength: 1500 }), (value, keys) => {
        const wide = { value, wide: Object.fromEntries(keys.map((key, i) => [key, i])) };
        let joined = '';
        finishSteps(writeJsonSteps(wide, (text) => (joined += text), new CountingBudget(), 'sorted'));
        expect(joined).toBe(canonicalJson(wide));
        expect(JSON.parse(joined)).toEqual(JSON.parse(JSON.stringify(wide)));
      }),
      { numRuns: 25 },
    );
  });

  it('escapes a long string in pieces as JSON.stringify escapes it whole, a surrogate pair on a piece edge included', () => {
    const edge = (1 << 16) - 1;
    for (const text of ['a'.repeat(edge) + '😀' + 'b'.repeat(200_000), 'x'.repeat(edge) + '\ud800' + '"\\\n\u2028'.repeat(40_000) + '\udc00']) {
      let joined = '';
      finishSteps(writeJsonSteps({ text }, (piece) => (joined += piece), new CountingBudget(), 'sorted'));
      expect(joined).toBe(`{"text":${JSON.stringify(text)}}`);
    }
  });

  it('sorts as sort() does in a spent budget, yielding as it merges', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary' }), { minLength: 0, maxLength: 3000 }), (items) => {
        const { value, yields } = yieldsOf(sortedSteps(items, new CountingBudget()));
        expect(value).toEqual(items.slice().sort());
        if (items.length > 512) expect(yields).toBeGreaterThan(0);
      }),
      { numRuns: 30 },
    );
  });
});

describe('references in a large schema', () => {
  it('resolves 2,000 anchors and ids from one index, to what a walk per reference found', () => {
    const defs = Object.fromEntries(Array.from({ length: 2_000 }, (_, i) => [`d${i}`, { $anchor: `a${i}`, $id: `http://example.com/s/d${i}.json`, type: 'integer', minimum: i, maximum: i }]));
    const schema: JsonSchema = { $defs: { ...defs, first: { $anchor: 'a5', const: 'first wins' } }, type: 'object', properties: properties(2_000, (i) => (i % 2 ? { $ref: `#a${i}` } : { $ref: `s/d${i}.json` })), required: Object.keys(properties(2_000)) };
    const value = sampleSchema(schema, new Rng(1)) as Record<string, number>;
    for (let i = 0; i < 2_000; i++) expect(value[`field_${i}`]).toBe(i);
  });
});

describe('a schema that asks for more than an answer can show', () => {
  const text = (request: GenerateRequest) => generate(request, { seed: 2 }).choices[0]!;
  const ints = (minItems: number): JsonSchema => ({ type: 'array', items: { type: 'integer' }, minItems });

  it('is sampled only as far as the budget can show: the start of the answer a larger budget gets in full', () => {
    const schema = ints(100_000);
    const whole = text({ prompt: 'Count.', responseFormat: { type: 'json_schema', schema }, maxTokens: 1_000_000 });
    expect(whole.finishReason).toBe(FinishReason.EndOfText);
    expect((JSON.parse(whole.text) as number[]).length).toBeGreaterThanOrEqual(100_000);
    const cut = text({ prompt: 'Count.', responseFormat: { type: 'json_schema', schema }, maxTokens: 20 });
    expect(cut.finishReason).toBe(FinishReason.MaxTokens);
    expect(cut.completionTokens).toBe(20);
    expect(whole.text.startsWith(cut.text)).toBe(true);
  });

  it('answers a hundred million values (minItems 100, four arrays deep) with the budget\'s tokens, each budget the start of a larger one', () => {
    const schema: JsonSchema = { type: 'array', minItems: 100, items: { type: 'array', minItems: 100, items: { type: 'array', minItems: 100, items: ints(100) } } };
    const small = text({ prompt: 'Fill.', responseFormat: { type: 'json_schema', schema }, maxTokens: 30 });
    const larger = text({ prompt: 'Fill.', responseFormat: { type: 'json_schema', schema }, maxTokens: 3_000 });
    expect([small.finishReason, larger.finishReason]).toEqual([FinishReason.MaxTokens, FinishReason.MaxTokens]);
    expect([small.completionTokens, larger.completionTokens]).toEqual([30, 3_000]);
    expect(larger.text.startsWith(small.text)).toBe(true);
  });

  it('gives tool-call arguments that cannot fit as the raw call cut at the budget', () => {
    const parameters: JsonSchema = { type: 'object', properties: { text: { type: 'string', minLength: 1_000_000_000 } }, required: ['text'] };
    const choice = text({ prompt: 'Write.', tools: [{ name: 'write', parameters }], toolChoice: 'required', maxTokens: 40 });
    expect(choice.toolCalls).toEqual([]);
    expect(choice.finishReason).toBe(FinishReason.MaxTokens);
    expect(choice.text.startsWith('{"name":"write","arguments":{"text":"')).toBe(true);
  });

  it('writes words for a pattern of a billion characters, as for a pattern it cannot follow', () => {
    const schema: JsonSchema = { type: 'object', properties: { code: { type: 'string', pattern: '^a{1000000000}$' } }, required: ['code'] };
    const choice = text({ prompt: 'Code?', responseFormat: { type: 'json_schema', schema }, maxTokens: 100 });
    expect(typeof (JSON.parse(choice.text) as { code: unknown }).code).toBe('string');
  });
});
