/**
 * Writes the compiled validators of one API as ES modules, one per operation
 * (`validators/<operationId>.js`), so that code validating one operation loads (and a bundler
 * keeps) only that operation's validators. `validators.js` is the index: every operation by name
 * and the `operationValidators` map. Top-level calls are marked pure and nothing runs on import but
 * building the validators, so a bundler drops what is not used.
 * @module
 */
import standaloneCode from 'ajv/dist/standalone/index.js';
import type Ajv2020 from 'ajv/dist/2020.js';
import type { OperationEntry, SchemaSlot } from './catalog.js';
import { entryName } from './emit-operations.js';
import { generatedHeader } from './header.js';

type SchemaCompiler = InstanceType<typeof Ajv2020.default>;

/** `depths`: by slot name, the nesting bound of the slot's schema (`schemaDepth`), undefined when it refers to itself. */
export function emitValidatorModules(
  api: string,
  operations: OperationEntry[],
  accept: SchemaCompiler,
  explain: SchemaCompiler,
  depths: ReadonlyMap<string, number | undefined>,
): Array<[string, string]> {
  const files: Array<[string, string]> = [
    ['validators/runtime.js', runtimeJs],
    ['validators/runtime.d.ts', runtimeDts],
  ];
  for (const op of operations) {
    if (!/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(op.operationId)) throw new Error(`operationId "${op.operationId}" is not a JavaScript name; the generator names modules and exports after it`);
    files.push([`validators/${op.operationId}.js`, operationModule(api, op, accept, explain, depths)], [`validators/${op.operationId}.d.ts`, operationTypes(api, op)]);
  }
  files.push(['validators.js', indexModule(operations)], ['validators.d.ts', indexTypes(operations)]);
  return files;
}

function slotsOf(op: OperationEntry): SchemaSlot[] {
  return [...(op.parameters ? [op.parameters] : []), ...op.request, ...op.responses.flatMap((r) => r.media)];
}

function operationModule(api: string, op: OperationEntry, accept: SchemaCompiler, explain: SchemaCompiler, depths: ReadonlyMap<string, number | undefined>): string {
  const slots = slotsOf(op);
  const exports = Object.fromEntries(slots.map((s) => [s.name, s.name]));
  const lines = [
    generatedHeader,
    `import { ${entryName(op.operationId)} as operation } from '../operations.js';`,
    "import { tally, ucs2length, validator } from './runtime.js';",
    '',
    '/** Stops at the first error; `oneOf`s with a tag try only the tagged branch. */',
    `const accept = /* @__PURE__ */ ${asScope(standaloneCode.default(accept, exports))};`,
    '/** Every error, verbose: run only on a value the accept build rejected. */',
    `const explain = /* @__PURE__ */ ${asScope(standaloneCode.default(explain, exports))};`,
    '',
    ...slots.map((s) => `export const ${s.name} = /* @__PURE__ */ validator(accept.${s.name}, explain.${s.name}, ${depths.get(s.name) ?? 'undefined'});`),
    '',
    '/** The two builds behind every validator, by export name: tests hold them to the same verdicts. */',
    'export const validatorBuilds = { accept, explain };',
    '',
    `/** ${op.operationId}: its table entry and validators by request media type, response status and media type. */`,
    'export const validators = {',
    `  api: ${JSON.stringify(api)},`,
    '  operation,',
    ...(op.parameters ? [`  parameters: ${op.parameters.name},`] : []),
    `  request: { ${op.request.map((m) => `${JSON.stringify(m.mediaType)}: ${m.name}`).join(', ')} },`,
    '  responses: {',
    ...op.responses.map((r) => `    ${JSON.stringify(r.status)}: { ${r.media.map((m) => `${JSON.stringify(m.mediaType)}: ${m.name}`).join(', ')} },`),
    '  },',
    '};',
    '',
  ];
  return lines.join('\n');
}

