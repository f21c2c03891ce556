/**
 * Compiles every request, response, stream-item and parameter schema of one API with ajv (strict
 * mode) into one standalone ESM module, after checking each schema against the JSON Schema
 * meta-schema so that a broken schema is reported where it was written.
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
import standaloneCode from 'ajv/dist/standalone/index.js';
import addFormats from 'ajv-formats';
import type { ErrorObject } from 'ajv';
import type { JsonSchema, OpenApiDocument, OperationEntry, SchemaSlot } from './catalog.js';
import { SpecError, type SpecProblem } from './spec-error.js';
import type { SpecSources } from './spec-sources.js';
import { generatedHeader } from './header.js';
import { sourceKeyword } from './source-marks.js';

export interface ValidatorModules {
  js: string;
  dts: string;
}

const Ajv = Ajv2020.default;
type SchemaCompiler = InstanceType<typeof Ajv>;

/** The explain build: every violation, each with its schema (see the module comment). */
export function createSchemaCompiler(): SchemaCompiler {
  return withFormats(
    new Ajv({
      strict: true,
      allowUnionTypes: true,
      keywords: [sourceKeyword],
      allErrors: true,
      // Errors carry their keyword's schema: a failed oneOf/anyOf then says how many branches it had,
      // which readable violations need to tell "matched no branch's tag" from "matched one".
      verbose: true,
      code: { source: true, esm: false },
    }),
  );
}

/** The accept build: first error only, discriminated `oneOf`s. */
function createAcceptCompiler(): SchemaCompiler {
  return withFormats(new Ajv({ strict: true, allowUnionTypes: true, keywords: [sourceKeyword], discriminator: true, code: { source: true, esm: false } }));
}

function withFormats(ajv: SchemaCompiler): SchemaCompiler {
  addFormats.default(ajv);
  return ajv;
}

export function emitValidators(
  api: string,
  doc: OpenApiDocument,
  operations: OperationEntry[],
  sources: SpecSources,
  rootFile: string,
): ValidatorModules {
  const base = `https://sambakit.local/${api}/components.json`;
  const ajv = createSchemaCompiler();
  const problems: SpecProblem[] = [];
  const report = (pointer: string[], message: string) => problems.push({ location: sources.locate(rootFile, pointer), message });

  const components = (doc.components?.schemas ?? {}) as Record<string, JsonSchema>;
  const defs: Record<string, JsonSchema> = {};
  for (const [name, schema] of Object.entries(components)) {
    const pointer = ['components', 'schemas', name];
    if (checkMeta(ajv, schema, pointer, report)) defs[name] = rewriteRefs(schema, '#/$defs/');
  }
  if (problems.length > 0) throw new SpecError(problems);
  ajv.addSchema({ $id: base, $defs: defs }, undefined, undefined, false);
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
    if (!checkMeta(ajv, slot.schema, slot.pointer, report)) continue;
    ajv.addSchema(rewriteRefs(slot.schema, `${base}#/$defs/`) as object, slot.name, undefined, false);
    compileOrReport(ajv, slot.name, slot.schema, slot.pointer, reportOnce);
  }
  if (problems.length > 0) throw new SpecError(problems);

  // The accept build of the same schemas: a failure here is the generator's, not the spec's.
  const accept = createAcceptCompiler();
  const discriminated = withDiscriminators(defs, `${base}#/$defs/`);
  accept.addSchema({ $id: base, $defs: discriminated.defs }, undefined, undefined, false);
  for (const slot of slots) accept.addSchema(discriminated.schema(rewriteRefs(slot.schema, `${base}#/$defs/`)) as object, slot.name, undefined, false);

  const exports = Object.fromEntries(slots.map((s) => [s.name, s.name]));
  const js = [
    generatedHeader,
    ucs2lengthSource,
    '/** Stops at the first error; `oneOf`s with a tag try only the tagged branch. */',
    `const accept = ${asScope(standaloneCode.default(accept, exports))};`,
    '/** Every error, verbose: run only on a value the accept build rejected. */',
    `const explain = ${asScope(standaloneCode.default(ajv, exports))};`,
    validatorFactorySource,
    ...slots.map((slot) => `export const ${slot.name} = validator(${JSON.stringify(slot.name)});`),
    '',
    '/** The two builds behind every validator, by export name: tests hold them to the same verdicts. */',
    'export const validatorBuilds = { accept, explain };',
    '',
    operationMap(operations),
    '',
  ].join('\n');
  return { js, dts: validatorTypes(operations) };
}

/**
 * An exported validator: the accept build answers; only when it rejects does the explain build run
 * for the violations. Both check the same schemas, so they agree on validity (test/generate holds
 * them to it on every example and negative case).
 */
const validatorFactorySource = [
  'function validator(name) {',
  '  const accepts = accept[name];',
  '  const explains = explain[name];',
  '  function validate(data) {',
  '    if (accepts(data)) {',
  '      validate.errors = null;',
  '      return true;',
  '    }',
  '    const valid = explains(data);',
  '    validate.errors = explains.errors;',
  '    return valid;',
  '  }',
  '  return validate;',
  '}',
].join('\n');

/**
 * ajv's CommonJS standalone output as an expression: its `exports` kept in a scope of its own, so
 * that two builds (with the same internal names) live in one ES module. Its runtime helper for
 * string lengths is inlined (it would `require` it, which breaks in ESM and in browsers); any other
 * `require` left is a generator bug, not something to ship.
 */
