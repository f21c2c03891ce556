/**
 * Compares two schemas in one direction. Requests: the new schema must accept every value the old
 * one accepted (narrowing breaks clients). Responses: the new schema must allow no value the old
 * one ruled out (widening breaks clients), and must keep what it promised.
 * @module
 */
import { isObject, refName, resolve, type Json, type Node } from './pointer.js';
import type { RuleId } from './rules.js';
import {
  acceptsType,
  branchTag,
  enumPointer,
  enumValues,
  isClosed,
  isObjectLike,
  pointerOf,
  typeSet,
  typeSignature,
  unionOf,
  viewSchema,
  type SchemaView,
} from './schema-view.js';

export type Direction = 'request' | 'response';

export interface SchemaContext {
  oldDoc: Json;
  newDoc: Json;
  direction: Direction;
  /** Reports one change at `field` (a path like `messages[].role`; empty for the schema's root). */
  report(rule: RuleId, field: string, message: string, oldPointer: string, newPointer: string): void;
  /** Pairs already compared in this slot: schemas are graphs (recursive `$ref`s). */
  seen: Set<string>;
}

const show = (value: Json) => JSON.stringify(value);
const join = (field: string, name: string) => (field ? `${field}.${name}` : name);

export function compareSchemas(ctx: SchemaContext, oldNode: Node, newNode: Node, field: string): void {
  const a = viewSchema(ctx.oldDoc, oldNode);
  const b = viewSchema(ctx.newDoc, newNode);
  const key = `${a.pointer}\u0000${b.pointer}`;
  if (ctx.seen.has(key)) return;
  ctx.seen.add(key);
  if (a.boolean === false || b.boolean === false) return compareFalseSchemas(ctx, a, b, field);

  const oldUnion = unionOf(a);
  const newUnion = unionOf(b);
  if (oldUnion || newUnion) {
    compareUnions(ctx, a, b, field);
    // A side that is not a union was compared as a whole against the other's branches.
    if (!oldUnion || !newUnion) return;
  }
  compareTypes(ctx, a, b, field);
  compareEnums(ctx, a, b, field);
  compareBounds(ctx, a, b, field);
  compareStringForms(ctx, a, b, field);
  if (ctx.direction === 'request') compareDefaults(ctx, a, b, field);
  if (isObjectLike(a) || isObjectLike(b)) compareObjects(ctx, a, b, field);
  if (isObject(a.keys.items) && isObject(b.keys.items)) {
    compareSchemas(ctx, { value: a.keys.items, pointer: a.at.items! }, { value: b.keys.items, pointer: b.at.items! }, `${field}[]`);
  }
}

/** `false` accepts nothing; `true` accepts anything, as `{}` does, and is compared as `{}`. */
function compareFalseSchemas(ctx: SchemaContext, a: SchemaView, b: SchemaView, field: string): void {
  if (a.boolean === b.boolean) return;
  const narrowed = b.boolean === false;
  const request = ctx.direction === 'request';
  const rule: RuleId = request ? (narrowed ? 'request-type-narrowed' : 'request-type-widened') : narrowed ? 'response-type-narrowed' : 'response-type-widened';
  ctx.report(rule, field, narrowed ? 'now allows no value (false schema)' : 'now allows values (was a false schema)', a.pointer, b.pointer);
}

