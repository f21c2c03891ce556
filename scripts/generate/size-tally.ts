/**
 * Lets the accept build vouch for a value's size, so that a valid payload is walked once: the size
 * pre-check (src/validate/limits.ts) otherwise walks the whole value again, because these schemas
 * leave objects open and the validator alone does not see what an unknown member holds.
 *
 * Every schema node that may hold an object or an array gets the `x-sambakit-tally` keyword. Its
 * code counts the array items and object members of the value it checks into the runtime's
 * `tally` (stopping the validator once past `tally.maxMembers`), and marks the tally `open` when
 * a container sits where no schema will check it: under a member the node does not list, or in an
 * array without `items`. A payload the accept build passes with a closed tally had every object and
 * array checked by some node, so its member count is at most the tally (a value checked by two
 * branches counts twice: over, never under) and its nesting at most the schema's own depth
 * (`schemaDepth`). Anything else goes the old way: a full walk. The count runs only while the
 * runtime's `tally.on` says so (in `within`): a plain check, such as the client's check of every
 * stream item, pays one test per node for it, not a walk of every object's members.
 * @module
 */
import { _, type KeywordCxt } from 'ajv/dist/2020.js';
import type { KeywordDefinition } from 'ajv';
import type { JsonSchema } from './catalog.js';

export const tallyKeyword = 'x-sambakit-tally';

interface TallySchema {
  /** Members whose schema checks what they hold. */
  listed: string[];
  /** Whether array items are checked by an `items` schema. */
  items: boolean;
}

/** The keyword, for the accept build only (`tally` is imported from the generated runtime.js). */
export const tallyKeywordDefinition: KeywordDefinition = {
  keyword: tallyKeyword,
  schemaType: 'object',
  code(cxt: KeywordCxt) {
    const { gen, data } = cxt;
    const { listed, items } = cxt.schema as TallySchema;
    const item = gen.name('item');
    const key = gen.name('key');
    gen.if(_`tally.on && ${data} && typeof ${data} == "object"`, () => {
      gen.if(
        _`Array.isArray(${data})`,
        () => {
          gen.assign(_`tally.members`, _`tally.members + ${data}.length`);
          if (!items) {
            gen.forOf(item, data, (value) => gen.if(_`${value} && typeof ${value} == "object"`, () => gen.assign(_`tally.open`, true)));
          }
        },
        () => {
          gen.forIn(key, data, (name) => {
            gen.assign(_`tally.members`, _`tally.members + 1`);
            const unlisted = listed.length === 0 ? _`true` : listed.map((l) => _`${name} !== ${l}`).reduce((a, b) => _`${a} && ${b}`);
            gen.if(unlisted, () => gen.if(_`${data}[${name}] && typeof ${data}[${name}] == "object"`, () => gen.assign(_`tally.open`, true)));
          });
        },
      );
    });
    // Past the budget the value is refused by the full walk anyway: stop before its items are checked.
    cxt.fail(_`tally.members > tally.maxMembers`);
  },
};

const schemaMaps = ['properties', 'patternProperties', '$defs', 'dependentSchemas'];
const schemaLists = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];
const singleSchemas = ['items', 'additionalProperties', 'not', 'if', 'then', 'else', 'contains', 'propertyNames'];
/** Keywords that descend one level into the value. */
const descending = new Set(['properties', 'patternProperties', 'additionalProperties', 'items', 'prefixItems', 'contains']);
/** Keywords that check nothing. */
const annotations = new Set(['description', 'title', 'default', 'examples', 'example', 'deprecated', 'readOnly', 'writeOnly', '$comment']);

/** Each subschema of `node` with the keyword it sits under. */
function children(node: Record<string, unknown>): Array<[string, JsonSchema]> {
  const out: Array<[string, JsonSchema]> = [];
  for (const [keyword, value] of Object.entries(node)) {
    if (schemaMaps.includes(keyword) && value && typeof value === 'object') for (const child of Object.values(value)) out.push([keyword, child as JsonSchema]);
    else if (schemaLists.includes(keyword) && Array.isArray(value)) for (const child of value) out.push([keyword, child as JsonSchema]);
    else if (singleSchemas.includes(keyword) && (typeof value === 'boolean' || (value && typeof value === 'object'))) out.push([keyword, value as JsonSchema]);
  }
  return out;
}

