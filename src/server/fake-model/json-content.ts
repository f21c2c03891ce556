/**
 * @module JSON content for structured answers (`json_object`, `json_schema`) and tool-call
 * arguments: a value from `schema-output.ts`, written as compact ASCII JSON.
 */
import type { Steps } from '../../event-loop/steps.js';
import type { TurnBudget } from '../../event-loop/turn-budget.js';
import type { Rng } from './random.js';
import type { JsonSchema } from './schema-sampler.js';
import { asciiJsonSteps, sampleValid, sampleValidSteps, toAsciiJson } from './schema-output.js';
import { MAX_TOKEN_CHARS } from './tokenizer.js';
import { JSON_KEYS } from './word-bank.js';

/** The type each free-form key gets, so that `{"score": ...}` holds a number, not a word. */
const KEY_SCHEMAS: Record<string, JsonSchema> = {
  score: { type: 'number', minimum: 0, maximum: 1 },
  confidence: { type: 'number', minimum: 0, maximum: 1 },
  count: { type: 'integer', minimum: 0, maximum: 500 },
  total: { type: 'integer', minimum: 0, maximum: 5000 },
  priority: { type: 'integer', minimum: 1, maximum: 5 },
  steps: { type: 'array', items: { type: 'string' }, minItems: 2, maxItems: 4 },
  items: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 4 },
  tags: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 4 },
  valid: { type: 'boolean' },
  details: { type: 'object', properties: { note: { type: 'string' }, count: { type: 'integer', minimum: 0, maximum: 99 } }, required: ['note', 'count'] },
};

/** A JSON object of 2 to 5 keys of the model's choosing (`json_object`). */
export function freeJsonObject(rng: Rng): string {
  const keys: string[] = [];
  const wanted = rng.int(2, 5);
  while (keys.length < wanted) {
    const key = rng.pick(JSON_KEYS);
    if (!keys.includes(key)) keys.push(key);
  }
  const properties: Record<string, JsonSchema> = {};
  for (const key of keys) properties[key] = KEY_SCHEMAS[key] ?? { type: 'string' };
  return toAsciiJson(sampleValid({ type: 'object', properties, required: keys, additionalProperties: false }, rng));
}

/**
 * Characters past which a text surely has more than `tokens` tokens (none holds more than
 * `MAX_TOKEN_CHARS`): JSON that long is cut at a budget of `tokens`, and what lies past it is never shown.
 */
export const roomFor = (tokens: number): number => (tokens + 1) * MAX_TOKEN_CHARS + 1;

/**
 * JSON valid against `schema` (`json_schema`; absent schema: any object), as steps that yield when
 * `budget` is spent: the schema may have thousands of members. Written only as far as an answer of
 * `tokens` tokens can show (see `roomFor`).
 */
export function* schemaJson(schema: JsonSchema | undefined, rng: Rng, budget: TurnBudget | undefined, tokens: number): Steps<string> {
  return schema === undefined ? freeJsonObject(rng) : yield* asciiJsonSteps(yield* sampleValidSteps(schema, rng, budget, roomFor(tokens)), budget);
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Tool-call arguments, as steps that yield when `budget` is spent, written only as far as `tokens`
 * tokens can show. A function that declares no parameters (none, `{}`, or an object schema with no
 * properties and no other constraints) is called with `{}`, as real models do, rather than with
 * invented keys.
 */
export function* toolArguments(parameters: JsonSchema | undefined, rng: Rng, budget: TurnBudget | undefined, tokens: number): Steps<string> {
  if (parameters === undefined || parameters === true) return '{}';
  if (isObject(parameters)) {
    const constraining = Object.keys(parameters).filter((k) => !['type', 'properties', 'required', 'additionalProperties', '$schema', 'title', 'description'].includes(k));
    const noProps = !isObject(parameters.properties) || Object.keys(parameters.properties).length === 0;
    const open = parameters.additionalProperties === undefined || typeof parameters.additionalProperties === 'boolean';
    if (noProps && open && constraining.length === 0) return '{}';
  }
  return yield* asciiJsonSteps(yield* sampleValidSteps(parameters, rng, budget, roomFor(tokens)), budget);
}
