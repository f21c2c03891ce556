import { describe, expect, it } from 'vitest';
import { countTokens, FinishReason, generate, type JsonSchema } from '../../../src/server/fake-model/index.js';
import { makeAjv, seeds } from './helpers.js';

const ajv = makeAjv();

/** Schemas of the kinds clients send, each exercising different keywords. */
const SCHEMAS: Record<string, JsonSchema> = {
  nested: {
    type: 'object',
    properties: {
      user: {
        type: 'object',
        properties: {
          name: { type: 'string', minLength: 3, maxLength: 40 },
          email: { type: 'string', format: 'email' },
          address: { type: 'object', properties: { city: { type: 'string' }, zip: { type: 'string', pattern: '^[0-9]{5}$' } }, required: ['city', 'zip'], additionalProperties: false },
        },
        required: ['name', 'email', 'address'],
        additionalProperties: false,
      },
      createdAt: { type: 'string', format: 'date-time' },
    },
    required: ['user', 'createdAt'],
    additionalProperties: false,
  },
  arrays: {
    type: 'object',
    properties: {
      tags: { type: 'array', items: { type: 'string', enum: ['red', 'green', 'blue', 'black'] }, minItems: 2, maxItems: 4, uniqueItems: true },
      matrix: { type: 'array', items: { type: 'array', items: { type: 'integer' }, minItems: 3, maxItems: 3 }, minItems: 2 },
      pair: { type: 'array', prefixItems: [{ type: 'string' }, { type: 'number' }], items: false },
      withTwo: { type: 'array', contains: { const: 2 }, items: { type: 'integer', minimum: 0, maximum: 5 } },
    },
    required: ['tags', 'matrix', 'pair', 'withTwo'],
  },
  numbers: {
    type: 'object',
    properties: {
      age: { type: 'integer', minimum: 18, maximum: 99 },
      ratio: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
      price: { type: 'number', minimum: 10.5, maximum: 10.75 },
      step: { type: 'number', multipleOf: 0.25, minimum: 1, maximum: 3 },
      even: { type: 'integer', multipleOf: 2, minimum: -10, maximum: -2 },
      negative: { type: 'number', maximum: -1000 },
    },
    required: ['age', 'ratio', 'price', 'step', 'even', 'negative'],
  },
  enumsAndFormats: {
    type: 'object',
    properties: {
      status: { enum: ['active', 'inactive', 'pending'] },
      level: { type: 'integer', enum: [1, 2, 3] },
      id: { type: 'string', format: 'uuid' },
      site: { type: 'string', format: 'uri' },
      day: { type: 'string', format: 'date' },
      at: { type: 'string', format: 'time' },
      host: { type: 'string', format: 'hostname' },
      ip: { type: 'string', format: 'ipv4' },
      fixed: { const: 'v1' },
      note: { type: ['string', 'null'] },
      code: { type: 'string', pattern: '^[A-Z]{3}-\\d{2,4}$' },
    },
    required: ['status', 'level', 'id', 'site', 'day', 'at', 'host', 'ip', 'fixed', 'note', 'code'],
  },
  oneOf: {
    type: 'object',
    properties: {
      shape: {
        oneOf: [
          { type: 'object', properties: { kind: { const: 'circle' }, radius: { type: 'number', minimum: 0 } }, required: ['kind', 'radius'], additionalProperties: false },
          { type: 'object', properties: { kind: { const: 'square' }, side: { type: 'number', minimum: 0 } }, required: ['kind', 'side'], additionalProperties: false },
        ],
      },
      value: { oneOf: [{ type: 'integer' }, { type: 'string', minLength: 1 }] },
      either: { anyOf: [{ type: 'boolean' }, { type: 'null' }] },
    },
    required: ['shape', 'value', 'either'],
  },
  refsAndAllOf: {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $defs: {
      person: { type: 'object', properties: { name: { type: 'string' }, friends: { type: 'array', items: { $ref: '#/$defs/person' }, maxItems: 2 } }, required: ['name'] },
      stamped: { type: 'object', properties: { at: { type: 'string', format: 'date-time' } }, required: ['at'] },
    },
    allOf: [{ $ref: '#/$defs/stamped' }, { type: 'object', properties: { owner: { $ref: '#/$defs/person' } }, required: ['owner'] }],
  },
  draft07: {
    $schema: 'http://json-schema.org/draft-07/schema#',
    definitions: { item: { type: 'object', properties: { sku: { type: 'string', minLength: 4 }, qty: { type: 'integer', minimum: 1 } }, required: ['sku', 'qty'] } },
    type: 'object',
    properties: { items: { type: 'array', items: { $ref: '#/definitions/item' }, minItems: 3 } },
    required: ['items'],
  },
  mapAndMinProperties: {
    type: 'object',
    additionalProperties: { type: 'integer', minimum: 0 },
    minProperties: 4,
  },
  topLevelArray: { type: 'array', items: { type: 'string', format: 'email' }, minItems: 5 },
  unicodeEnum: { type: 'object', properties: { city: { enum: ['Zürich', 'São Paulo', '東京'] } }, required: ['city'] },
};

