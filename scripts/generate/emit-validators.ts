/**
 * Compiles every request, response, stream-item and parameter schema of one API with ajv (strict
 * mode), after checking each schema against the JSON Schema meta-schema so that a broken schema is
 * reported where it was written; emit-validator-modules.ts writes them as ES modules, one per operation.
 *
 * Each schema is compiled twice. The "explain" build reports every violation (all errors, verbose,
 * for readable violations); the "accept" build stops at the first error and checks a `oneOf` whose
 * branches are told apart by a required constant (`role`, `type`) through ajv's discriminator, so
 * that only the branch the value names is tried. An exported validator runs the accept build and,
 * only when it rejects, the explain build for the violations: valid payloads, the common case, cost
 * a fraction of the time and almost no garbage (a verbose `oneOf` over four message kinds made
 * some 6 KB of error objects per valid chat request, only to drop them).
 * @module
 */
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { ErrorObject } from 'ajv';
import type { JsonSchema, OpenApiDocument, OperationEntry, SchemaSlot } from './catalog.js';
import { SpecError, type SpecProblem } from './spec-error.js';
import type { SpecSources } from './spec-sources.js';
import { sourceKeyword } from './source-marks.js';
import { emitValidatorModules } from './emit-validator-modules.js';
import { schemaDepth, tallyKeywordDefinition, withTally } from './size-tally.js';

const Ajv = Ajv2020.default;
type SchemaCompiler = InstanceType<typeof Ajv>;

/**
 * The explain build: every violation, each with its schema (see the module comment). A tagged
 * `oneOf` is checked through its discriminator here too, so the violations are those of the branch
 * the value names (a user message is not also told what a system message lacks). With its dynamic
 * scopes this compiler also checks each schema against the 2020-12 meta-schema and reports spec
 * faults; the emitted explain build is compiled again without them (createExplainCompiler).
 */
export function createSchemaCompiler(): SchemaCompiler {
  return withFormats(
    new Ajv({
      strict: true,
      allowUnionTypes: true,
      keywords: [sourceKeyword],
      allErrors: true,
      discriminator: true,
      // Errors carry their keyword's schema: a failed oneOf/anyOf then says how many branches it had,
      // which readable violations need to tell "matched no branch's tag" from "matched one".
      verbose: true,
      code: { source: true, esm: false },
    }),
  );
}

/** The explain build as emitted: the schema compiler's options, without dynamic scopes (see withoutDynamicScopes). */
function createExplainCompiler(): SchemaCompiler {
  return withoutDynamicScopes(createSchemaCompiler());
}

/** The accept build: first error only, discriminated `oneOf`s. */
function createAcceptCompiler(): SchemaCompiler {
  return withoutDynamicScopes(withFormats(new Ajv({ strict: true, allowUnionTypes: true, keywords: [sourceKeyword, tallyKeywordDefinition], discriminator: true, code: { source: true, esm: false } })));
}

/**
 * Ajv2020 always compiles for `$dynamicRef` and `unevaluated*`: every validator function then takes
 * an options object with a fresh `dynamicAnchors` and keeps an "evaluated" record, which made the
 * accept build some 2.5x slower on a chat request (and the explain build about 1.5x). These specs
 * use none of those keywords, so both emitted builds turn them off and unregister them: a schema that
 * starts using one fails generation (strict mode, unknown keyword) instead of being accepted wrongly.
 * (The schema compiler keeps them: it checks each schema against the 2020-12 meta-schema, which is
 * written with them.)
 */
function withoutDynamicScopes(ajv: SchemaCompiler): SchemaCompiler {
  Object.assign(ajv.opts, { dynamicRef: false, unevaluated: false });
  for (const keyword of dynamicScopeKeywords) ajv.removeKeyword(keyword);
  return ajv;
}

const dynamicScopeKeywords = ['$dynamicRef', '$dynamicAnchor', '$recursiveRef', '$recursiveAnchor', 'unevaluatedProperties', 'unevaluatedItems'];

/** Reports each use of a keyword the accept build does without (see withoutDynamicScopes), where it was written. */
function checkNoDynamicScopes(schema: unknown, pointer: string[], report: (pointer: string[], message: string) => void): boolean {
  let clean = true;
  const walk = (node: unknown, at: string[]) => {
    if (!node || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (dataKeywords.has(key)) continue;
      if (dynamicScopeKeywords.includes(key)) {
        clean = false;
        report([...pointer, ...at, key], `\`${key}\` is not supported: sambakit's validators are compiled without dynamic scopes and unevaluated-keyword tracking`);
      } else walk(value, [...at, key]);
    }
  };
  walk(schema, []);
  return clean;
}

function withFormats(ajv: SchemaCompiler): SchemaCompiler {
  addFormats.default(ajv);
  // Beside a discriminator: the tag values of its branches, for a violation naming them (annotation only).
  ajv.addKeyword({ keyword: 'x-sambakit-tags', schemaType: 'array' });
  return ajv;
}

