/**
 * `x-sambakit-source: vendor | observed | sambakit` says where a fact in the spec comes from; unmarked
 * means the vendor's documents. The mark is written on an operation, a response, a parameter, a
 * header or a schema (a property included) and is rendered here as the first sentence of its
 * description, so that every reader of the bundled document (Redoc, Swagger UI, the JSDoc of the
 * generated types) sees it; the key itself stays for tools. The values and their wording live in
 * sambakit-source.json, which the lint rule (scripts/redocly/sambakit-rules.js) reads too.
 * @module
 */
import { readFileSync } from 'node:fs';
import type { KeywordDefinition } from 'ajv';
import type { OpenApiDocument } from './catalog.js';

export const sourceKey = 'x-sambakit-source';

/** Each value with the words that explain it. */
export const sourceMeanings = JSON.parse(readFileSync(new URL('./sambakit-source.json', import.meta.url), 'utf8')) as Record<string, string>;

/** For ajv (strict mode): the mark is an annotation, never a check on data (its value is checked by renderSourceMarks). */
export const sourceKeyword: KeywordDefinition = { keyword: sourceKey, schemaType: 'string' };

/** Values, not schemas or objects of the spec (unless they name a property): what is inside them is data. */
const dataKeys = new Set(['example', 'examples', 'const', 'enum', 'default']);

/**
 * A copy of the document where every marked node's description starts with its source, e.g.
 * "**Source: observed** (seen in real traffic or in the clients built for it; no vendor document states
 * it). Original text".
 * `report` gets the pointer of every mark whose value is unknown.
 */
export function renderSourceMarks(doc: OpenApiDocument, report: (pointer: string[], message: string) => void): OpenApiDocument {
  const walk = (node: unknown, at: string[]): unknown => {
    if (Array.isArray(node)) return node.map((item, i) => walk(item, [...at, String(i)]));
    if (!node || typeof node !== 'object') return node;
    const out: Record<string, unknown> = {};
    const namesProperties = at[at.length - 1] === 'properties';
    for (const [key, value] of Object.entries(node)) out[key] = dataKeys.has(key) && !namesProperties ? value : walk(value, [...at, key]);
    if (!(sourceKey in out)) return out;
    const source = out[sourceKey];
    const meaning = typeof source === 'string' ? sourceMeanings[source] : undefined;
    if (meaning === undefined) {
      report([...at, sourceKey], `${sourceKey} must be one of ${Object.keys(sourceMeanings).join(', ')}; got ${JSON.stringify(source)}`);
      return out;
    }
    const lead = `**Source: ${String(source)}** (${meaning}).`;
    const description = typeof out.description === 'string' ? out.description.trim() : '';
    out.description = description === '' ? lead : `${lead} ${description}`;
    return out;
  };
  return walk(doc, []) as OpenApiDocument;
}