function operationTypes(api: string, op: OperationEntry): string {
  const id = JSON.stringify(op.operationId);
  const opType = `operations[${id}]`;
  const lines = [
    generatedHeader,
    "import type { operations } from '../schema.js';",
    `import type { ${entryName(op.operationId)} as operation } from '../operations.js';`,
    "import type { Build, Validator } from './runtime.js';",
    '',
  ];
  if (op.parameters) lines.push(`export declare const ${op.parameters.name}: Validator<unknown>;`);
  for (const m of op.request) lines.push(`export declare const ${m.name}: Validator<NonNullable<${opType}['requestBody']>['content'][${JSON.stringify(m.mediaType)}]>;`);
  for (const r of op.responses) {
    for (const m of r.media) lines.push(`export declare const ${m.name}: Validator<${opType}['responses'][${JSON.stringify(r.status)}]['content'][${JSON.stringify(m.mediaType)}]>;`);
  }
  lines.push(
    '',
    'export declare const validatorBuilds: {',
    '  accept: Readonly<Record<string, Build>>;',
    '  explain: Readonly<Record<string, Build>>;',
    '};',
    '',
    'export declare const validators: {',
    `  readonly api: ${JSON.stringify(api)};`,
    '  readonly operation: typeof operation;',
    ...(op.parameters ? [`  readonly parameters: typeof ${op.parameters.name};`] : []),
    `  readonly request: { ${op.request.map((m) => `readonly ${JSON.stringify(m.mediaType)}: typeof ${m.name}`).join('; ')} };`,
    '  readonly responses: {',
    ...op.responses.map((r) => `    readonly ${JSON.stringify(r.status)}: { ${r.media.map((m) => `readonly ${JSON.stringify(m.mediaType)}: typeof ${m.name}`).join('; ')} };`),
    '  };',
    '};',
    '',
  );
  return lines.join('\n');
}

function indexModule(operations: OperationEntry[]): string {
  return [
    generatedHeader,
    ...operations.map((op) => `import { validators as ${op.operationId} } from './validators/${op.operationId}.js';`),
    '',
    `export { ${operations.map((op) => op.operationId).join(', ')} };`,
    '',
    '/** Validators by operation (this loads every operation: import one by name to load only it). */',
    `export const operationValidators = { ${operations.map((op) => op.operationId).join(', ')} };`,
    '',
  ].join('\n');
}

function indexTypes(operations: OperationEntry[]): string {
  return [
    generatedHeader,
    "export type { Validator } from './validators/runtime.js';",
    ...operations.map((op) => `export { validators as ${op.operationId} } from './validators/${op.operationId}.js';`),
    ...operations.map((op) => `import type { validators as ${op.operationId}_ } from './validators/${op.operationId}.js';`),
    '',
    'export declare const operationValidators: {',
    ...operations.map((op) => `  readonly ${op.operationId}: typeof ${op.operationId}_;`),
    '};',
    '',
  ].join('\n');
}

/**
 * ajv's CommonJS standalone output as an expression: its `exports` kept in a scope of its own, so
 * that two builds (with the same internal names) live in one ES module. Its runtime helper for
 * string lengths comes from runtime.js (it would `require` it, which breaks in ESM and in
 * browsers); any other `require` left is a generator bug, not something to ship.
 */
function asScope(code: string): string {
  const helper = 'require("ajv/dist/runtime/ucs2length").default';
  const inlined = withBoundedLengths(withInstancePathOnly(code.split(helper).join('ucs2length')));
  const left = /require\([^)]*\)/.exec(inlined);
  if (left) throw new Error(`generated validators still call ${left[0]}; teach scripts/generate/emit-validator-modules.ts to inline it`);
  return `(() => {\nconst exports = {};\n${inlined}\nreturn exports;\n})()`;
}

/**
 * ajv compares a string's length in code points with a limit (`func0(data) > 256` for maxLength,
 * `< 1` for minLength): each call is handed the limit, past which `ucs2length` stops counting. A
 * body's string of millions of characters was counted whole, tens of milliseconds in one turn, to
 * learn that it is longer than 256.
 */
