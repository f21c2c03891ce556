/**
 * @module Which arrays of a request body or a JSON answer may be validated a window of items at a
 * time with the whole body's own validator, giving the verdict (and first violation) one call over
 * the whole body would give. Read once per route and slot from the bundled document: the body
 * itself when it is an array, or a top-level property of an object body, whose schema checks each
 * item alone (`items`) and the length (`minItems`, `maxItems`), in a body schema whose other
 * keywords never look into that array (`required`, `properties`, `additionalProperties`, property
 * counts and names). A `uniqueItems`, `contains` and the like compare items with one another or
 * look at the whole body: such a body is validated in one call.
 *
 * An answer's schema that is a `oneOf` or `anyOf` of branches of distinct types (SambaStudio's chat
 * answer: one completion, or an array of them for a batch) is read branch by branch: a window has
 * the type of the whole, so only the branch of that type can match either.
 */
import { bundledDocument } from '../contract/node.js';
import type { ApiName } from '../contract/index.js';

export interface SliceableArray {
  /** The property holding the array, or undefined when the body itself is the array. */
  key: string | undefined;
  minItems: number;
  maxItems: number;
  /**
   * The body's properties that ajv checks after this one (schema order): a violation in one of them
   * comes after any in the array's items; every other violation of the body (root keywords, earlier
   * properties, undeclared members) comes before.
   */
  checkedAfter: ReadonlySet<string>;
  /**
   * The array is the array branch of its property's `oneOf`/`anyOf` of distinct types (Responses'
   * `input`: a text or a list of items): a window's verdict is the whole's, but the other branches'
   * errors come before its items', so a window's first error is not the body's. Request bodies only.
   */
  inBranch: boolean;
}

/** The items of `array` in `body` (the body itself when the array is the body), when they are there. */
export function itemsOf(body: object, array: SliceableArray): unknown[] | undefined {
  if (array.key === undefined) return Array.isArray(body) ? body : undefined;
  const items = Array.isArray(body) ? undefined : (body as Record<string, unknown>)[array.key];
  return Array.isArray(items) ? items : undefined;
}

/** Of `arrays`, the one holding the most items in `body`, when it holds more than `fewer`. */
export function longestIn(arrays: readonly SliceableArray[], body: object, fewer: number): SliceableArray | undefined {
  let chosen: SliceableArray | undefined;
  let longest = fewer;
  for (const array of arrays) {
    const items = itemsOf(body, array);
    if (items && items.length > longest) {
      chosen = array;
      longest = items.length;
    }
  }
  return chosen;
}

/** The request body (`request`) or the answer of one status. */
export type BodySlot = 'request' | { status: number };

type Schema = Record<string, unknown>;

/** Keywords that say nothing about validity. */
const annotations = new Set(['description', 'title', 'default', 'examples', 'example', 'deprecated', 'readOnly', 'writeOnly', '$comment', 'externalDocs', 'discriminator', 'xml']);
const rootKeywords = new Set(['type', 'required', 'properties', 'additionalProperties', 'minProperties', 'maxProperties', 'propertyNames']);
const arrayKeywords = new Set(['type', 'items', 'minItems', 'maxItems']);
const typedBranches = new Set(['oneOf', 'anyOf']);
const noneAfter: ReadonlySet<string> = new Set();

const bySlot = new Map<string, readonly SliceableArray[]>();
const documents = new Map<ApiName, Schema>();
let documentReads = 0;

/** How many times a bundled document was read here (each read is the 50-120 ms `planSliceableArrays` takes before serving). */
export function sliceableDocumentReads(): number {
  return documentReads;
}

/** The arrays of the body of `method specPath` in `mediaType` (request or answer) that may be validated in windows (none when unsure). */
export function sliceableArrays(api: ApiName, method: string, specPath: string, mediaType: string, slot: BodySlot = 'request'): readonly SliceableArray[] {
  const key = `${api} ${method} ${specPath} ${mediaType} ${slot === 'request' ? slot : slot.status}`;
  let found = bySlot.get(key);
  if (found === undefined) {
    found = findSliceable(api, method.toLowerCase(), specPath, mediaType, slot);
    bySlot.set(key, found);
  }
  return found;
}

/**
 * Finds the sliceable arrays of every route at once (of its answers too when `answers`, for check
 * mode), then lets the bundled documents go: run when the server is made, before it listens. Reading
 * and parsing an API's bundled document takes about 50-120 ms (SambaStudio's, Cloud's), which the
 * first request with a long array paid in one turn (the fuzz runs' one block in their first cases),
 * and the documents stayed in memory after it.
 */
export function planSliceableArrays(routes: readonly PlannedRoute[], answers: boolean): void {
  for (const route of routes) {
    for (const mediaType of route.requestMediaTypes) sliceableArrays(route.api, route.method, route.specPath, mediaType);
    if (!answers) continue;
    for (const [status, byType] of Object.entries(route.validators.responses)) {
      if (/^\d+$/.test(status)) for (const mediaType of Object.keys(byType)) sliceableArrays(route.api, route.method, route.specPath, mediaType, { status: Number(status) });
    }
  }
  documents.clear();
}

