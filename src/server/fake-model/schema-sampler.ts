/**
 * @module Instances of a JSON Schema (draft 2020-12, with draft-07 spellings accepted): the
 * values the fake model writes for `json_schema` response formats and tool-call arguments. It
 * aims to be valid on the first try; `schema-output.ts` checks each sample with ajv and retries,
 * so the rare miss (a `not`, an overlapping `oneOf`, a clash inside `allOf`) costs a retry only.
 *
 * A request's schema may have tens of thousands of members (properties, `enum` values, `anyOf`
 * branches, `required` names), so the sampler is written as steps (`src/event-loop/steps.ts`) that
 * yield when the caller's turn budget is spent: every few hundred values it samples and every few
 * hundred members of a loop over a schema's lists. A budget changes when the work is done, never a draw.
 *
 * A schema may also ask for more than any answer can show (`minItems: 100` four arrays deep is a
 * hundred million values; a `minLength` of a billion): the sampler is given the room in characters
 * past which the answer is surely cut at its token budget, and stops there (`Room.cut`), so such a
 * request costs what the visible part of its answer costs, and never the server's memory.
 */
import { finishSteps, type Steps } from '../../event-loop/steps.js';
import type { TurnBudget } from '../../event-loop/turn-budget.js';
import type { Rng } from './random.js';
import { canonicalJson } from './json-writer.js';
import { linearPattern, type LinearPattern } from './linear-pattern.js';
import { sampleFromPattern } from './regex-sampler.js';
import { formatValue } from './string-formats.js';
import { CITIES, JSON_KEYS, NOUNS, ADJECTIVES, PEOPLE, SURNAMES } from './word-bank.js';
import { answerSentence } from './sentence-writer.js';

/** A JSON Schema: an object of keywords, or `true` (anything) / `false` (nothing). */
export type JsonSchema = boolean | { readonly [keyword: string]: unknown };
type SchemaObject = Record<string, unknown>;

/** Past this depth, objects get their required properties only and arrays their minimum length. */
const MAX_DEPTH = 8;
/** A schema that requires infinite nesting has no instance; stop here with `null`. */
const HARD_DEPTH = 40;

interface Context {
  root: JsonSchema;
  rng: Rng;
  depth: number;
  /** Property name the value is for, used to pick fitting words ("city" -> a city name). */
  key?: string;
  /** The caller's turn budget (none: all at once). */
  budget: TurnBudget | undefined;
  /** What the whole sample shares (the context is copied for every value). */
  shared: {
    /** The root's `$anchor`s and `$id`s, indexed when a reference first needs them (one walk per sample, not one per reference). */
    targets?: RefTargets;
    /** Values sampled so far: the budget is looked at every `MEMBERS_PER_CHECK` (a small sample is made at once, whatever the budget). */
    values: number;
  };
  room: Room;
}

/**
 * How much of the answer's JSON text a sample may make. `written` never counts more characters than
 * the JSON of what was sampled holds (a scalar's own JSON and one separator per value, a key its
 * length and a quote), so once it reaches `limit` the text is at least that long.
 */
export interface Room {
  readonly limit: number;
  written: number;
  /** Whether the sample stopped at the limit (it is then unfinished, and only its start can be shown). */
  cut: boolean;
}

/** Room for a sample of any size. */
export const unlimitedRoom = (): Room => ({ limit: Infinity, written: 0, cut: false });

/** Whether the room is used up; marks the sample cut when it is. */
function full(room: Room): boolean {
  if (room.written < room.limit) return false;
  room.cut = true;
  return true;
}

/** Members of a schema's list handled between two looks at the budget. */
const MEMBERS_PER_CHECK = 256;

/** One instance of `schema`, deterministic in `rng`, made at once. */
export function sampleSchema(schema: JsonSchema, rng: Rng): unknown {
  return finishSteps(sampleSchemaSteps(schema, rng, undefined, unlimitedRoom()));
}

/**
 * `sampleSchema`, as steps that yield when `budget` is spent: the same draws, the same instance,
 * unless `room` runs out first (then the instance made so far, `room.cut` set).
 */
