import { describe, expect, it } from 'vitest';
import type { JsonSchema } from '../../../src/server/fake-model/index.js';
import { Rng } from '../../../src/server/fake-model/random.js';
import { sampleFromPattern } from '../../../src/server/fake-model/regex-sampler.js';
import { checkerFor, sampleValid } from '../../../src/server/fake-model/schema-output.js';
import { sampleSchema } from '../../../src/server/fake-model/schema-sampler.js';
import { makeAjv } from './helpers.js';

const ajv = makeAjv();

describe('schema sampler', () => {
  const hard: Record<string, JsonSchema> = {
    overlappingOneOf: { oneOf: [{ type: 'integer' }, { type: 'number' }] },
    not: { type: 'string', not: { enum: ['system', 'model'] } },
    ifThenElse: {
      type: 'object',
      properties: { country: { enum: ['US', 'CA'] }, zip: { type: 'string' } },
      required: ['country', 'zip'],
      if: { properties: { country: { const: 'US' } } },
      then: { properties: { zip: { pattern: '^\\d{5}$' } } },
      else: { properties: { zip: { pattern: '^[A-Z]\\d[A-Z] \\d[A-Z]\\d$' } } },
    },
    patternProperties: { type: 'object', patternProperties: { '^x-[a-z]+$': { type: 'integer' } }, additionalProperties: false, minProperties: 2 },
    dependentRequired: { type: 'object', properties: { a: { type: 'string' }, b: { type: 'string' } }, required: ['a'], dependentRequired: { a: ['b'] } },
    recursiveTree: { $defs: { node: { type: 'object', properties: { v: { type: 'integer' }, kids: { type: 'array', items: { $ref: '#/$defs/node' } } }, required: ['v', 'kids'] } }, $ref: '#/$defs/node' },
    lengths: { type: 'object', properties: { long: { type: 'string', minLength: 50, maxLength: 60 }, short: { type: 'string', minLength: 1, maxLength: 2 } }, required: ['long', 'short'] },
    floatStep: { type: 'number', multipleOf: 0.01, minimum: 0, maximum: 1 },
    exclusiveInteger: { type: 'integer', exclusiveMinimum: 1, exclusiveMaximum: 3 },
    anything: true,
  };

  for (const [name, schema] of Object.entries(hard)) {
    it(`finds a valid instance for ${name}`, () => {
      const validate = ajv.compile(schema as object);
      for (let seed = 0; seed < 40; seed++) {
        const value = sampleValid(schema, new Rng(seed));
        expect(validate(value), `${JSON.stringify(value)} ${ajv.errorsText(validate.errors)}`).toBe(true);
      }
    });
  }

  it('is valid on the first draw for common schemas (retries are the exception)', () => {
    const schema: JsonSchema = { type: 'object', properties: { a: { type: 'string', format: 'email' }, b: { type: 'array', items: { type: 'integer', minimum: 3 }, minItems: 2 } }, required: ['a', 'b'] };
    const validate = ajv.compile(schema as object);
    for (let seed = 0; seed < 50; seed++) expect(validate(sampleSchema(schema, new Rng(seed)))).toBe(true);
  });

  it('draws readable numbers from bounds that only say "any safe integer" (zod, pydantic), and keeps to the bounds it is given', () => {
    const cases: Array<[JsonSchema, number, number]> = [
      [{ type: 'integer', minimum: Number.MIN_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER }, 0, 100],
      [{ type: 'number', minimum: -1e308, maximum: 1e308 }, 0, 100],
      [{ type: 'integer', maximum: Number.MAX_SAFE_INTEGER }, 0, 100],
      [{ type: 'integer', minimum: Number.MIN_SAFE_INTEGER, maximum: -5000 }, -5100, -5000],
      [{ type: 'integer', minimum: 10_000, maximum: Number.MAX_SAFE_INTEGER }, 10_000, 10_100],
      [{ type: 'integer', minimum: 40, maximum: 60 }, 40, 60],
      [{ type: 'number', exclusiveMinimum: 0, maximum: 1e12 }, 0, 100],
      [{ type: 'integer', minimum: 150, maximum: 1e9, multipleOf: 1000 }, 1000, 1e9],
    ];
    for (const [schema, low, high] of cases) {
      const validate = ajv.compile(schema as object);
      for (let seed = 0; seed < 30; seed++) {
        const value = sampleSchema(schema, new Rng(seed)) as number;
        expect(validate(value), `${JSON.stringify(schema)}: ${value}`).toBe(true);
        expect(value, JSON.stringify(schema)).toBeGreaterThanOrEqual(low);
        expect(value, JSON.stringify(schema)).toBeLessThanOrEqual(high);
      }
    }
  });
});

