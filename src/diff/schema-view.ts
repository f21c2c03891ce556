/**
 * A schema as the comparison reads it: `$ref`s followed, `allOf` members folded into one set of
 * keywords (each keyword keeping the pointer it came from), properties and required names gathered.
 * @module
 */
import { child, escapeSegment, isObject, resolve, type Json, type JsonObject, type Node } from './pointer.js';

export interface SchemaView {
  pointer: string;
  /** `true`/`false` schemas. */
  boolean?: boolean;
  keys: JsonObject;
  /** Pointer of each keyword in `keys`. */
  at: Record<string, string>;
  properties: Map<string, Node>;
  required: Set<string>;
}

export function viewSchema(doc: Json, node: Node): SchemaView {
  const root = resolve(doc, node);
  const view: SchemaView = { pointer: root.pointer, keys: {}, at: {}, properties: new Map(), required: new Set() };
  if (typeof root.value === 'boolean') return { ...view, boolean: root.value };
  absorb(doc, root, view, 0);
  return view;
}

function absorb(doc: Json, member: Node, view: SchemaView, depth: number): void {
  if (!isObject(member.value) || depth > 16) return;
  for (const [key, value] of Object.entries(member.value)) {
    if (key === 'allOf' && Array.isArray(value)) {
      value.forEach((_, i) => absorb(doc, resolve(doc, child(member, 'allOf', i)), view, depth + 1));
    } else if (key === 'properties' && isObject(value)) {
      view.at.properties ??= `${member.pointer}/properties`;
      for (const name of Object.keys(value)) if (!view.properties.has(name)) view.properties.set(name, child(member, 'properties', name));
    } else if (key === 'required' && Array.isArray(value)) {
      view.at.required ??= `${member.pointer}/required`;
      for (const name of value) if (typeof name === 'string') view.required.add(name);
    } else if (!(key in view.keys)) {
      view.keys[key] = value;
      view.at[key] = `${member.pointer}/${escapeSegment(key)}`;
    }
  }
}

/** Pointer of a keyword, or of the schema when the keyword is absent. */
export function pointerOf(view: SchemaView, key: string): string {
  return view.at[key] ?? view.pointer;
}

/** The JSON types a schema allows (`nullable: true` of OpenAPI 3.0 adds null), or undefined for any. */
export function typeSet(view: SchemaView): Set<string> | undefined {
  const type = view.keys.type;
  if (type === undefined) return undefined;
  const set = new Set((Array.isArray(type) ? type : [type]).filter((t): t is string => typeof t === 'string'));
  if (view.keys.nullable === true) set.add('null');
  return set;
}

/** Whether a type set takes values of `type` (integers are numbers). */
export function acceptsType(set: Set<string>, type: string): boolean {
  return set.has(type) || (type === 'integer' && set.has('number'));
}

/** The values an `enum` or `const` allows, or undefined when the schema has neither. */
export function enumValues(view: SchemaView): Json[] | undefined {
  if (Array.isArray(view.keys.enum)) return view.keys.enum;
  return 'const' in view.keys ? [view.keys.const] : undefined;
}

export function enumPointer(view: SchemaView): string {
  return view.at.enum ?? view.at.const ?? view.pointer;
}

/**
 * The union a schema is, if any: its `oneOf` or `anyOf` branches, or the `then` and `else` of an
 * `if`, which sends each value to one of them (LMI's `/invocations` body). The `if` itself is not
 * compared: a change to which values go to which branch is not reported.
 */
export function unionOf(view: SchemaView): { keyword: 'oneOf' | 'anyOf' | 'then'; branches: Node[] } | undefined {
  for (const keyword of ['oneOf', 'anyOf'] as const) {
    const list = view.keys[keyword];
    if (Array.isArray(list)) {
      const base = view.at[keyword]!;
      return { keyword, branches: list.map((value, i) => ({ value, pointer: `${base}/${i}` })) };
    }
  }
  const branches = (['then', 'else'] as const).filter((keyword) => keyword in view.keys).map((keyword) => ({ value: view.keys[keyword]!, pointer: view.at[keyword]! }));
  return branches.length > 0 ? { keyword: 'then', branches } : undefined;
}

/** `role=assistant` for a branch told apart by a constant property; undefined when none. */
export function branchTag(doc: Json, view: SchemaView): string | undefined {
  const tags: string[] = [];
  for (const [name, node] of view.properties) {
    const values = enumValues(viewSchema(doc, node));
    if (values?.length === 1) tags.push(`${name}=${JSON.stringify(values[0])}`);
  }
  return tags.length > 0 ? tags.sort().join(',') : undefined;
}

export function typeSignature(view: SchemaView): string {
  const set = typeSet(view);
  return set ? [...set].sort().join('|') : 'any';
}

export function isClosed(view: SchemaView): boolean {
  return view.keys.additionalProperties === false || view.keys.unevaluatedProperties === false;
}

export function isObjectLike(view: SchemaView): boolean {
  const types = typeSet(view);
  return (types === undefined || types.has('object')) && (view.properties.size > 0 || view.required.size > 0 || 'additionalProperties' in view.keys || types?.has('object') === true);
}