export function sampleSchemaSteps(schema: JsonSchema, rng: Rng, budget: TurnBudget | undefined, room: Room): Steps<unknown> {
  return sample(schema, { root: schema, rng, depth: 0, budget, shared: { values: 0 }, room });
}

const isObject = (value: unknown): value is SchemaObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const num = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

/**
 * Whether a loop over a schema's list is due to yield at member `index`: the budget is looked at once
 * every `MEMBERS_PER_CHECK` members. (A test, not a `pause` generator: one made per member costs more than the member.)
 */
const pauseDue = (index: number, budget: TurnBudget | undefined): boolean =>
  index % MEMBERS_PER_CHECK === MEMBERS_PER_CHECK - 1 && budget !== undefined && budget.spent();

/**
 * `{...source}`, a few hundred members between looks at the budget. Read by key: `Object.values` and
 * `Object.entries` of 100,000 properties parsed from a body take five times as long as their keys.
 */
function* copySteps(source: SchemaObject, budget: TurnBudget | undefined): Steps<SchemaObject> {
  const keys = Object.keys(source);
  if (keys.length <= MEMBERS_PER_CHECK) return { ...source };
  const copy: SchemaObject = {};
  for (let i = 0; i < keys.length; i++) {
    if (pauseDue(i, budget)) yield;
    setMember(copy, keys[i]!, source[keys[i]!]);
  }
  return copy;
}

/** `target[key] = value` as a spread sets it: `__proto__` becomes a member, not the prototype. */
function setMember(target: SchemaObject, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  else target[key] = value;
}

function* sample(schema: unknown, ctx: Context): Steps<unknown> {
  const value = yield* sampleValue(schema, ctx);
  ctx.room.written += scalarLength(value) + 1;
  return value;
}

/** Characters of a scalar's JSON at least (escapes only add); a container's are its members'. */
function scalarLength(value: unknown): number {
  switch (typeof value) {
    case 'string': return value.length + 2;
    case 'number': return String(value).length;
    case 'boolean': return value ? 4 : 5;
    default: return value === null ? 4 : 0;
  }
}

function* sampleValue(schema: unknown, ctx: Context): Steps<unknown> {
  if (pauseDue(ctx.shared.values++, ctx.budget)) yield;
  if (schema === false || ctx.depth > HARD_DEPTH) return null;
  if (!isObject(schema)) return freeValue(ctx);
  const s = yield* flatten(schema, ctx);
  if ('const' in s) return s.const;
  if (Array.isArray(s.enum) && s.enum.length > 0) return ctx.rng.pick(s.enum);
  const type = pickType(s, ctx.rng);
  switch (type) {
    case 'object': return yield* sampleObject(s, ctx);
    case 'array': return yield* sampleArray(s, ctx);
    case 'integer': return sampleNumber(s, ctx.rng, true);
    case 'number': return sampleNumber(s, ctx.rng, false);
    case 'boolean': return ctx.rng.chance(0.5);
    case 'null': return null;
    default: return yield* sampleString(s, ctx);
  }
}

/**
 * Resolves `$ref`, `allOf`, `oneOf`/`anyOf` and `if`/`then`/`else` into one plain schema by
 * merging, choosing a branch where there is a choice.
 */
function* flatten(schema: SchemaObject, ctx: Context, guard = 0): Steps<SchemaObject> {
  if (guard > 16) return schema;
  let s: SchemaObject = yield* copySteps(schema, ctx.budget);
  const ref = typeof s.$ref === 'string' ? s.$ref : typeof s.$dynamicRef === 'string' ? s.$dynamicRef : undefined;
  const { budget } = ctx;
  if (ref !== undefined) {
    delete s.$ref;
    delete s.$dynamicRef;
    const target = yield* resolveRef(ctx, ref);
    s = yield* merge(isObject(target) ? target : {}, s, budget);
    return yield* flatten(s, ctx, guard + 1);
  }
  if (Array.isArray(s.allOf)) {
    const parts = s.allOf;
    delete s.allOf;
    for (const part of parts) if (isObject(part)) s = yield* merge(s, yield* flatten(part, ctx, guard + 1), budget);
    return yield* flatten(s, ctx, guard + 1);
  }
  for (const keyword of ['oneOf', 'anyOf'] as const) {
    const branches = s[keyword];
    if (Array.isArray(branches) && branches.length > 0) {
      delete s[keyword];
      const branch = ctx.rng.pick(branches);
      if (isObject(branch)) s = yield* merge(s, branch, budget);
      else if (branch === false) return { not: {} };
      return yield* flatten(s, ctx, guard + 1);
    }
  }
  if (isObject(s.if)) {
    // Aim for the `then` side by also satisfying `if`; a sample that lands the other way is retried.
    const condition = s.if;
    const then = s.then;
    const otherwise = s.else;
    delete s.if; delete s.then; delete s.else;
    if (ctx.rng.chance(0.5) || !isObject(otherwise)) s = yield* merge(yield* merge(s, condition, budget), isObject(then) ? then : {}, budget);
    else s = yield* merge(s, otherwise, budget);
    return yield* flatten(s, ctx, guard + 1);
  }
  return s;
}