function asScope(code: string): string {
  const helper = 'require("ajv/dist/runtime/ucs2length").default';
  const inlined = code.split(helper).join('ucs2length');
  const left = /require\([^)]*\)/.exec(inlined);
  if (left) throw new Error(`generated validators still call ${left[0]}; teach scripts/generate/emit-validators.ts to inline it`);
  return `(() => {\nconst exports = {};\n${inlined}\nreturn exports;\n})()`;
}

/**
 * Adds ajv's `discriminator` to every `oneOf` whose branches (inline or behind a `$ref` to a
 * component) are objects that all require one property holding a different string constant. The
 * validity of any value is unchanged: such branches exclude each other already, so "exactly one
 * branch" is "the branch the tag names". Non-object values fail on `type: object` instead.
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
  const tagOf = (branches: unknown[]): string | undefined => {
    const resolved = branches.map(resolve);
    if (resolved.some((b) => !b || b.type !== 'object')) return undefined;
    const first = resolved[0]!;
    for (const name of Object.keys((first.properties as Record<string, unknown> | undefined) ?? {})) {
      const values = resolved.map((b) => {
        const property = (b!.properties as Record<string, { const?: unknown }> | undefined)?.[name];
        const required = Array.isArray(b!.required) && b!.required.includes(name);
        return required && typeof property?.const === 'string' ? property.const : undefined;
      });
      if (values.every((v) => v !== undefined) && new Set(values).size === values.length) return name;
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
        out.discriminator = { propertyName: tag };
      }
    }
    return out;
  };
  const schema = (node: JsonSchema) => walk(node) as JsonSchema;
  return { defs: Object.fromEntries(Object.entries(defs).map(([name, def]) => [name, schema(def)])), schema };
}

/** Length of a string in code points (JSON Schema counts characters, not UTF-16 units), as source text. */
const ucs2lengthSource = [
  'function ucs2length(text) {',
  '  let length = 0;',
  '  for (let i = 0; i < text.length; i++) {',
  '    length++;',
  '    const code = text.charCodeAt(i);',
  '    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) i++;',
  '  }',
  '  return length;',
  '}',
].join('\n');

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

function operationMap(operations: OperationEntry[]): string {
  const lines = ['/** Validators by operation, request media type, response status and media type. */', 'export const operationValidators = {'];
  for (const op of operations) {
    lines.push(`  ${JSON.stringify(op.operationId)}: {`);
    if (op.parameters) lines.push(`    parameters: ${op.parameters.name},`);
    lines.push(`    request: { ${op.request.map((m) => `${JSON.stringify(m.mediaType)}: ${m.name}`).join(', ')} },`);
    lines.push('    responses: {');
    for (const r of op.responses) {
      lines.push(`      ${JSON.stringify(r.status)}: { ${r.media.map((m) => `${JSON.stringify(m.mediaType)}: ${m.name}`).join(', ')} },`);
    }
    lines.push('    },');
    lines.push('  },');
  }
  lines.push('};');
  return lines.join('\n');
}

function validatorTypes(operations: OperationEntry[]): string {
  const out = [
    generatedHeader,
    "import type { ErrorObject } from 'ajv';",
    "import type { operations } from './schema.js';",
    '',
    '/** A generated validator: a type guard that leaves the violations of its last call in `errors`. */',
    'export interface Validator<T> {',
    '  (data: unknown): data is T;',
    '  errors?: ErrorObject[] | null;',
    '}',
    '',
  ];
  const mapLines: string[] = ['export declare const operationValidators: {'];
  for (const op of operations) {
    const id = JSON.stringify(op.operationId);
    const opType = `operations[${id}]`;
    mapLines.push(`  ${id}: {`);
    if (op.parameters) {
      out.push(`export declare const ${op.parameters.name}: Validator<unknown>;`);
      mapLines.push(`    parameters: typeof ${op.parameters.name};`);
    }
    const request: string[] = [];
    for (const m of op.request) {
      out.push(`export declare const ${m.name}: Validator<NonNullable<${opType}['requestBody']>['content'][${JSON.stringify(m.mediaType)}]>;`);
      request.push(`${JSON.stringify(m.mediaType)}: typeof ${m.name}`);
    }
    mapLines.push(`    request: { ${request.join('; ')} };`);
    mapLines.push('    responses: {');
    for (const r of op.responses) {
      const media: string[] = [];
      for (const m of r.media) {
        out.push(`export declare const ${m.name}: Validator<${opType}['responses'][${JSON.stringify(r.status)}]['content'][${JSON.stringify(m.mediaType)}]>;`);
        media.push(`${JSON.stringify(m.mediaType)}: typeof ${m.name}`);
      }
      mapLines.push(`      ${JSON.stringify(r.status)}: { ${media.join('; ')} };`);
    }
    mapLines.push('    };');
    mapLines.push('  };');
  }
  mapLines.push('};');
  const builds = [
    '',
    '/** The two builds behind every validator, by export name: tests hold them to the same verdicts. */',
    'export declare const validatorBuilds: {',
    '  accept: Readonly<Record<string, Validator<unknown>>>;',
    '  explain: Readonly<Record<string, Validator<unknown>>>;',
    '};',
  ];
  return [...out, '', ...mapLines, ...builds, ''].join('\n');
}
