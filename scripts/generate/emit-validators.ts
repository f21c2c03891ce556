/**
 * Compiles every request, response, stream-item and parameter schema of one API with ajv (strict
 * mode, all errors) into a standalone ESM module, after checking each schema against the JSON
 * Schema meta-schema so that a broken schema is reported where it was written.
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

export interface ValidatorModules {
  js: string;
  dts: string;
}

const Ajv = Ajv2020.default;

export function createSchemaCompiler() {
  const ajv = new Ajv({
    strict: true,
    allowUnionTypes: true,
    allErrors: true,
    // Errors carry their keyword's schema: a failed oneOf/anyOf then says how many branches it had,
    // which readable violations need to tell "matched no branch's tag" from "matched one".
    verbose: true,
    code: { source: true, esm: true },
  });
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

  const exports = Object.fromEntries(slots.map((s) => [s.name, s.name]));
  const code = withoutRequire(standaloneCode.default(ajv, exports));
  const js = `${generatedHeader}\n${code}\n\n${operationMap(operations)}\n`;
  return { js, dts: validatorTypes(operations) };
}

/**
 * ajv's ESM standalone output still `require`s its runtime helper for string lengths, which breaks
 * in ESM and in browsers: inline it (a code-point count, as ajv's own helper does). Any other
 * `require` left is a generator bug, not something to ship.
 */
function withoutRequire(code: string): string {
  const helper = 'require("ajv/dist/runtime/ucs2length").default';
  const inlined = code.includes(helper)
    ? `${ucs2lengthSource}\n${code.split(helper).join('ucs2length')}`
    : code;
  const left = /require\([^)]*\)/.exec(inlined);
  if (left) throw new Error(`generated validators still call ${left[0]}; teach scripts/generate/emit-validators.ts to inline it`);
  return inlined;
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
  return [...out, '', ...mapLines, ''].join('\n');
}