/** A local reference: `#`, `#/json/pointer`, or `#anchor` / an `$id` found in the root. */
function* resolveRef(ctx: Context, ref: string): Steps<unknown> {
  const { root } = ctx;
  if (ref === '#') return root;
  if (!ref.startsWith('#/')) {
    const targets = (ctx.shared.targets ??= yield* refTargets(root, ctx.budget));
    return ref.startsWith('#') ? targets.anchors.get(ref.slice(1)) : yield* targets.byId(ref, ctx.budget);
  }
  let node: unknown = root;
  for (const raw of ref.slice(2).split('/')) {
    const part = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (isObject(node)) node = node[part];
    else if (Array.isArray(node)) node = node[Number(part)];
    else return undefined;
  }
  return node;
}

/** What an anchor or an `$id` names: the first schema, in document order, that carries it. */
interface RefTargets {
  anchors: Map<string, SchemaObject>;
  /** The schema whose `$id` is `id` or ends with `/id`. */
  byId(id: string, budget: TurnBudget | undefined): Steps<SchemaObject | undefined>;
}

/** The root's anchors and ids, from one walk in document order (each object before its members, members in order). */
function* refTargets(root: JsonSchema, budget: TurnBudget | undefined): Steps<RefTargets> {
  const anchors = new Map<string, SchemaObject>();
  const ids: Array<[string, SchemaObject]> = [];
  const pending: unknown[] = [root];
  for (let visited = 0; pending.length > 0; visited++) {
    if (pauseDue(visited, budget)) yield;
    const node = pending.pop();
    if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) pending.push(node[i]);
    } else if (isObject(node)) {
      for (const anchor of [node.$anchor, node.$dynamicAnchor]) if (typeof anchor === 'string' && !anchors.has(anchor)) anchors.set(anchor, node);
      if (typeof node.$id === 'string') ids.push([node.$id, node]);
      const keys = Object.keys(node);
      for (let i = keys.length - 1; i >= 0; i--) pending.push(node[keys[i]!]);
    }
  }
  const found = new Map<string, SchemaObject | undefined>();
  return {
    anchors,
    *byId(id, budget) {
      if (found.has(id)) return found.get(id);
      let target: SchemaObject | undefined;
      for (let i = 0; i < ids.length && target === undefined; i++) {
        if (pauseDue(i, budget)) yield;
        const [candidate, node] = ids[i]!;
        if (candidate === id || candidate.endsWith(`/${id}`)) target = node;
      }
      found.set(id, target);
      return target;
    },
  };
}