interface PlannedRoute {
  api: ApiName;
  method: string;
  specPath: string;
  requestMediaTypes: readonly string[];
  validators: { responses: Readonly<Record<string, Readonly<Record<string, unknown>>>> };
}

function findSliceable(api: ApiName, method: string, specPath: string, mediaType: string, slot: BodySlot): SliceableArray[] {
  let document = documents.get(api);
  if (document === undefined) {
    documents.set(api, (document = bundledDocument(api)));
    documentReads++;
  }
  const operation = child(resolve(document, child(child(document, 'paths'), specPath)), method);
  const holder = slot === 'request' ? resolve(document, child(operation, 'requestBody')) : resolve(document, child(child(operation, 'responses'), String(slot.status)));
  const root = resolve(document, child(child(child(holder, 'content'), mediaType), 'schema'));
  if (!root) return [];
  // Only answers, which windows check for validity alone, are read through root branches: a request's
  // first violation is found in windows (request-validation.ts) by the order ajv checks one schema in.
  // A request property's array branch is kept, marked: its every violation is found in windows too.
  const branches = slot === 'request' ? undefined : branchesByType(document, root);
  return branches ? branches.flatMap((branch) => arraysOf(document, branch, false)) : arraysOf(document, root, slot === 'request');
}

/** The body schema's own array, or its top-level properties' arrays (with `inBranch` ones when `branched`). */
function arraysOf(document: Schema, root: Schema, branched: boolean): SliceableArray[] {
  if (isSliceableArray(root)) return [sliceable(root, undefined, noneAfter, false)];
  if (!onlyKeywords(root, rootKeywords)) return [];
  const properties = child(root, 'properties');
  if (!properties) return [];
  const names = Object.keys(properties);
  const arrays: SliceableArray[] = [];
  names.forEach((name, index) => {
    const schema = resolve(document, child(properties, name));
    if (!schema) return;
    if (isSliceableArray(schema)) arrays.push(sliceable(schema, name, new Set(names.slice(index + 1)), false));
    else if (branched) {
      const branch = branchesByType(document, schema)?.find((each) => each.type === 'array' && isSliceableArray(each));
      if (branch) arrays.push(sliceable(branch, name, new Set(names.slice(index + 1)), true));
    }
  });
  return arrays;
}

function isSliceableArray(schema: Schema): boolean {
  return onlyKeywords(schema, arrayKeywords) && schema.items !== undefined && typeIsArray(schema.type);
}

function typeIsArray(type: unknown): boolean {
  return type === undefined || type === 'array' || (Array.isArray(type) && type.includes('array'));
}

function sliceable(schema: Schema, key: string | undefined, checkedAfter: ReadonlySet<string>, inBranch: boolean): SliceableArray {
  return {
    key,
    minItems: typeof schema.minItems === 'number' ? schema.minItems : 0,
    maxItems: typeof schema.maxItems === 'number' ? schema.maxItems : Infinity,
    checkedAfter,
    inBranch,
  };
}

/**
 * The branches of a `oneOf`/`anyOf` (and nothing else) whose `type`s are single and distinct, so a
 * value's type picks its branch; undefined otherwise. Only an object or array branch is kept.
 */
function branchesByType(document: Schema, root: Schema): Schema[] | undefined {
  const keywords = Object.keys(root).filter((keyword) => !annotations.has(keyword) && !keyword.startsWith('x-'));
  if (keywords.length !== 1 || !typedBranches.has(keywords[0]!)) return undefined;
  const listed = root[keywords[0]!];
  if (!Array.isArray(listed)) return undefined;
  const branches = listed.map((branch) => resolve(document, branch as Schema));
  const types = branches.map((branch) => branch?.type);
  if (!types.every((type) => typeof type === 'string') || new Set(types).size !== types.length) return undefined;
  return (branches as Schema[]).filter((branch) => branch.type === 'object' || branch.type === 'array');
}

function child(value: unknown, key: string): Schema | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const found = (value as Schema)[key];
  return typeof found === 'object' && found !== null ? (found as Schema) : undefined;
}

/** The object (schema, request body, response, path item) a chain of local `$ref`s ends at; undefined when a `$ref` has sibling constraints or leads outside the document. */
function resolve(document: Schema, schema: Schema | undefined): Schema | undefined {
  for (let hops = 0; schema && typeof schema.$ref === 'string'; hops++) {
    const ref = schema.$ref;
    if (hops > 32 || !ref.startsWith('#/') || !onlyKeywords(schema, new Set(['$ref']))) return undefined;
    let target: Schema | undefined = document;
    for (const part of ref.slice(2).split('/')) target = child(target, part.replace(/~1/g, '/').replace(/~0/g, '~'));
    schema = target;
  }
  return schema;
}

function onlyKeywords(schema: Schema, allowed: ReadonlySet<string>): boolean {
  return Object.keys(schema).every((keyword) => allowed.has(keyword) || annotations.has(keyword) || keyword.startsWith('x-'));
}
