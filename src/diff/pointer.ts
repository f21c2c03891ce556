/**
 * Nodes of a bundled document with the JSON pointer they sit at, and local `$ref` following that
 * keeps the pointer of the node it lands on (so every finding names a place that exists).
 * @module
 */

export type Json = unknown;
export type JsonObject = Record<string, unknown>;

/** A value of a document and where it is. */
export interface Node {
  value: Json;
  pointer: string;
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function escapeSegment(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function child(node: Node, ...segments: Array<string | number>): Node {
  let value = node.value;
  for (const segment of segments) value = isObject(value) || Array.isArray(value) ? (value as Record<string, unknown>)[segment] : undefined;
  return { value, pointer: `${node.pointer}/${segments.map((s) => escapeSegment(String(s))).join('/')}` };
}

function valueAt(doc: Json, pointer: string): Json {
  return pointer
    .split('/')
    .slice(1)
    .map((s) => decodeURIComponent(s).replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<Json>((at, key) => (isObject(at) || Array.isArray(at) ? (at as Record<string, unknown>)[key] : undefined), doc);
}

/**
 * `node`, or what its chain of local `$ref`s lands on (keywords beside a `$ref` are kept over the
 * target's, as OpenAPI 3.1 allows `description` and the like there). Refs that are not local, or
 * that dangle, are left as they are.
 */
export function resolve(doc: Json, node: Node): Node {
  let current = node;
  let siblings: JsonObject | undefined;
  for (let hops = 0; hops < 32 && isObject(current.value) && typeof current.value.$ref === 'string'; hops++) {
    const ref = current.value.$ref as string;
    if (!ref.startsWith('#')) break;
    const { $ref: _ref, ...rest } = current.value;
    if (Object.keys(rest).length > 0) siblings = { ...rest, ...siblings };
    const pointer = ref.slice(1);
    const target = valueAt(doc, pointer);
    if (target === undefined) break;
    current = { value: target, pointer };
  }
  return siblings && isObject(current.value) ? { value: { ...current.value, ...siblings }, pointer: current.pointer } : current;
}

/** The name a `$ref` gives a node (`CloudChatRequest` for `#/components/schemas/CloudChatRequest`). */
export function refName(node: Node): string | undefined {
  const ref = isObject(node.value) ? node.value.$ref : undefined;
  return typeof ref === 'string' ? decodeURIComponent(ref.split('/').at(-1) ?? ref).replace(/~1/g, '/').replace(/~0/g, '~') : undefined;
}