/** Both schemas' constraints in one: properties merged, `required` united, bounds tightened. */
function* merge(a: SchemaObject, b: SchemaObject, budget: TurnBudget | undefined): Steps<SchemaObject> {
  const out: SchemaObject = yield* copySteps(a, budget);
  const keys = Object.keys(b);
  for (let i = 0; i < keys.length; i++) {
    if (pauseDue(i, budget)) yield;
    const key = keys[i]!;
    const value = b[key];
    const current = out[key];
    if (current === undefined) out[key] = value;
    else if (key === 'properties' && isObject(current) && isObject(value)) {
      const props: SchemaObject = yield* copySteps(current, budget);
      const names = Object.keys(value);
      for (let j = 0; j < names.length; j++) {
        if (pauseDue(j, budget)) yield;
        const name = names[j]!;
        const sub = value[name];
        const existing = props[name];
        props[name] = isObject(existing) && isObject(sub) ? yield* merge(existing, sub, budget) : sub;
      }
      out[key] = props;
    } else if (key === 'required' && Array.isArray(current) && Array.isArray(value)) {
      const united = new Set<unknown>();
      for (let j = 0; j < current.length + value.length; j++) {
        if (pauseDue(j, budget)) yield;
        united.add(j < current.length ? current[j] : value[j - current.length]);
      }
      out[key] = [...united];
    } else if (['minimum', 'exclusiveMinimum', 'minLength', 'minItems', 'minProperties'].includes(key) && typeof current === 'number' && typeof value === 'number') {
      out[key] = Math.max(current, value);
    } else if (['maximum', 'exclusiveMaximum', 'maxLength', 'maxItems', 'maxProperties'].includes(key) && typeof current === 'number' && typeof value === 'number') {
      out[key] = Math.min(current, value);
    } else if (key === 'type') {
      const left = Array.isArray(current) ? current : [current];
      const right = Array.isArray(value) ? value : [value];
      const both = left.filter((t) => right.includes(t) || (t === 'integer' && right.includes('number')));
      const extra = right.filter((t) => t === 'integer' && left.includes('number'));
      const types = [...new Set([...both, ...extra])];
      out[key] = types.length === 1 ? types[0] : types.length > 0 ? types : value;
    } else if (key === 'enum' && Array.isArray(current) && Array.isArray(value)) {
      const allowed = new Set<string>();
      for (let i = 0; i < value.length; i++) {
        if (pauseDue(i, budget)) yield;
        allowed.add(canonicalJson(value[i]));
      }
      const both: unknown[] = [];
      for (let i = 0; i < current.length; i++) {
        if (pauseDue(i, budget)) yield;
        if (allowed.has(canonicalJson(current[i]))) both.push(current[i]);
      }
      out[key] = both.length > 0 ? both : value;
    } else if (isObject(current) && isObject(value) && (key === 'items' || key === 'additionalProperties' || key === 'contains')) {
      out[key] = yield* merge(current, value, budget);
    } else out[key] = value;
  }
  return out;
}

function inferTypes(s: SchemaObject): string[] {
  if (typeof s.type === 'string') return [s.type];
  if (Array.isArray(s.type) && s.type.length > 0) return s.type.filter((t): t is string => typeof t === 'string');
  if (['properties', 'required', 'additionalProperties', 'patternProperties', 'minProperties'].some((k) => k in s)) return ['object'];
  if (['items', 'prefixItems', 'minItems', 'maxItems', 'contains'].some((k) => k in s)) return ['array'];
  if (['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'].some((k) => k in s)) return ['number'];
  return ['string'];
}

/** One of the allowed types; `null` only now and then, so that samples carry some content. */
function pickType(s: SchemaObject, rng: Rng): string {
  const types = inferTypes(s);
  const concrete = types.filter((t) => t !== 'null');
  if (concrete.length === 0) return 'null';
  if (concrete.length < types.length && rng.chance(0.15)) return 'null';
  return rng.pick(concrete);
}