export function emitValidators(
  api: string,
  doc: OpenApiDocument,
  operations: OperationEntry[],
  sources: SpecSources,
  rootFile: string,
): Array<[string, string]> {
  const base = `https://sambakit.local/${api}/components.json`;
  const ajv = createSchemaCompiler();
  const problems: SpecProblem[] = [];
  const report = (pointer: string[], message: string) => problems.push({ location: sources.locate(rootFile, pointer), message });

  const components = (doc.components?.schemas ?? {}) as Record<string, JsonSchema>;
  const defs: Record<string, JsonSchema> = {};
  for (const [name, schema] of Object.entries(components)) {
    const pointer = ['components', 'schemas', name];
    if (checkMeta(ajv, schema, pointer, report) && checkNoDynamicScopes(schema, pointer, report)) defs[name] = rewriteRefs(schema, '#/$defs/');
  }
  if (problems.length > 0) throw new SpecError(problems);
  const discriminated = withDiscriminators(defs, `${base}#/$defs/`);
  ajv.addSchema({ $id: base, $defs: discriminated.defs }, undefined, undefined, false);
  for (const name of Object.keys(defs)) {
    compileOrReport(ajv, `${base}#/$defs/${name}`, components[name]!, ['components', 'schemas', name], report);
  }
  // An operation that only refers to a broken component fails with the component's message: said once.
  const componentMessages = new Set(problems.map((p) => p.message));
  const reportOnce = (pointer: string[], message: string) => {
    if (!componentMessages.has(message)) report(pointer, message);
  };

  const slots: SchemaSlot[] = operations.flatMap((op) => [
    ...(op.parameters ? [op.parameters] : []),
    ...op.request,
    ...op.responses.flatMap((r) => r.media),
  ]);
  for (const slot of slots) {
    if (!checkMeta(ajv, slot.schema, slot.pointer, report) || !checkNoDynamicScopes(slot.schema, slot.pointer, report)) continue;
    ajv.addSchema(discriminated.schema(rewriteRefs(slot.schema, `${base}#/$defs/`)) as object, slot.name, undefined, false);
    compileOrReport(ajv, slot.name, slot.schema, slot.pointer, reportOnce);
  }
  if (problems.length > 0) throw new SpecError(problems);

  // The emitted builds of the same schemas: a failure here is the generator's, not the spec's.
  // The accept build also tallies sizes (see size-tally.ts).
  const build = (compiler: SchemaCompiler, shape: (schema: JsonSchema) => JsonSchema): SchemaCompiler => {
    compiler.addSchema({ $id: base, $defs: Object.fromEntries(Object.entries(discriminated.defs).map(([name, def]) => [name, shape(def)])) }, undefined, undefined, false);
    for (const slot of slots) compiler.addSchema(shape(discriminated.schema(rewriteRefs(slot.schema, `${base}#/$defs/`))) as object, slot.name, undefined, false);
    return compiler;
  };
  const accept = build(createAcceptCompiler(), withTally);
  const explain = build(createExplainCompiler(), (schema) => schema);

  const resolve = (ref: string): [string, JsonSchema] | undefined => {
    const name = ref.startsWith(`${base}#/$defs/`) ? ref.slice(`${base}#/$defs/`.length) : ref.startsWith('#/$defs/') ? ref.slice('#/$defs/'.length) : undefined;
    return name !== undefined && discriminated.defs[name] !== undefined ? [name, discriminated.defs[name]] : undefined;
  };
  const depths = new Map(slots.map((slot) => [slot.name, schemaDepth(discriminated.schema(rewriteRefs(slot.schema, `${base}#/$defs/`)), resolve)]));

  return emitValidatorModules(api, operations, accept, explain, depths);
}

/**
 * Adds ajv's `discriminator` to every `oneOf` whose branches (inline or behind a `$ref` to a
 * component) are objects that all require one property holding string constants (a `const`, or an
 * `enum` of them), no value in two branches. The validity of any value is unchanged: such branches
 * exclude each other already, so "exactly one branch" is "the branch the tag names". Non-object
 * values fail on `type: object` instead. Without it every value is tried against every branch: a
 * Messages turn of thousands of content blocks against all twelve kinds of block (one of which takes
 * several `type`s) held the event loop for 200 ms to be found valid.
 */
const dataKeywords = new Set(['const', 'enum', 'default', 'examples', 'example']);