/** Pairs old and new branches: by `$ref` name, then constant tag, then type, then what is left one to one. */
function matchBranches(ctx: SchemaContext, olds: Node[], news: Node[]): { pairs: Array<[Node, Node]>; oldOnly: Node[]; newOnly: Node[] } {
  const describe = (doc: Json, node: Node) => {
    const view = viewSchema(doc, node);
    return { node, ref: refName(node), same: JSON.stringify(resolve(doc, node).value), tag: branchTag(doc, view), type: typeSignature(view) };
  };
  const left = olds.map((n) => describe(ctx.oldDoc, n));
  const right = news.map((n) => describe(ctx.newDoc, n));
  const pairs: Array<[Node, Node]> = [];
  const pairBy = (keyOf: (d: (typeof left)[number]) => string | undefined, unique: boolean) => {
    for (const l of [...left]) {
      const key = keyOf(l);
      if (key === undefined) continue;
      const matches = right.filter((r) => keyOf(r) === key);
      if (matches.length === 0 || (unique && (matches.length > 1 || left.filter((o) => keyOf(o) === key).length > 1))) continue;
      pairs.push([l.node, matches[0]!.node]);
      left.splice(left.indexOf(l), 1);
      right.splice(right.indexOf(matches[0]!), 1);
    }
  };
  pairBy((d) => d.ref, false);
  pairBy((d) => d.same, false);
  pairBy((d) => d.tag, false);
  pairBy((d) => d.type, true);
  // What is left, in order, when as many remain on each side (an edited branch keeps its place).
  if (left.length === right.length) {
    const rest = right.splice(0);
    left.splice(0).forEach((l, i) => pairs.push([l.node, rest[i]!.node]));
  }
  return { pairs, oldOnly: left.map((d) => d.node), newOnly: right.map((d) => d.node) };
}

function branchName(doc: Json, node: Node): string {
  const view = viewSchema(doc, node);
  return refName(node) ?? branchTag(doc, view) ?? typeSignature(view);
}

function compareUnions(ctx: SchemaContext, a: SchemaView, b: SchemaView, field: string): void {
  const olds = unionOf(a)?.branches ?? [{ value: { $ref: `#${a.pointer}` }, pointer: a.pointer }];
  const news = unionOf(b)?.branches ?? [{ value: { $ref: `#${b.pointer}` }, pointer: b.pointer }];
  const { pairs, oldOnly, newOnly } = matchBranches(ctx, olds, news);
  const request = ctx.direction === 'request';
  for (const node of oldOnly) {
    ctx.report(request ? 'request-type-narrowed' : 'response-type-narrowed', field, `no longer ${request ? 'accepts' : 'has'} the variant ${branchName(ctx.oldDoc, node)}`, node.pointer, pointerOf(b, unionOf(b)?.keyword ?? ''));
  }
  for (const node of newOnly) {
    ctx.report(request ? 'request-type-widened' : 'response-type-widened', field, `${request ? 'now accepts' : 'may now be'} the variant ${branchName(ctx.newDoc, node)}`, pointerOf(a, unionOf(a)?.keyword ?? ''), node.pointer);
  }
  for (const [o, n] of pairs) compareSchemas(ctx, o, n, field);
}

function compareTypes(ctx: SchemaContext, a: SchemaView, b: SchemaView, field: string): void {
  const before = typeSet(a);
  const after = typeSet(b);
  if (!before && !after) return;
  const request = ctx.direction === 'request';
  const oldPointer = pointerOf(a, 'type');
  const newPointer = pointerOf(b, 'type');
  const lost = before ? [...before].filter((t) => !after || !acceptsType(after, t)) : [];
  const gained = after ? [...after].filter((t) => !before || !acceptsType(before, t)) : [];
  if (!before) ctx.report(request ? 'request-type-narrowed' : 'response-type-narrowed', field, `now only ${[...after!].join(' or ')} (had no type)`, oldPointer, newPointer);
  else if (!after) ctx.report(request ? 'request-type-widened' : 'response-type-widened', field, `now any type (was ${[...before].join(' or ')})`, oldPointer, newPointer);
  else {
    if (lost.length > 0) ctx.report(request ? 'request-type-narrowed' : 'response-type-narrowed', field, `${request ? 'no longer accepts' : 'is no longer'} ${lost.join(' or ')} (type ${[...before].join('|')} -> ${[...after].join('|')})`, oldPointer, newPointer);
    if (gained.length > 0) ctx.report(request ? 'request-type-widened' : 'response-type-widened', field, `${request ? 'now accepts' : 'may now be'} ${gained.join(' or ')} (type ${[...before].join('|')} -> ${[...after].join('|')})`, oldPointer, newPointer);
  }
}