function* sampleObject(s: SchemaObject, ctx: Context): Steps<Record<string, unknown>> {
  const { rng, budget } = ctx;
  const properties = isObject(s.properties) ? s.properties : {};
  const names = Object.keys(properties);
  const maxProps = num(s.maxProperties) ?? Infinity;
  const minProps = num(s.minProperties) ?? 0;
  const deep = ctx.depth >= MAX_DEPTH;

  // Required names first; looked up in a set: a schema may list thousands of properties, and a list lookup each is their square.
  const chosen: string[] = [];
  const isChosen = new Set<string>();
  const choose = (name: string) => {
    chosen.push(name);
    isChosen.add(name);
  };
  const required: unknown[] = Array.isArray(s.required) ? s.required : [];
  for (let i = 0; i < required.length; i++) {
    if (pauseDue(i, budget)) yield;
    const name = required[i];
    if (typeof name === 'string') choose(name);
  }
  for (let i = 0; i < names.length; i++) {
    if (pauseDue(i, budget)) yield;
    const name = names[i]!;
    if (isChosen.has(name) || deep) continue;
    if (chosen.length < maxProps && rng.chance(ctx.depth === 0 ? 0.8 : 0.6)) choose(name);
  }
  // dependentRequired (2019+) and the array form of draft-07 `dependencies`.
  for (const deps of [s.dependentRequired, s.dependencies]) {
    if (!isObject(deps)) continue;
    const depending = Object.keys(deps);
    for (let i = 0; i < depending.length; i++) {
      if (pauseDue(i, budget)) yield;
      const name = depending[i]!;
      const needed = deps[name];
      if (isChosen.has(name) && Array.isArray(needed)) {
        for (const item of needed) if (typeof item === 'string' && !isChosen.has(item)) choose(item);
      }
    }
  }
  for (let i = 0; i < names.length && chosen.length < minProps; i++) {
    if (pauseDue(i, budget)) yield;
    if (!isChosen.has(names[i]!)) choose(names[i]!);
  }

  const closed = s.additionalProperties === false || s.unevaluatedProperties === false;
  const extraSchema = isObject(s.additionalProperties) ? s.additionalProperties : undefined;
  const patterns = patternSchemas(s);
  const out: Record<string, unknown> = {};
  let size = 0;
  // Properties in the schema's own order (required first only where the schema lists them so).
  const ordered: string[] = [];
  for (let i = 0; i < names.length + chosen.length; i++) {
    if (pauseDue(i, budget)) yield;
    if (i < names.length) {
      if (isChosen.has(names[i]!)) ordered.push(names[i]!);
    } else if (!(chosen[i - names.length]! in properties)) ordered.push(chosen[i - names.length]!);
  }
  // Counted as they are set: own keys only (`__proto__` sets none), as `Object.keys(out)` would count them.
  const put = (key: string, value: unknown) => {
    const had = Object.hasOwn(out, key);
    out[key] = value;
    if (!had && Object.hasOwn(out, key)) size++;
    ctx.room.written += key.length + 1;
  };
  for (const name of ordered) {
    if (full(ctx.room)) return out;
    const sub = properties[name] ?? extraSchema ?? (yield* patterns.schemaFor(name, budget)) ?? true;
    put(name, yield* sample(sub, { ...ctx, depth: ctx.depth + 1, key: name }));
  }

  // A bare `{type: object}` or a map schema gets a few entries of its own.
  const wantsEntries = names.length === 0 && !closed && !deep;
  let target = Math.max(minProps, wantsEntries ? rng.int(1, 3) : 0);
  target = Math.min(target, maxProps);
  let guard = 0;
  while (size < target && guard++ < 50 && !full(ctx.room)) {
    if (closed && patterns.entries.length > 0) {
      const [pattern, sub] = rng.pick(patterns.entries);
      const key = sampleFromPattern(pattern, rng);
      if (key !== undefined && !(key in out)) put(key, yield* sample(sub, { ...ctx, depth: ctx.depth + 1, key }));
      continue;
    }
    if (closed) break;
    const base = rng.pick(JSON_KEYS);
    const key = base in out ? `${base}_${guard}` : base;
    const sub = extraSchema ?? (yield* patterns.schemaFor(key, budget)) ?? { type: rng.pick(['string', 'integer', 'boolean']) };
    put(key, yield* sample(sub, { ...ctx, depth: ctx.depth + 1, key }));
  }
  return out;
}

/**
 * A schema's `patternProperties`, each pattern compiled once however many keys it is tried on. A
 * pattern that is not valid, or that RE2 cannot run (lookarounds, backreferences), matches no key.
 */
interface PatternSchemas {
  entries: Array<[string, unknown]>;
  /** The schema of the first pattern `key` matches. */
  schemaFor(key: string, budget: TurnBudget | undefined): Steps<unknown>;
}