describe('pattern sampler', () => {
  const patterns = ['^[A-Z]{3}-\\d{2,4}$', '^(foo|bar)+[^abc]{2}\\w*$', '^\\+?[1-9]\\d{1,14}$', '^[a-z0-9._%+-]+@[a-z0-9.-]+\\.[a-z]{2,}$', 'abc', '^(?:[01]\\d|2[0-3]):[0-5]\\d$', '^\\S+\\s\\S+$'];
  for (const pattern of patterns) {
    it(`matches ${pattern}`, () => {
      const regex = new RegExp(pattern, 'u');
      for (let seed = 0; seed < 30; seed++) {
        const value = sampleFromPattern(pattern, new Rng(seed));
        expect(value).toBeDefined();
        expect(regex.test(value ?? '')).toBe(true);
      }
    });
  }
});

describe('a request\'s own patterns run in linear time', () => {
  // `^(a+)+$` against 40 `a`s and a `!` backtracks 2^40 times in V8's engine: each of these calls
  // took seconds at 22 `a`s on the old code, and would not end at 40.
  const evil = '^(a+)+$';
  const word = `${'a'.repeat(40)}!`;

  it('checks a sample against an evil pattern at once (the enum cannot match it, so every retry checks)', () => {
    expect(sampleValid({ type: 'string', pattern: evil, enum: [word] }, new Rng(1))).toBe(word);
  });

  it('tries a long required name against an evil patternProperties key pattern at once', () => {
    const value = sampleSchema({ type: 'object', patternProperties: { [evil]: { type: 'integer' } }, required: [word] }, new Rng(2)) as Record<string, unknown>;
    expect(Object.keys(value)).toContain(word);
  });

  it('a pattern RE2 cannot run (a lookahead) gives no pattern sample and matches no key; the schema is still sampled', () => {
    expect(sampleFromPattern('^(?=x)x+$', new Rng(3))).toBeUndefined();
    const value = sampleSchema({ type: 'object', patternProperties: { '^(?=k)k$': { type: 'integer' } }, required: ['k'] }, new Rng(4)) as Record<string, unknown>;
    expect(Object.keys(value)).toEqual(['k']);
  });
});

describe('schemas of thousands of properties', () => {
  const properties = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`p${i}`, { type: 'string' }]));

  it('are not compiled to check the samples (a compile of one took seconds in one turn); small ones are', () => {
    const wide = { type: 'object', properties: properties(20_000), required: Object.keys(properties(20_000)) };
    expect(checkerFor(wide)).toBeNull();
    const small = checkerFor({ type: 'object', properties: properties(8), required: ['p0'] });
    expect(small?.({ p0: 'x' })).toBe(true);
    expect(small?.({ p1: 'x' })).toBe(false);
  });

  it('are sampled with every required property, in the schema\'s order', () => {
    const wide = { type: 'object', properties: properties(20_000), required: Object.keys(properties(20_000)), additionalProperties: false };
    const value = sampleValid(wide, new Rng(3)) as Record<string, unknown>;
    expect(Object.keys(value)).toEqual(Object.keys(properties(20_000)));
    expect(Object.values(value).every((v) => typeof v === 'string')).toBe(true);
  });
});