function withBoundedLengths(code: string): string {
  let rewritten = code;
  for (const [, name] of code.matchAll(/const (func\d+) = ucs2length;/g)) {
    rewritten = rewritten.replace(new RegExp(String.raw`\b${name}\(([\w$.[\]"]+)\) ([<>]) (\d+)\b`, 'g'), `${name}($1, $3) $2 $3`);
    const left = new RegExp(String.raw`\b${name}\([^,)]*\)`).exec(rewritten);
    if (left) throw new Error(`generated validators still count a whole string (\`${left[0]}\`); teach scripts/generate/emit-validator-modules.ts its form`);
  }
  return rewritten;
}

/** A JavaScript string literal as ajv writes them (double quotes, backslash escapes). */
const stringLiteral = String.raw`"(?:[^"\\]|\\.)*"`;
/** An instance path expression: names, `+`, string literals and calls such as `key0.replace(/~/g, "~0")`. */
const pathExpression = String.raw`(?:[^,"(){}]|${stringLiteral}|\((?:[^()"]|${stringLiteral})*\))+?`;
const contextSignature = /function (validate\d+)\(data, \{instancePath="", parentData, parentDataProperty, rootData=data\}=\{\}\)/g;
const contextWithPath = new RegExp(String.raw`\{instancePath:(${pathExpression}),parentData:[\w$]+,parentDataProperty:(?:[\w$]+|${stringLiteral}),rootData\}`, 'g');
const contextPassedOn = '{instancePath,parentData,parentDataProperty,rootData}';

/**
 * ajv hands every call of a sub-schema's function a fresh context object (instance path, parent
 * value, property name, root value) and destructures it with defaults on entry: on a chat request
 * that is two objects per message, about half of the accept build's time. These specs use no
 * keyword that reads the parent or root value (`$data`, defaults), so each function takes the
 * instance path alone, which its errors still need. Anything the rewrite does not account for is a
 * generator bug, reported here rather than shipped half rewritten.
 */
function withInstancePathOnly(code: string): string {
  const rewritten = code
    .replace(contextSignature, 'function $1(data, instancePath="")')
    .replace(contextWithPath, '$1')
    .split(contextPassedOn)
    .join('instancePath');
  const left = /parentData|rootData/.exec(rewritten);
  if (left) {
    const around = rewritten.slice(Math.max(0, left.index - 80), left.index + 80);
    throw new Error(`generated validators still use ${left[0]} after dropping the call context (near \`${around}\`); teach scripts/generate/emit-validator-modules.ts its form`);
  }
  return rewritten;
}

/**
 * An exported validator: the accept build answers; only when it rejects does the explain build run
 * for the violations. Both check the same schemas, so they agree on validity (test/generate holds
 * them to it on every example and negative case). `ucs2length` counts code points, as JSON Schema
 * lengths do. `tally` is what the accept build counts of the value it checks (see
 * scripts/generate/size-tally.ts); `within` reads it.
 */