describe('json_schema response format', () => {
  for (const [name, schema] of Object.entries(SCHEMAS)) {
    it(`writes JSON valid against the "${name}" schema`, () => {
      // Ajv2020 has no draft-07 meta-schema loaded; the draft-07 keywords used here check the same.
      const { $schema, ...body } = schema as Record<string, unknown>;
      const validate = ajv.compile(typeof $schema === 'string' && $schema.includes('draft-07') ? body : (schema as object));
      for (const seed of seeds(12)) {
        const choice = generate({ prompt: `fill ${name}`, seed, responseFormat: { type: 'json_schema', schema } }, { seed: 17 }).choices[0];
        expect(choice?.finishReason).toBe(FinishReason.EndOfText);
        const value: unknown = JSON.parse(choice?.text ?? '');
        expect(validate(value), `${name} seed ${seed}: ${choice?.text}\n${ajv.errorsText(validate.errors)}`).toBe(true);
        expect(choice?.text).toMatch(/^[\x20-\x7e]*$/);
        expect(choice?.completionTokens).toBe(countTokens(choice?.text ?? ''));
      }
    });
  }

  it('varies the instance with the seed', () => {
    const texts = seeds(6).map((seed) => generate({ prompt: 'x', seed, responseFormat: { type: 'json_schema', schema: SCHEMAS.numbers } }, { seed: 1 }).choices[0]?.text);
    expect(new Set(texts).size).toBeGreaterThan(1);
  });

  it('keeps non-ASCII enum values exact through \\u escapes', () => {
    const values = new Set(seeds(20).map((seed) => (JSON.parse(generate({ prompt: 'c', seed, responseFormat: { type: 'json_schema', schema: SCHEMAS.unicodeEnum } }, { seed: 2 }).choices[0]?.text ?? '') as { city: string }).city));
    for (const value of values) expect(['Zürich', 'São Paulo', '東京']).toContain(value);
  });

  it('cuts JSON at the token budget like a real model (invalid JSON, finish max_tokens)', () => {
    const choice = generate({ prompt: 'x', maxTokens: 5, responseFormat: { type: 'json_schema', schema: SCHEMAS.nested } }, { seed: 1 }).choices[0];
    expect(choice?.finishReason).toBe(FinishReason.MaxTokens);
    expect(choice?.tokens).toHaveLength(5);
    expect(() => JSON.parse(choice?.text ?? '')).toThrow();
  });
});

describe('json_object response format', () => {
  it('writes a parseable JSON object, deterministically', () => {
    for (const seed of seeds(15)) {
      const request = { prompt: 'give me JSON', seed, responseFormat: { type: 'json_object' as const } };
      const text = generate(request, { seed: 4 }).choices[0]?.text ?? '';
      const value: unknown = JSON.parse(text);
      expect(typeof value).toBe('object');
      expect(Array.isArray(value)).toBe(false);
      expect(Object.keys(value as object).length).toBeGreaterThanOrEqual(2);
      expect(generate(request, { seed: 4 }).choices[0]?.text).toBe(text);
    }
  });

  it('treats json_schema without a schema as json_object', () => {
    const text = generate({ prompt: 'x', responseFormat: { type: 'json_schema' } }, { seed: 4 }).choices[0]?.text ?? '';
    expect(typeof JSON.parse(text)).toBe('object');
  });
});
