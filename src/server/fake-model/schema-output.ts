/**
 * @module Schema-valid JSON: samples an instance, checks it with ajv (draft 2020-12 with
 * ajv-formats, the same checker the project validates with) and retries with fresh draws until
 * one passes. Also the one place JSON text is written, ASCII-only (see `toAsciiJson`).
 */
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { finishSteps, type Steps } from '../../event-loop/steps.js';
import type { TurnBudget } from '../../event-loop/turn-budget.js';
import type { Rng } from './random.js';
import { canonicalJson, writeJsonSteps } from './json-writer.js';
import { CHECKED_CHARS, linearRegExp } from './linear-pattern.js';
import { sampleSchemaSteps, unlimitedRoom, type JsonSchema, type Room } from './schema-sampler.js';

type Check = (value: unknown) => boolean;

/** Samples per schema before giving up and returning the last (possibly invalid) sample. */
const ATTEMPTS = 24;
/** Compiled checkers kept; request schemas repeat, and compiling is the slow part. */
const CACHE_LIMIT = 256;

const ajv = new Ajv2020.default({
  strict: false,
  // User schemas may carry draft-04/07 leftovers; check instances, not the schema itself.
  validateSchema: false,
  addUsedSchema: false,
  allErrors: false,
  // The request's patterns, on a linear-time engine (see linear-pattern.ts).
  code: { regExp: linearRegExp },
});
addFormats.default(ajv);

const cache = new Map<string, Check | null>();

/**
 * Schemas with more members than this (object members and array items, all through) are not
 * compiled: ajv compiles a request's schema in one turn, some tenths of a millisecond per member
 * (100 properties: tens of milliseconds; 20,000: seconds). Their samples go unchecked, as those of
 * a schema ajv cannot compile do; the sampler follows the schema's keywords either way.
 */
const MAX_CHECKED_MEMBERS = 128;

/** A checker for `schema`, or null when ajv cannot compile it, or not quickly (then samples go unchecked). */
export function checkerFor(schema: JsonSchema): Check | null {
  if (membersPast(schema, MAX_CHECKED_MEMBERS)) return null;
  const key = canonicalJson(schema);
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  let check: Check | null;
  try {
    const body = typeof schema === 'boolean' ? schema : withoutDialect(schema);
    const validate = ajv.compile(body as object);
    check = (value) => validate(value) === true;
  } catch {
    check = null;
  }
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(key, check);
  return check;
}

/**
 * Whether `value` holds more than `limit` object members and array items; stops counting past it.
 * Counts an object's keys before reading a value: `Object.values` of 100,000 properties parsed from
 * a body took five times as long as their keys.
 */
function membersPast(value: unknown, limit: number): boolean {
  const pending: unknown[] = [value];
  let count = 0;
  while (pending.length > 0) {
    const node = pending.pop();
    if (typeof node !== 'object' || node === null) continue;
    if (Array.isArray(node)) {
      count += node.length;
      if (count > limit) return true;
      for (const child of node) pending.push(child);
    } else {
      const keys = Object.keys(node);
      count += keys.length;
      if (count > limit) return true;
      for (const key of keys) pending.push((node as Record<string, unknown>)[key]);
    }
  }
  return false;
}

/** `$schema` names a meta-schema ajv may not have loaded; the keywords are what matter here. */
function withoutDialect(schema: { readonly [keyword: string]: unknown }): object {
  const { $schema: _dialect, ...rest } = schema;
  return rest;
}

/** An instance of `schema` that passes ajv when any of `ATTEMPTS` samples does. */
export function sampleValid(schema: JsonSchema, rng: Rng): unknown {
  return finishSteps(sampleValidSteps(schema, rng, undefined, Infinity));
}

/**
 * `sampleValid` as steps that yield when `budget` is spent (a schema of thousands of members is
 * sampled over several turns), each sample stopped once its JSON is `room` characters long: one
 * that long is cut at the answer's token budget, so it is not checked (its end is never shown);
 * nor is one past `CHECKED_CHARS`.
 */
export function* sampleValidSteps(schema: JsonSchema, rng: Rng, budget: TurnBudget | undefined, room: number): Steps<unknown> {
  const check = checkerFor(schema);
  let value: unknown = null;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const made: Room = { ...unlimitedRoom(), limit: room };
    value = yield* sampleSchemaSteps(schema, attempt === 0 ? rng : rng.fork(`schema-attempt-${attempt}`), budget, made);
    if (made.cut || check === null || made.written > CHECKED_CHARS || check(value)) return value;
  }
  return value;
}

/**
 * Compact JSON with every non-ASCII character escaped as `\uXXXX`. The parsed value is the same,
 * and ASCII text tokenizes into tokens that are each complete strings (see `tokenizer.ts`).
 * Escaped a run at a time, each escape made once: a call per character took 70-130 ms for a
 * schema-given key of 100,000 CJK characters (a fuzz case), this a third of it.
 */
export function toAsciiJson(value: unknown): string {
  return finishSteps(asciiJsonSteps(value, undefined));
}

/**
 * `toAsciiJson` as steps that yield when `budget` is spent: `JSON.stringify`'s text, written a
 * member at a time (an answer to a schema of 100,000 properties took 15-50 ms in one call).
 */
export function* asciiJsonSteps(value: unknown, budget: TurnBudget | undefined): Steps<string> {
  // Joined a few thousand pieces at a time: a string grown by millions of `+=` is flattened by its
  // first reader in one go (a quarter of a second for 16 MB).
  const chunks: string[] = [];
  let pieces: string[] = [];
  yield* writeJsonSteps(value, (text) => {
    pieces.push(asciiOnly(text));
    if (pieces.length === PIECES_PER_CHUNK) {
      chunks.push(pieces.join(''));
      pieces = [];
    }
  }, budget, 'own');
  chunks.push(pieces.join(''));
  return chunks.join('');
}

/** Pieces of an answer's JSON joined into one flat chunk at a time. */
const PIECES_PER_CHUNK = 4096;

function asciiOnly(json: string): string {
  return json.replace(/[\u007f-\uffff]+/g, (run) => {
    let escaped = '';
    for (let i = 0; i < run.length; i++) escaped += escapeOf(run.charCodeAt(i));
    return escaped;
  });
}

const escapes: string[] = [];

function escapeOf(code: number): string {
  return (escapes[code] ??= `\\u${code.toString(16).padStart(4, '0')}`);
}