function compareEnums(ctx: SchemaContext, a: SchemaView, b: SchemaView, field: string): void {
  const before = enumValues(a);
  const after = enumValues(b);
  if (!before && !after) return;
  const request = ctx.direction === 'request';
  const narrowed: RuleId = request ? 'request-enum-narrowed' : 'response-enum-narrowed';
  const widened: RuleId = request ? 'request-enum-widened' : 'response-enum-widened';
  const oldPointer = enumPointer(a);
  const newPointer = enumPointer(b);
  if (!before) return ctx.report(narrowed, field, `now limited to ${after!.map(show).join(', ')}`, oldPointer, newPointer);
  if (!after) return ctx.report(widened, field, `no longer limited to ${before.map(show).join(', ')}`, oldPointer, newPointer);
  const has = (list: Json[], value: Json) => list.some((v) => show(v) === show(value));
  const removed = before.filter((v) => !has(after, v));
  const added = after.filter((v) => !has(before, v));
  if (removed.length > 0) ctx.report(narrowed, field, `${request ? 'no longer accepts' : 'no longer has'} ${removed.map(show).join(', ')}`, oldPointer, newPointer);
  if (added.length > 0) ctx.report(widened, field, `${request ? 'now accepts' : 'may now be'} ${added.map(show).join(', ')}`, oldPointer, newPointer);
}

interface Bound {
  value: number;
  exclusive: boolean;
}

/** The effective numeric bound on one side (`minimum`/`exclusiveMinimum` in 3.0 and 3.1 forms). */
function numericBound(view: SchemaView, side: 'min' | 'max'): { bound?: Bound; pointer: string } {
  const inclusiveKey = side === 'min' ? 'minimum' : 'maximum';
  const exclusiveKey = side === 'min' ? 'exclusiveMinimum' : 'exclusiveMaximum';
  const inclusive = view.keys[inclusiveKey];
  const exclusive = view.keys[exclusiveKey];
  const candidates: Array<{ bound: Bound; pointer: string }> = [];
  if (typeof inclusive === 'number') candidates.push({ bound: { value: inclusive, exclusive: exclusive === true }, pointer: pointerOf(view, inclusiveKey) });
  if (typeof exclusive === 'number') candidates.push({ bound: { value: exclusive, exclusive: true }, pointer: pointerOf(view, exclusiveKey) });
  const tighter = (x: Bound, y: Bound) => (side === 'min' ? x.value > y.value : x.value < y.value) || (x.value === y.value && x.exclusive && !y.exclusive);
  const best = candidates.reduce<(typeof candidates)[number] | undefined>((acc, c) => (!acc || tighter(c.bound, acc.bound) ? c : acc), undefined);
  return best ?? { pointer: pointerOf(view, inclusiveKey) };
}

function showBound(bound: Bound | undefined, side: 'min' | 'max'): string {
  if (!bound) return 'none';
  return `${side === 'min' ? (bound.exclusive ? '>' : '>=') : bound.exclusive ? '<' : '<='} ${bound.value}`;
}

