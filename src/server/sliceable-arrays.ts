/**
 * @module Which arrays of a request body may be validated a window of items at a time with the
 * body's own validator, giving the first violation one call over the whole body would give. Read
 * once per route from the bundled document: a top-level property of an object body whose schema
 * checks each item alone (`items`) and the length (`minItems`, `maxItems`), in a body schema whose
 * other keywords never look into that property (`required`, `properties`, `additionalProperties`,
 * property counts and names). A `uniqueItems`, `contains`, root `oneOf` and the like compare items
 * with one another or look at the whole body: such a body is validated in one call.
 */
import { bundledDocument } from '../contract/node.js';
import type { ApiName } from '../contract/index.js';

export interface SliceableArray {
  /** The top-level property holding the array. */
  key: string;
  minItems: number;
  maxItems: number;
  /**
   * The body's properties that ajv checks after this one (schema order): a violation in one of them
   * comes after any in the array's items; every other violation of the body (root keywords, earlier
   * properties, undeclared members) comes before.
   */
  checkedAfter: ReadonlySet<string>;
}

type Schema = Record<string, unknown>;

/** Keywords that say nothing about validity. */
const annotations = new Set(['description', 'title', 'default', 'examples', 'example', 'deprecated', 'readOnly', 'writeOnly', '$comment', 'externalDocs', 'discriminator', 'xml']);
const rootKeywords = new Set(['type', 'required', 'properties', 'additionalProperties', 'minProperties', 'maxProperties', 'propertyNames']);
const arrayKeywords = new Set(['type', 'items', 'minItems', 'maxItems']);

const byRoute = new Map<string, readonly SliceableArray[]>();
const documents = new Map<ApiName, Schema>();
let documentReads = 0;

/** How many times a bundled document was read here (each read is the 50-120 ms `planSliceableArrays` takes before serving). */
export function sliceableDocumentReads(): number {
  return documentReads;
}

/** The arrays of the request body of `method specPath` in `mediaType` that may be validated in windows (none when unsure). */
export function sliceableArrays(api: ApiName, method: string, specPath: string, mediaType: string): readonly SliceableArray[] {
  const key = `${api} ${method} ${specPath} ${mediaType}`;
  let found = byRoute.get(key);
  if (found === undefined) {
    found = findSliceable(api, method.toLowerCase(), specPath, mediaType);
    byRoute.set(key, found);
  }
  return found;
}

/**
 * Finds the sliceable arrays of every route at once, then lets the bundled documents go: run when
 * the server is made, before it listens. Reading and parsing an API's bundled document takes about
 * 50-120 ms (SambaStudio's, Cloud's), which the first request with a long array paid in one turn
 * (the fuzz runs' one block in their first cases), and the documents stayed in memory after it.
 */
export function planSliceableArrays(routes: ReadonlyArray<{ api: ApiName; method: string; specPath: string; requestMediaTypes: readonly string[] }>): void {
  for (const route of routes) {
    for (const mediaType of route.requestMediaTypes) sliceableArrays(route.api, route.method, route.specPath, mediaType);
  }
  documents.clear();
}

function findSliceable(api: ApiName, method: string, specPath: string, mediaType: string): SliceableArray[] {
  let document = documents.get(api);
  if (document === undefined) {
    documents.set(api, (document = bundledDocument(api)));
    documentReads++;
  }
  const operation = child(resolve(document, child(child(document, 'paths'), specPath)), method);
  const requestBody = resolve(document, child(operation, 'requestBody'));
  const root = resolve(document, child(child(child(requestBody, 'content'), mediaType), 'schema'));
  if (!root || !onlyKeywords(root, rootKeywords)) return [];
  const properties = child(root, 'properties');
  if (!properties) return [];
  const names = Object.keys(properties);
  const arrays: SliceableArray[] = [];
  names.forEach((name, index) => {
    const schema = resolve(document, child(properties, name));
    if (!schema || !onlyKeywords(schema, arrayKeywords) || schema.items === undefined || !typeIsArray(schema.type)) return;
    arrays.push({
      key: name,
      minItems: typeof schema.minItems === 'number' ? schema.minItems : 0,
      maxItems: typeof schema.maxItems === 'number' ? schema.maxItems : Infinity,
      checkedAfter: new Set(names.slice(index + 1)),
    });
  });
  return arrays;
}

function child(value: unknown, key: string): Schema | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const found = (value as Schema)[key];
  return typeof found === 'object' && found !== null ? (found as Schema) : undefined;
}

/** The object (schema, request body, path item) a chain of local `$ref`s ends at; undefined when a `$ref` has sibling constraints or leads outside the document. */
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

function typeIsArray(type: unknown): boolean {
  return type === undefined || type === 'array' || (Array.isArray(type) && type.includes('array'));
}