function patternSchemas(s: SchemaObject): PatternSchemas {
  const patterns = s.patternProperties;
  const entries: Array<[string, unknown]> = isObject(patterns) ? Object.keys(patterns).map((pattern) => [pattern, patterns[pattern]]) : [];
  const compiled: Array<LinearPattern | null> = [];
  return {
    entries,
    *schemaFor(key, budget) {
      for (let i = 0; i < entries.length; i++) {
        if (pauseDue(i, budget)) yield;
        if (compiled.length === i) compiled.push(linearPattern(entries[i]![0]));
        if (compiled[i]?.test(key)) return entries[i]![1];
      }
      return undefined;
    },
  };
}

function* sampleArray(s: SchemaObject, ctx: Context): Steps<unknown[]> {
  const rng = ctx.rng;
  // 2020-12 tuples are `prefixItems` + `items`; draft-07 tuples are `items: [...]` + `additionalItems`.
  const prefix = Array.isArray(s.prefixItems) ? s.prefixItems : Array.isArray(s.items) ? s.items : [];
  const rest: unknown = Array.isArray(s.items) ? s.additionalItems : s.items;
  const minItems = num(s.minItems) ?? 0;
  let maxItems = num(s.maxItems) ?? Infinity;
  if (rest === false) maxItems = Math.min(maxItems, prefix.length);
  const deep = ctx.depth >= MAX_DEPTH;
  const lowest = Math.max(minItems, deep ? 0 : Math.min(prefix.length, maxItems), deep ? 0 : Math.min(1, maxItems));
  const length = deep ? lowest : Math.min(maxItems, rng.int(lowest, lowest + 2));

  const contains = isObject(s.contains) || s.contains === true ? s.contains : undefined;
  const minContains = contains === undefined ? 0 : num(s.minContains) ?? 1;
  const unique = s.uniqueItems === true;
  const seen = new Set<string>();
  const out: unknown[] = [];
  let guard = 0;
  while (out.length < length && guard++ < length * 20 + 20 && !full(ctx.room)) {
    const index = out.length;
    const written = ctx.room.written;
    let itemSchema: unknown = index < prefix.length ? prefix[index] : rest ?? true;
    if (contains !== undefined && index >= prefix.length && index - prefix.length < minContains) {
      itemSchema = isObject(itemSchema) && isObject(contains) ? yield* merge(itemSchema, contains, ctx.budget) : contains;
    }
    const item = yield* sample(itemSchema, { ...ctx, depth: ctx.depth + 1, key: singular(ctx.key) });
    if (unique) {
      const id = canonicalJson(item);
      if (seen.has(id)) {
        // Not in the answer: not in its length either.
        ctx.room.written = written;
        continue;
      }
      seen.add(id);
    }
    out.push(item);
  }
  return out;
}

/** "tags" -> "tag", so that array items get the words their array is named for. */
function singular(key: string | undefined): string | undefined {
  return key?.endsWith('s') ? key.slice(0, -1) : key;
}

function sampleNumber(s: SchemaObject, rng: Rng, integer: boolean): number {
  let low = num(s.minimum);
  let high = num(s.maximum);
  let lowOpen = false;
  let highOpen = false;
  // 2020-12: exclusive bounds are numbers. Draft-04: booleans that modify minimum/maximum.
  const exMin = num(s.exclusiveMinimum);
  const exMax = num(s.exclusiveMaximum);
  if (exMin !== undefined && (low === undefined || exMin >= low)) { low = exMin; lowOpen = true; }
  if (exMax !== undefined && (high === undefined || exMax <= high)) { high = exMax; highOpen = true; }
  if (s.exclusiveMinimum === true) lowOpen = true;
  if (s.exclusiveMaximum === true) highOpen = true;
  if (s.format === 'int32' || s.format === 'int64') integer = true;
  // Bounds such as a validator library's ±2^53 for "an integer" are limits, not typical values: a
  // number is drawn from a readable part of them first, from more of them only if that part has none.
  const [readableLow, readableHigh] = readableRange(low ?? -Infinity, high ?? Infinity);
  const wideLow = low ?? readableLow - 1e6;
  const wideHigh = high ?? readableHigh + 1e6;
  const step = num(s.multipleOf);
  return (
    numberIn(readableLow, readableHigh, lowOpen && readableLow === low, highOpen && readableHigh === high, integer, step, rng) ??
    numberIn(wideLow, wideHigh, lowOpen, highOpen, integer, step, rng) ??
    (integer ? Math.ceil(wideLow) : wideLow)
  );
}