function compareBounds(ctx: SchemaContext, a: SchemaView, b: SchemaView, field: string): void {
  // 1 when the new bound accepts less, -1 when more, 0 when the same.
  const changes: Array<{ what: string; tighter: number; from: string; to: string; oldPointer: string; newPointer: string }> = [];
  for (const side of ['min', 'max'] as const) {
    const before = numericBound(a, side);
    const after = numericBound(b, side);
    const tighter = compareBound(before.bound, after.bound, side);
    if (tighter !== 0) changes.push({ what: side === 'min' ? 'minimum' : 'maximum', tighter, from: showBound(before.bound, side), to: showBound(after.bound, side), oldPointer: before.pointer, newPointer: after.pointer });
  }
  for (const [key, side] of [['minLength', 'min'], ['maxLength', 'max'], ['minItems', 'min'], ['maxItems', 'max'], ['minProperties', 'min'], ['maxProperties', 'max']] as const) {
    const before = typeof a.keys[key] === 'number' ? { value: a.keys[key] as number, exclusive: false } : undefined;
    const after = typeof b.keys[key] === 'number' ? { value: b.keys[key] as number, exclusive: false } : undefined;
    // A minimum count of 0 says nothing.
    const norm = (x: Bound | undefined) => (side === 'min' && x?.value === 0 ? undefined : x);
    const tighter = compareBound(norm(before), norm(after), side);
    if (tighter !== 0) changes.push({ what: key, tighter, from: before ? String(before.value) : 'none', to: after ? String(after.value) : 'none', oldPointer: pointerOf(a, key), newPointer: pointerOf(b, key) });
  }
  const oldMultiple = typeof a.keys.multipleOf === 'number' ? a.keys.multipleOf : undefined;
  const newMultiple = typeof b.keys.multipleOf === 'number' ? b.keys.multipleOf : undefined;
  if (oldMultiple !== newMultiple) {
    const divides = (x: number, y: number) => Number.isInteger(y / x);
    // Neither dividing the other: some old values are refused and some new ones allowed.
    const tighter = newMultiple === undefined ? -1 : oldMultiple === undefined ? 1 : divides(newMultiple, oldMultiple) ? -1 : divides(oldMultiple, newMultiple) ? 1 : 2;
    changes.push({ what: 'multipleOf', tighter, from: String(oldMultiple ?? 'none'), to: String(newMultiple ?? 'none'), oldPointer: pointerOf(a, 'multipleOf'), newPointer: pointerOf(b, 'multipleOf') });
  }
  if ((a.keys.uniqueItems === true) !== (b.keys.uniqueItems === true)) {
    changes.push({ what: 'uniqueItems', tighter: b.keys.uniqueItems === true ? 1 : -1, from: String(a.keys.uniqueItems === true), to: String(b.keys.uniqueItems === true), oldPointer: pointerOf(a, 'uniqueItems'), newPointer: pointerOf(b, 'uniqueItems') });
  }
  const request = ctx.direction === 'request';
  for (const change of changes) {
    const accepting = change.tighter === 2 ? 'changed' : change.tighter > 0 ? 'tighter' : 'looser';
    const breaking = request ? change.tighter > 0 : change.tighter < 0 || change.tighter === 2;
    const rule: RuleId = request ? (breaking ? 'request-range-narrowed' : 'request-range-widened') : breaking ? 'response-range-widened' : 'response-range-narrowed';
    ctx.report(rule, field, `${change.what} ${change.from} -> ${change.to} (${accepting})`, change.oldPointer, change.newPointer);
  }
}

function compareBound(before: Bound | undefined, after: Bound | undefined, side: 'min' | 'max'): number {
  if (!before && !after) return 0;
  if (!before) return 1;
  if (!after) return -1;
  if (before.value === after.value) return before.exclusive === after.exclusive ? 0 : after.exclusive ? 1 : -1;
  return (side === 'min' ? after.value > before.value : after.value < before.value) ? 1 : -1;
}

function compareStringForms(ctx: SchemaContext, a: SchemaView, b: SchemaView, field: string): void {
  const request = ctx.direction === 'request';
  for (const key of ['pattern', 'format', 'contentEncoding', 'contentMediaType'] as const) {
    const before = a.keys[key];
    const after = b.keys[key];
    if (before === after || (before === undefined && after === undefined)) continue;
    // Added: fewer strings pass. Removed: more. Changed: regular expressions are not compared, so both.
    const narrows = after !== undefined;
    const widens = before !== undefined;
    const rule: RuleId = request ? (narrows ? 'request-pattern-narrowed' : 'request-pattern-widened') : widens ? 'response-pattern-widened' : 'response-pattern-narrowed';
    ctx.report(rule, field, `${key} ${before === undefined ? 'none' : show(before)} -> ${after === undefined ? 'none' : show(after)}`, pointerOf(a, key), pointerOf(b, key));
  }
}

function compareDefaults(ctx: SchemaContext, a: SchemaView, b: SchemaView, field: string): void {
  const before = 'default' in a.keys ? show(a.keys.default) : undefined;
  const after = 'default' in b.keys ? show(b.keys.default) : undefined;
  if (before !== after) ctx.report('request-default-changed', field, `default ${before ?? 'none'} -> ${after ?? 'none'}`, pointerOf(a, 'default'), pointerOf(b, 'default'));
}

/** Whether a property is out of this direction's view (`readOnly` in requests, `writeOnly` in responses). */
function hidden(ctx: SchemaContext, doc: Json, node: Node | undefined): boolean {
  if (!node) return false;
  const keys = viewSchema(doc, node).keys;
  return ctx.direction === 'request' ? keys.readOnly === true : keys.writeOnly === true;
}