/**
 * A node that only hands the value on to schemas that check it themselves (a `$ref`, or branches
 * of which the passing one checks it): it needs no tally of its own.
 */
function handsOn(node: Record<string, unknown>): boolean {
  const checks = Object.keys(node).filter((k) => !annotations.has(k) && !k.startsWith('x-'));
  if (checks.length === 1 && checks[0] === '$ref') return true;
  const branches = ['allOf', 'anyOf', 'oneOf'].flatMap((k) => (Array.isArray(node[k]) ? (node[k] as unknown[]) : []));
  // withDiscriminators adds `type: object` beside a tagged oneOf; the tagged branch checks the value.
  const allowed = new Set(['allOf', 'anyOf', 'oneOf', ...(node.discriminator ? ['discriminator', 'type'] : [])]);
  return branches.length > 0 && checks.every((k) => allowed.has(k)) && branches.every((b) => b !== null && typeof b === 'object');
}

function mayHoldContainer(node: Record<string, unknown>): boolean {
  const types = node.type === undefined ? undefined : Array.isArray(node.type) ? node.type : [node.type];
  return types === undefined || types.includes('object') || types.includes('array');
}

/** `schema` with the tally keyword on every node that may hold an object or an array and checks it itself. */
export function withTally(schema: JsonSchema): JsonSchema {
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: Record<string, unknown> = {};
  for (const [keyword, value] of Object.entries(schema)) {
    if (schemaMaps.includes(keyword) && value && typeof value === 'object') {
      out[keyword] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withTally(v as JsonSchema)]));
    } else if (schemaLists.includes(keyword) && Array.isArray(value)) out[keyword] = value.map((v) => withTally(v as JsonSchema));
    else if (singleSchemas.includes(keyword)) out[keyword] = withTally(value as JsonSchema);
    else out[keyword] = value;
  }
  if (mayHoldContainer(schema) && !handsOn(schema)) {
    const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
    // A member under `true` (or `{}`-like annotations only) is checked by nothing: left unlisted.
    const listed = Object.keys(properties).filter((name) => typeof properties[name] === 'object' && properties[name] !== null);
    const items = typeof schema.items === 'object' && schema.items !== null;
    out[tallyKeyword] = { listed, items } satisfies TallySchema;
  }
  return out;
}

/**
 * The deepest nesting of arrays and objects a value checked by `schema` can have where every
 * container is checked by a node (the tally's closed case), or undefined when the schema refers
 * to itself (no bound). `resolve` gives a `$ref`'s component name and schema.
 */
export function schemaDepth(schema: JsonSchema, resolve: (ref: string) => [string, JsonSchema] | undefined): number | undefined {
  const depths = new Map<string, number>();
  const visiting = new Set<string>();
  const depthOf = (node: JsonSchema): number => {
    if (typeof node !== 'object' || node === null) return 1;
    let deepest = 1;
    if (typeof node.$ref === 'string') {
      const target = resolve(node.$ref);
      if (!target) throw new Error(`schemaDepth: cannot resolve ${node.$ref}`);
      const [name, component] = target;
      if (visiting.has(name)) throw recursive;
      if (!depths.has(name)) {
        visiting.add(name);
        depths.set(name, depthOf(component));
        visiting.delete(name);
      }
      deepest = Math.max(deepest, depths.get(name)!);
    }
    for (const [keyword, child] of children(node)) {
      if (keyword === '$defs') continue;
      deepest = Math.max(deepest, (descending.has(keyword) ? 1 : 0) + depthOf(child));
    }
    return deepest;
  };
  try {
    return depthOf(schema);
  } catch (error) {
    if (error === recursive) return undefined;
    throw error;
  }
}

const recursive = new Error('recursive schema');