/** The part of [low, high] a person would write: 0 to 100 where they overlap, else the 100 next to it. */
function readableRange(low: number, high: number): [number, number] {
  if (low <= 100 && high >= 0) return [Math.max(low, 0), Math.min(high, 100)];
  if (high < 0) return [Math.max(low, high - 100), high];
  return [low, Math.min(high, low + 100)];
}

/** A number in the range (a multiple of `step` when given), or undefined when the range holds none. */
function numberIn(lo: number, hi: number, lowOpen: boolean, highOpen: boolean, integer: boolean, step: number | undefined, rng: Rng): number | undefined {
  if (integer || step !== undefined) {
    const unit = step !== undefined ? (integer ? lcmLike(step) : step) : 1;
    let first = Math.ceil(lo / unit);
    let last = Math.floor(hi / unit);
    if (lowOpen && first * unit <= lo) first++;
    if (highOpen && last * unit >= hi) last--;
    if (last < first) return undefined;
    // Float steps such as 0.1 make k*step inexact; prefer a k whose value divides back exactly.
    for (let attempt = 0; attempt < 20; attempt++) {
      const k = rng.int(first, Math.min(last, first + 1000));
      const value = Number((k * unit).toPrecision(15));
      if (step === undefined || Number.isInteger(value / step)) return value;
    }
    return Number((first * unit).toPrecision(15));
  }
  if (lowOpen) lo += Math.min(0.01, (hi - lo) / 4);
  if (highOpen) hi -= Math.min(0.01, (hi - lo) / 4);
  if (hi < lo) return undefined;
  const value = Math.round(rng.float(lo, hi) * 100) / 100;
  return value < lo || value > hi ? (lo + hi) / 2 : value;
}

/** An integer that is also a multiple of `step` (steps like 2.5 give 5). */
function lcmLike(step: number): number {
  for (let k = 1; k <= 1000; k++) if (Number.isInteger(step * k)) return step * k;
  return step;
}

function* sampleString(s: SchemaObject, ctx: Context): Steps<string> {
  const rng = ctx.rng;
  const minLength = num(s.minLength) ?? 0;
  const maxLength = num(s.maxLength) ?? Infinity;
  if (typeof s.format === 'string') {
    const value = formatValue(s.format, rng);
    if (value !== undefined) return value;
  }
  if (typeof s.pattern === 'string') {
    const value = sampleFromPattern(s.pattern, rng);
    if (value !== undefined) return value;
  }
  let text = wordsFor(ctx.key, rng);
  for (let words = 0; text.length < minLength; words++) {
    if (pauseDue(words, ctx.budget)) yield;
    if (ctx.room.written + text.length >= ctx.room.limit) {
      ctx.room.cut = true;
      break;
    }
    text += ` ${rng.pick(NOUNS)}`;
  }
  if (text.length > maxLength) text = text.slice(0, maxLength).replace(/ $/, 'a');
  return text;
}

/** Words that fit the property name: a city for "city", a person for "name", else a phrase. */
function wordsFor(key: string | undefined, rng: Rng): string {
  const name = (key ?? '').toLowerCase();
  if (/city|location|place|town|destination/.test(name)) return rng.pick(CITIES);
  if (/(^|_)name$|author|person|user|owner/.test(name)) return `${rng.pick(PEOPLE)} ${rng.pick(SURNAMES)}`;
  if (/id$/.test(name)) return `${rng.pick(NOUNS)}-${rng.int(100, 999)}`;
  if (/description|summary|text|content|message|answer|reason|comment|note/.test(name)) return answerSentence(rng);
  if (/title|label|category|topic|tag/.test(name)) return `${rng.pick(ADJECTIVES)} ${rng.pick(NOUNS)}`;
  return rng.chance(0.5) ? rng.pick(NOUNS) : `${rng.pick(ADJECTIVES)} ${rng.pick(NOUNS)}`;
}

/** A value for `true` / `{}` schemas: any JSON would do; a short phrase reads best. */
function freeValue(ctx: Context): unknown {
  return wordsFor(ctx.key, ctx.rng);
}