function compareObjects(ctx: SchemaContext, a: SchemaView, b: SchemaView, field: string): void {
  const request = ctx.direction === 'request';
  const isHidden = (name: string) => hidden(ctx, ctx.oldDoc, a.properties.get(name)) || hidden(ctx, ctx.newDoc, b.properties.get(name));
  const propertyPointer = (view: SchemaView, name: string) => view.properties.get(name)?.pointer ?? pointerOf(view, 'properties');
  const names = [...new Set([...a.properties.keys(), ...b.properties.keys(), ...a.required, ...b.required])];
  for (const name of names) {
    if (isHidden(name)) continue;
    const at = join(field, name);
    const inOld = a.properties.has(name);
    const inNew = b.properties.has(name);
    const requiredBefore = a.required.has(name);
    const requiredAfter = b.required.has(name);
    if (request) {
      if (requiredAfter && !requiredBefore) {
        ctx.report('request-property-became-required', at, inOld ? 'is now required' : 'is a new required property', propertyPointer(a, name), pointerOf(b, 'required'));
      } else if (!inOld && inNew) {
        ctx.report('request-property-added', at, 'is a new optional property', pointerOf(a, 'properties'), propertyPointer(b, name));
      }
      if (requiredBefore && !requiredAfter) ctx.report('request-property-became-optional', at, 'is no longer required', pointerOf(a, 'required'), propertyPointer(b, name));
      if (inOld && !inNew) {
        if (isClosed(b)) ctx.report('request-property-rejected', at, 'was removed and the object is closed (additionalProperties: false): clients that send it are refused', propertyPointer(a, name), pointerOf(b, 'properties'));
        else ctx.report('request-property-removed', at, 'was removed (the object stays open, so clients that send it are not refused)', propertyPointer(a, name), pointerOf(b, 'properties'));
      }
    } else {
      if (inOld && !inNew) {
        ctx.report('response-property-removed', at, requiredBefore ? 'was removed (it was required)' : 'was removed', propertyPointer(a, name), pointerOf(b, 'properties'));
      } else if (requiredBefore && !requiredAfter) {
        ctx.report('response-property-became-optional', at, 'is no longer required: it may be missing', pointerOf(a, 'required'), propertyPointer(b, name));
      } else if (!inOld && inNew) {
        ctx.report('response-property-added', at, requiredAfter ? 'is a new property (required)' : 'is a new property', pointerOf(a, 'properties'), propertyPointer(b, name));
      } else if (requiredAfter && !requiredBefore) {
        ctx.report('response-property-became-required', at, 'is now always present', propertyPointer(a, name), pointerOf(b, 'required'));
      }
    }
    const oldProperty = a.properties.get(name);
    const newProperty = b.properties.get(name);
    if (oldProperty && newProperty) compareSchemas(ctx, oldProperty, newProperty, at);
  }
  const before = a.keys.additionalProperties;
  const after = b.keys.additionalProperties;
  if (request && !isClosed(a) && isClosed(b)) {
    ctx.report('request-property-rejected', field ? `${field}.*` : '*', 'properties beyond the listed ones are now refused (additionalProperties: false)', pointerOf(a, 'additionalProperties'), pointerOf(b, 'additionalProperties'));
  } else if (request && isClosed(a) && !isClosed(b)) {
    ctx.report('request-additional-properties-allowed', field ? `${field}.*` : '*', 'properties beyond the listed ones are now accepted', pointerOf(a, 'additionalProperties'), pointerOf(b, 'additionalProperties'));
  }
  // Unset or `true` allows any extra property, as `{}` does; a schema on either side is compared with it.
  const extra = (value: unknown) => (value === undefined || value === true ? {} : value);
  if (isObject(extra(before)) && isObject(extra(after)) && (isObject(before) || isObject(after))) {
    compareSchemas(ctx, { value: extra(before), pointer: pointerOf(a, 'additionalProperties') }, { value: extra(after), pointer: pointerOf(b, 'additionalProperties') }, field ? `${field}.*` : '*');
  }
}