const runtimeJs = [
  generatedHeader,
  '/**',
  ' * Length of a string in code points (JSON Schema counts characters, not UTF-16 units), counted no',
  ' * further than one past `limit`: enough to compare it with the limit, in work that follows the limit.',
  ' * A string of over twice the limit in UTF-16 units is past it whatever it holds (a code point is one',
  ' * or two units), known without reading it: a long string parsed in pieces is not yet one flat string,',
  ' * and reading a character would first copy it whole.',
  ' */',
  'export function ucs2length(text, limit = Infinity) {',
  '  if (text.length > 2 * limit) return limit + 1;',
  '  let length = 0;',
  '  for (let i = 0; i < text.length && length <= limit; i++) {',
  '    length++;',
  '    const code = text.charCodeAt(i);',
  '    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) i++;',
  '  }',
  '  return length;',
  '}',
  '',
  '/**',
  ' * Array items and object members the accept build counted (over, never under), whether it saw an',
  ' * array or object where no schema checks it (`open`), and the count past which it stops. Counted',
  ' * only while `on` (in `within`): a plain check walks no object\'s members for it.',
  ' */',
  'export const tally = { on: false, members: 0, maxMembers: Infinity, open: false };',
  '',
  '/**',
  ' * One validator from its two builds: the accept build answers, the explain build runs only on a',
  ' * rejection, unless `firstErrorOnly` asks for the accept build\'s first error (the explain build\'s',
  ' * cost grows with the square of the errors it gathers: a payload of many thousand wrong items).',
  ' * `depth` bounds the nesting of a value its schema checks all through (undefined: no bound).',
  ' */',
  'export function validator(accepts, explains, depth) {',
  '  function validate(data, firstErrorOnly) {',
  '    if (accepts(data)) {',
  '      validate.errors = null;',
  '      return true;',
  '    }',
  '    if (firstErrorOnly) {',
  '      validate.errors = accepts.errors;',
  '      return false;',
  '    }',
  '    const valid = explains(data);',
  '    validate.errors = explains.errors;',
  '    return valid;',
  '  }',
  '  /** The explain build alone, its violations in `errors`: for a value `within` found "rejected". */',
  '  validate.explain = function explain(data) {',
  '    const valid = explains(data);',
  '    validate.errors = explains.errors;',
  '    return valid;',
  '  };',
  '  /**',
  '   * The accept build\'s verdict and whether it vouches for the size: "within" (valid, at most',
  '   * `maxDepth` levels and `maxMembers` members), "accepted" (valid, size unknown: a member the schema',
  '   * leaves open holds an array or object), "rejected" (invalid; its first error in `errors`), or',
  '   * "unknown" (not tried, the schema alone not bounding the nesting to `maxDepth`; or stopped past',
  '   * `maxMembers`, counted over).',
  '   */',
  '  validate.within = function within(data, maxDepth, maxMembers) {',
  '    if (depth === undefined || depth > maxDepth) return "unknown";',
  '    // A check started from inside another (a getter that validates) leaves the outer tally as it was, its own added.',
  '    const { on, members, open, maxMembers: outerMaxMembers } = tally;',
  '    tally.on = true;',
  '    tally.members = 0;',
  '    tally.open = false;',
  '    tally.maxMembers = maxMembers;',
  '    let accepted, counted, sawOpen;',
  '    try {',
  '      accepted = accepts(data);',
  '    } finally {',
  '      counted = tally.members;',
  '      sawOpen = tally.open;',
  '      tally.on = on;',
  '      tally.members = members + counted;',
  '      tally.open = open || sawOpen;',
  '      tally.maxMembers = outerMaxMembers;',
  '    }',
  '    if (accepted) return sawOpen ? "accepted" : "within";',
  '    if (counted > maxMembers) return "unknown";',
  '    validate.errors = accepts.errors;',
  '    return "rejected";',
  '  };',
  '  return validate;',
  '}',
  '',
].join('\n');

const runtimeDts = [
  generatedHeader,
  "import type { ErrorObject } from 'ajv';",
  '',
  '/** A generated validator: a type guard that leaves the violations of its last call in `errors` (only the first with `firstErrorOnly`). */',
  'export interface Validator<T> {',
  '  (data: unknown, firstErrorOnly?: boolean): data is T;',
  '  errors?: ErrorObject[] | null;',
  '  /** The verdict, and whether the schema and the one check vouch for `data` keeping within the limits (see runtime.js). */',
  "  within(data: unknown, maxDepth: number, maxMembers: number): 'within' | 'accepted' | 'rejected' | 'unknown';",
  '  /** The explain build alone: every violation in `errors`. */',
  '  explain(data: unknown): boolean;',
  '}',
  '',
  '/** One of the two builds behind a validator (ajv\'s standalone function). */',
  'export interface Build {',
  '  (data: unknown): boolean;',
  '  errors?: ErrorObject[] | null;',
  '}',
  '',
  'export declare const tally: { on: boolean; members: number; maxMembers: number; open: boolean };',
  'export declare function ucs2length(text: string, limit?: number): number;',
  'export declare function validator<T>(accepts: Build, explains: Build, depth: number | undefined): Validator<T>;',
  '',
].join('\n');