function withDiscriminators(defs: Record<string, JsonSchema>, defsPrefix: string): { defs: Record<string, JsonSchema>; schema: (node: JsonSchema) => JsonSchema } {
  const resolve = (node: unknown): Record<string, unknown> | undefined => {
    let at = node;
    for (let hops = 0; hops < 8 && at && typeof at === 'object' && typeof (at as { $ref?: unknown }).$ref === 'string'; hops++) {
      // Components refer to each other as `#/$defs/X`, operation schemas as `<base>#/$defs/X`.
      const ref = (at as { $ref: string }).$ref;
      const name = ref.startsWith(defsPrefix) ? ref.slice(defsPrefix.length) : ref.startsWith('#/$defs/') ? ref.slice('#/$defs/'.length) : undefined;
      at = name === undefined ? undefined : defs[name];
    }
    return at && typeof at === 'object' && !Array.isArray(at) ? (at as Record<string, unknown>) : undefined;
  };
  /** The tag property of the branches and the values each branch takes there, when they have one. */
  const tagOf = (branches: unknown[]): { name: string; values: string[][] } | undefined => {
    const resolved = branches.map(resolve);
    if (resolved.some((b) => !b || b.type !== 'object')) return undefined;
    const first = resolved[0]!;
    for (const name of Object.keys((first.properties as Record<string, unknown> | undefined) ?? {})) {
      const values = resolved.map((b) => {
        const required = Array.isArray(b!.required) && b!.required.includes(name);
        return required ? tagValues((b!.properties as Record<string, unknown> | undefined)?.[name]) : undefined;
      });
      if (!values.every((v) => v !== undefined)) continue;
      const all = values.flat();
      if (new Set(all).size === all.length) return { name, values };
    }
    return undefined;
  };
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk);
    if (!value || typeof value !== 'object') return value;
    const out: Record<string, unknown> = {};
    // Values (`const`, `default`, examples) are data, not schemas: left as they are.
    for (const [k, v] of Object.entries(value)) out[k] = dataKeywords.has(k) ? v : walk(v);
    const branches = out.oneOf;
    if (Array.isArray(branches) && branches.length > 1 && out.discriminator === undefined && (out.type === undefined || out.type === 'object')) {
      const tag = tagOf(branches);
      if (tag !== undefined) {
        out.type = 'object';
        out.discriminator = { propertyName: tag.name };
        out['x-sambakit-tags'] = tag.values.flat();
      }
    }
    return out;
  };
  const schema = (node: JsonSchema) => walk(node) as JsonSchema;
  return { defs: Object.fromEntries(Object.entries(defs).map(([name, def]) => [name, schema(def)])), schema };
}

/** The string constants a tag property's schema allows (its `const`, or an `enum` of strings only), else undefined. */
function tagValues(property: unknown): string[] | undefined {
  if (!property || typeof property !== 'object') return undefined;
  const { const: constant, enum: allowed } = property as { const?: unknown; enum?: unknown };
  if (typeof constant === 'string') return [constant];
  if (constant === undefined && Array.isArray(allowed) && allowed.length > 0 && allowed.every((v) => typeof v === 'string')) return allowed as string[];
  return undefined;
}

function checkMeta(
  ajv: InstanceType<typeof Ajv>,
  schema: JsonSchema,
  pointer: string[],
  report: (pointer: string[], message: string) => void,
): boolean {
  if (ajv.validateSchema(schema as object)) return true;
  // The meta-schema's anyOf branches repeat one mistake several times: keep the first per place.
  const seen = new Set<string>();
  for (const error of (ajv.errors ?? []) as ErrorObject[]) {
    const place = error.instancePath.replace(/\/\d+$/, '');
    if (seen.has(place)) continue;
    seen.add(place);
    const at = error.instancePath.split('/').slice(1);
    report([...pointer, ...at], `invalid schema: ${error.instancePath || '/'} ${error.message ?? ''}${describeParams(error)}`);
  }
  return false;
}

function compileOrReport(
  ajv: InstanceType<typeof Ajv>,
  key: string,
  schema: JsonSchema,
  pointer: string[],
  report: (pointer: string[], message: string) => void,
): void {
  try {
    ajv.getSchema(key);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const keyword = /unknown keyword: "([^"]+)"/.exec(message)?.[1];
    const at = keyword ? findKey(schema, keyword) : undefined;
    report(at ? [...pointer, ...at] : pointer, `invalid schema (ajv strict mode): ${message}`);
  }
}

function describeParams(error: ErrorObject): string {
  const allowed = (error.params as { allowedValues?: unknown[] }).allowedValues;
  return allowed ? ` (${allowed.join(', ')})` : '';
}

/** First place in a schema where `key` is used as a keyword, as a pointer. */
function findKey(node: unknown, key: string, at: string[] = []): string[] | undefined {
  if (!node || typeof node !== 'object') return undefined;
  if (!Array.isArray(node) && key in node) return [...at, key];
  for (const [k, v] of Object.entries(node)) {
    const found = findKey(v, key, [...at, k]);
    if (found) return found;
  }
  return undefined;
}

/** Points component refs at the `$defs` of the shared components schema. */
function rewriteRefs(node: JsonSchema, defsPrefix: string): JsonSchema {
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk);
    if (!value || typeof value !== 'object') return value;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = k === '$ref' && typeof v === 'string' ? v.replace('#/components/schemas/', defsPrefix) : walk(v);
    }
    return out;
  };
  return walk(node) as JsonSchema;
}
