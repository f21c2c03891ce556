/**
 * Readable violations from ajv errors: one record per broken rule with where (JSON Pointer), which
 * rule, what was expected and what came. `anyOf`/`oneOf` failures are folded to the branch that got
 * furthest, so a wrong field inside the right shape is named instead of every other shape.
 * @module
 */
import type { ErrorObject } from 'ajv';

export interface Violation {
  /** JSON Pointer of the value, prefixed by where it was found (`/body/messages/0/role`). */
  path: string;
  /** The JSON Schema keyword that failed. */
  rule: string;
  /** What the schema allows there, in words. */
  expected: string;
  /** What was found (`undefined` for a missing value; long strings are cut). */
  received: unknown;
  /** The same in one line, for people: `/body/temperature: expected a number <= 2, received 3 (maximum)`. */
  message: string;
}

/** A violation, its one-line form included. */
export function violation(path: string, rule: string, expected: string, received: unknown): Violation {
  // Long text and large values are cut; a value kept whole is written as JSON once, for both fields.
  let clipped = received;
  let shown: string | undefined;
  if (typeof received === 'string') {
    if (received.length > maxReceivedLength) clipped = cut(received);
  } else if (received !== null && typeof received === 'object') {
    const text = jsonPrefix(received, maxReceivedLength + 1);
    if (text.length > maxReceivedLength) clipped = cut(text);
    else shown = text;
  }
  return { path, rule, expected, received: clipped, message: line(path, rule, expected, shown ?? formatReceived(clipped)) };
}

const maxReceivedLength = 120;

export function toViolations(errors: readonly ErrorObject[] | null | undefined, data: unknown, prefix = ''): Violation[] {
  if (!errors || errors.length === 0) return [];
  return describeFolded(foldAlternatives(errors, data), data, prefix);
}

/**
 * The violations of errors folded already (`foldOnto`): what `toViolations` gives for the errors
 * they were folded from. A long list may be described a part at a time onto the same `into`.
 */
export function describeFolded(kept: readonly ErrorObject[], data: unknown, prefix = '', into?: { out: Violation[]; seen: Set<string> }): Violation[] {
  // Branches of an anyOf can say the same thing twice. A few violations are compared one by one
  // (hashing a key built for each costs more than the rest of describing them); many go through a set.
  const seen = into?.seen ?? (kept.length > 16 ? new Set<string>() : undefined);
  const out: Violation[] = into?.out ?? [];
  for (const error of kept) {
    const found = describe(error, data, prefix);
    if (seen) {
      const key = `${found.path}\u0000${found.rule}\u0000${found.expected}`;
      if (seen.has(key)) continue;
      seen.add(key);
    } else if (out.some((v) => v.path === found.path && v.rule === found.rule && v.expected === found.expected)) continue;
    out.push(violation(found.path, found.rule, found.expected, found.received));
  }
  return out;
}

/** One line per violation: `path: expected X, received Y (rule)`. */
export function formatViolation(v: Pick<Violation, 'path' | 'rule' | 'expected' | 'received'>): string {
  return line(v.path, v.rule, v.expected, formatReceived(v.received));
}

function line(path: string, rule: string, expected: string, received: string): string {
  return `${path || '/'}: expected ${expected}, received ${received} (${rule})`;
}

export function formatReceived(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = jsonPrefix(value, maxReceivedLength + 1) ?? String(value);
  return text.length > maxReceivedLength ? cut(text) : text;
}

function describe(error: ErrorObject, data: unknown, prefix: string): Omit<Violation, 'message'> {
  const params = error.params as Record<string, unknown>;
  const at = error.instancePath;
  // Errors of the explain build (verbose) carry the value they are about; the accept build's do not.
  const value = 'data' in error ? error.data : valueAt(data, at);
  switch (error.keyword) {
    case 'required': {
      const field = String(params.missingProperty);
      const schema = (error.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties?.[field];
      return { path: `${prefix}${at}/${escapeSegment(field)}`, rule: 'required', expected: `${schemaText(schema)} (the field is required)`, received: undefined };
    }
    case 'additionalProperties':
      return {
        path: `${prefix}${at}/${escapeSegment(String(params.additionalProperty))}`,
        rule: 'additionalProperties',
        expected: 'no such field',
        received: (value as Record<string, unknown> | undefined)?.[String(params.additionalProperty)],
      };
    case 'type':
      return { path: prefix + at, rule: 'type', expected: `type ${String(params.type).replace(/,/g, ' or ')}`, received: value };
    case 'enum':
      return { path: prefix + at, rule: 'enum', expected: oneOfText(params.allowedValues as unknown[]), received: value };
    case 'const':
      return { path: prefix + at, rule: 'const', expected: jsonText(params.allowedValue), received: value };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { path: prefix + at, rule: error.keyword, expected: `a number ${String(params.comparison)} ${String(params.limit)}`, received: value };
    case 'minItems':
    case 'maxItems':
      return { path: prefix + at, rule: error.keyword, expected: `${error.keyword === 'minItems' ? 'at least' : 'at most'} ${String(params.limit)} item(s)`, received: Array.isArray(value) ? `${value.length} item(s)` : value };
    case 'minProperties':
    case 'maxProperties': {
      // Not counted again: enumerating 100,000 keys is tens of milliseconds, and the validator just did.
      const fewer = error.keyword === 'minProperties';
      return { path: prefix + at, rule: error.keyword, expected: `${fewer ? 'at least' : 'at most'} ${String(params.limit)} field(s)`, received: `${fewer ? 'fewer' : 'more'} than ${String(params.limit)} field(s)` };
    }
    case 'minLength':
    case 'maxLength':
      return { path: prefix + at, rule: error.keyword, expected: `${error.keyword === 'minLength' ? 'at least' : 'at most'} ${String(params.limit)} character(s)`, received: value };
    case 'pattern':
      return { path: prefix + at, rule: 'pattern', expected: `text matching ${String(params.pattern)}`, received: value };
    case 'format':
      return { path: prefix + at, rule: 'format', expected: `a ${String(params.format)}`, received: value };
    case 'discriminator': {
      // A tagged oneOf (generated validators check it through ajv's discriminator): the tag is wrong or missing.
      const tagPath = `${prefix}${at}/${escapeSegment(String(params.tag))}`;
      const allowed = (error.parentSchema as Record<string, unknown> | undefined)?.['x-sambakit-tags'];
      const expected = Array.isArray(allowed) ? oneOfText(allowed) : 'a known tag value';
      if (params.tagValue === undefined) return { path: tagPath, rule: 'required', expected: `${expected} (the field is required)`, received: undefined };
      return { path: tagPath, rule: typeof params.tagValue === 'string' ? 'enum' : 'type', expected, received: params.tagValue };
    }
    case 'anyOf':
    case 'oneOf':
      return {
        path: prefix + at,
        rule: error.keyword,
        expected: error.keyword === 'oneOf' && Array.isArray(params.passingSchemas) ? 'exactly one of the allowed shapes (several matched)' : 'one of the allowed shapes',
        received: value,
      };
    default:
      return { path: prefix + at, rule: error.keyword, expected: error.message ?? error.keyword, received: value };
  }
}

/**
 * What a schema allows, in a few words (`a string`, `"user"`, `one of "a", "b"`, `an object or
 * null`): said of a missing field, whose schema the explain build hands over as part of its
 * parent's. A `$ref` is named by its definition; a schema of no type says `a value`.
 */
function schemaText(schema: unknown, depth = 0): string {
  if (schema === null || typeof schema !== 'object' || depth > 2) return 'a value';
  const s = schema as { const?: unknown; enum?: unknown[]; type?: unknown; $ref?: unknown; anyOf?: unknown[]; oneOf?: unknown[] };
  if (s.const !== undefined) return jsonText(s.const);
  if (Array.isArray(s.enum)) return oneOfText(s.enum);
  if (typeof s.type === 'string') return typeWords(s.type);
  if (Array.isArray(s.type)) return alternatives(s.type.map((t) => typeWords(String(t))));
  const branches = s.anyOf ?? s.oneOf;
  if (Array.isArray(branches)) return alternatives(branches.map((b) => schemaText(b, depth + 1)));
  if (typeof s.$ref === 'string') return `a ${s.$ref.slice(s.$ref.lastIndexOf('/') + 1)}`;
  return 'a value';
}

const typeArticles: Record<string, string> = { array: 'an array', object: 'an object', integer: 'an integer', null: 'null' };

function typeWords(type: string): string {
  return typeArticles[type] ?? `a ${type}`;
}

/** `a string, an array or null`, each said once. */
function alternatives(words: string[]): string {
  const unique = [...new Set(words)];
  return unique.length === 1 ? unique[0]! : `${unique.slice(0, -1).join(', ')} or ${unique.at(-1)!}`;
}

/** `one of "a", "b"` per list of allowed values; a schema's own lists (`enum`, tags) are the same array every time. */
const oneOfTexts = new WeakMap<readonly unknown[], string>();

function oneOfText(allowed: readonly unknown[]): string {
  let text = oneOfTexts.get(allowed);
  if (text === undefined) {
    text = `one of ${allowed.map(jsonText).join(', ')}`;
    oneOfTexts.set(allowed, text);
  }
  return text;
}

/**
 * For each failed anyOf/oneOf, keep only what the value most likely got wrong.
 * - Branches told apart by one field (`role`, `type`) whose value matches none of them: that field,
 *   as one enum violation listing every branch's value.
 * - Inline branches (schemaPath runs through `/oneOf/<i>/`): the errors of the branch that got
 *   furthest into the value (deepest path, then fewest errors).
 * - Branches behind $refs (ajv reports their schemaPath from the referenced schema, so branches
 *   cannot be told apart): the other branches' tag errors are dropped when the tag matched one.
 * When every branch failed on the value's own type, the single anyOf/oneOf error stays.
 */
function foldAlternatives(errors: readonly ErrorObject[], data: unknown): readonly ErrorObject[] {
  return errors.some(isGroup) ? foldOnto([], errors, data) : errors;
}

/**
 * Folds `errors` onto `result`, the errors before them folded already, as one pass over them all
 * would (see foldAlternatives); returns `result`. Lets a long list be folded a part at a time.
 */
export function foldOnto(result: ErrorObject[], errors: readonly ErrorObject[], data: unknown): ErrorObject[] {
  // ajv reports a group after its branches, and an inner group inside them: so in one pass in
  // order, each group's branch errors are the folded errors just before it under its path, and
  // inner groups are folded before the groups around them. (Each group once, never a copy of the
  // whole list per group: a thousand wrong items of a list of shapes cost the square of that.)
  for (const error of errors) {
    if (!isGroup(error)) {
      result.push(error);
      continue;
    }
    let from = result.length;
    while (from > 0 && isUnder(result[from - 1]!, error) && !(isGroup(result[from - 1]!) && result[from - 1]!.instancePath === error.instancePath)) from--;
    const run = result.splice(from);
    for (const folded of foldGroup(error, run, data)) result.push(folded);
  }
  return result;
}

/** A failed anyOf/oneOf (not a oneOf that failed because several branches matched). */
function isGroup(e: ErrorObject): boolean {
  return (e.keyword === 'anyOf' || e.keyword === 'oneOf') && !Array.isArray((e.params as { passingSchemas?: unknown }).passingSchemas);
}

function foldGroup(group: ErrorObject, run: ErrorObject[], data: unknown): ErrorObject[] {
  if (run.length === 0) return [group];
  const tag = tagErrors(group, run);
  const branchCount = Array.isArray(group.schema) ? group.schema.length : undefined;
  if (tag) {
    // Every branch rejected the tag (validators generated with `verbose` tell how many there are);
    // a branch of another type (`null` beside tagged objects) rejected the value as a whole.
    const otherTypes = run.filter((e) => e.instancePath === group.instancePath && e.keyword === 'type').length;
    const rejectedByAll =
      branchCount === undefined ? !tag.allowed.some((a) => sameJson(a, valueAt(data, tag.path))) : tag.errors.length + otherTypes >= branchCount;
    if (rejectedByAll) {
      return [{ ...tag.errors[0]!, keyword: 'enum', schemaPath: group.schemaPath, params: { allowedValues: tag.allowed }, message: 'must be equal to one of the allowed values' }];
    }
  }
  const prefix = `${group.schemaPath}/`;
  const inline = run.every((e) => e.schemaPath.startsWith(prefix));
  if (inline) {
    const branches = new Map<string, ErrorObject[]>();
    for (const e of run) {
      const index = e.schemaPath.slice(prefix.length).split('/')[0]!;
      listIn(branches, index).push(e);
    }
    const shallow = (list: ErrorObject[]) => list.every((e) => e.instancePath === group.instancePath && (e.keyword === 'type' || e.keyword === 'const' || e.keyword === 'enum'));
    const depth = (list: ErrorObject[]) => list.reduce((deepest, e) => Math.max(deepest, e.instancePath.split('/').length + (e.keyword === 'required' ? 1 : 0)), 0);
    // A branch whose constant field (`type: "str"`) the value contradicts was not meant, however deep its other errors.
    const childDepth = group.instancePath.split('/').length + 1;
    const wrongTag = (list: ErrorObject[]) => (list.some((e) => (e.keyword === 'const' || e.keyword === 'enum') && e.instancePath.split('/').length === childDepth) ? 1 : 0);
    const best = [...branches.values()].filter((list) => !shallow(list)).sort((a, b) => wrongTag(a) - wrongTag(b) || depth(b) - depth(a) || a.length - b.length)[0];
    return best ? intoTheBranch(group, best, data) : shallowSummary(group, run);
  }
  const kept = tag ? run.filter((e) => !tag.errors.includes(e) && !fromOtherBranch(e, group, tag.path, valueAt(data, tag.path))) : untaggedBranch(group, run, data);
  if (tag && valueAt(data, tag.path) !== undefined && kept.every((e) => e.instancePath === group.instancePath && !hasProperty(e.parentSchema, tag.path.slice(group.instancePath.length + 1)))) {
    // The value has the tag, with a value no tagged branch takes; what is left came from untagged
    // branches (an error object beside the chunk kinds): the tag is what to fix.
    return [{ ...tag.errors[0]!, keyword: 'enum', schemaPath: group.schemaPath, params: { allowedValues: tag.allowed }, message: 'must be equal to one of the allowed values' }];
  }
  const meaningful = intoTheBranch(group, kept, data, tag?.path).filter((e) => !(e.instancePath === group.instancePath && (e.keyword === 'type' || e.keyword === 'const' || e.keyword === 'enum')));
  return meaningful.length > 0 ? meaningful : shallowSummary(group, run);
}

/**
 * Some branch took the value in and failed inside it (errors below the group's place that are not a
 * contradicted constant): that branch was meant. Dropped: what branches that do not know all of the
 * value's fields said about the value itself (`instances` is required, in the form the value does
 * not use), their contradicted constants (`type` is not "text", in an image part), and a type error
 * with errors beneath it (another branch took that value's type).
 */
function intoTheBranch(group: ErrorObject, errors: ErrorObject[], data: unknown, tagPath?: string): ErrorObject[] {
  const childDepth = group.instancePath.split('/').length + 1;
  const constantOfChild = (e: ErrorObject) => (e.keyword === 'const' || e.keyword === 'enum') && e.instancePath.split('/').length === childDepth;
  // The field that tells branches apart is the one several branches fix to other values (`type`);
  // a constant only one branch fixes (`role` of a message) is a fault of that branch, not another branch.
  const perField = new Map<string, number>();
  for (const e of errors) if (constantOfChild(e)) perField.set(e.instancePath, (perField.get(e.instancePath) ?? 0) + 1);
  const tagFields = tagPath !== undefined ? [tagPath] : [...perField].filter(([, n]) => n > 1).map(([path]) => path);
  const contradictedConstant = (e: ErrorObject) => constantOfChild(e) && (tagFields.length === 0 || tagFields.includes(e.instancePath));
  const value = valueAt(data, group.instancePath);
  const fields = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  // A branch whose constant field the value contradicts (`type: "text"` for an image part) was not meant.
  const otherBranch = (e: ErrorObject) => e.instancePath === group.instancePath && fields !== undefined && contradicts(e.parentSchema, fields);
  const kept = errors.filter((e) => !contradictedConstant(e) && !otherBranch(e));
  const constants = errors.filter(contradictedConstant);
  const keys = fields ? Object.keys(fields) : [];
  const knowsAll = (schema: unknown) => {
    const properties = (schema as { properties?: object } | undefined)?.properties;
    return !!properties && keys.every((k) => Object.hasOwn(properties, k));
  };
  // Left only with what branches that do not know the value's fields say (an error object's
  // `error` is required, for a chunk whose `object` is wrong): the contradicted constant is the fault.
  if (constants.length > 0 && kept.every((e) => e.instancePath === group.instancePath && !knowsAll(e.parentSchema))) return mergedConstants(constants);
  if (kept.length === 0) return errors;
  const inside = kept.some((e) => e.instancePath !== group.instancePath);
  const failedWithin = placesWithErrorsOtherThanType(kept);
  return kept.filter((e) => {
    if (inside && e.instancePath === group.instancePath && !knowsAll(e.parentSchema)) return false;
    // Another branch took the value's type there and failed inside it.
    return !(e.keyword === 'type' && failedWithin.has(e.instancePath));
  });
}

/** Every place holding a value that failed a rule other than `type`, and every place around such a value. */
function placesWithErrorsOtherThanType(errors: readonly ErrorObject[]): Set<string> {
  const places = new Set<string>();
  for (const e of errors) {
    if (e.keyword === 'type') continue;
    // Up the pointer until a place already there (its ancestors are there too).
    for (let place = e.instancePath; !places.has(place); place = place.slice(0, Math.max(0, place.lastIndexOf('/')))) {
      places.add(place);
      if (place === '') break;
    }
  }
  return places;
}

/** The schema fixes a field (const or enum) to values other than the one `fields` has. */
function contradicts(schema: unknown, fields: Record<string, unknown>): boolean {
  const properties = (schema as { properties?: Record<string, { const?: unknown; enum?: unknown[] }> } | undefined)?.properties;
  if (!properties) return false;
  for (const [key, property] of Object.entries(properties)) {
    if (!Object.hasOwn(fields, key) || !property || typeof property !== 'object') continue;
    const allowed = property.const !== undefined ? [property.const] : property.enum;
    if (allowed && !allowed.some((a) => sameJson(a, fields[key]))) return true;
  }
  return false;
}

/** const/enum errors on one field: one enum error listing every value allowed there. */
function mergedConstants(errors: ErrorObject[]): ErrorObject[] {
  const byPath = new Map<string, unknown[]>();
  for (const e of errors) {
    const params = e.params as { allowedValue?: unknown; allowedValues?: unknown[] };
    const values = listIn(byPath, e.instancePath);
    if (e.keyword === 'const') values.push(params.allowedValue);
    else for (const value of params.allowedValues ?? []) values.push(value);
  }
  return [...byPath.entries()].map(([path, values]) => {
    const first = errors.find((e) => e.instancePath === path)!;
    return { ...first, keyword: 'enum', params: { allowedValues: [...new Map(values.map((v) => [jsonText(v), v])).values()] }, message: 'must be equal to one of the allowed values' };
  });
}

/**
 * Every branch failed on the value itself (its type, or a constant or enum): one violation saying
 * what was allowed. The branches of the value's own type are the ones meant (a string among
 * `"auto" | "none" | {object}` was meant to be one of the strings): their allowed values; when no
 * branch takes its type, the allowed types.
 */
function shallowSummary(group: ErrorObject, run: ErrorObject[]): ErrorObject[] {
  const atGroup = run.filter((e) => e.instancePath === group.instancePath);
  const values = atGroup.flatMap((e) => {
    const params = e.params as { allowedValue?: unknown; allowedValues?: unknown[] };
    return e.keyword === 'const' ? [params.allowedValue] : e.keyword === 'enum' ? (params.allowedValues ?? []) : [];
  });
  if (values.length > 0) {
    const allowedValues = [...new Map(values.map((v) => [jsonText(v), v])).values()];
    return [{ ...group, keyword: 'enum', params: { allowedValues }, message: 'must be equal to one of the allowed values' }];
  }
  const types = atGroup.filter((e) => e.keyword === 'type').flatMap((e) => String((e.params as { type?: unknown }).type).split(','));
  if (types.length > 0 && types.length === atGroup.length) return [{ ...group, keyword: 'type', params: { type: [...new Set(types)].join(',') }, message: 'must be of an allowed type' }];
  return [group];
}

/**
 * Branches behind $refs with no tag (a stream item that is a chunk or an error object): the errors
 * at the group's own place come from each branch's object schema (their `parentSchema`, present with
 * `verbose`). Keep the branch whose properties the value uses most (then the one with fewest such
 * errors), so that `{"id": "x"}` is told what a chunk lacks, not also what an error object lacks.
 */
function untaggedBranch(group: ErrorObject, run: ErrorObject[], data: unknown): ErrorObject[] {
  const value = valueAt(data, group.instancePath);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return run;
  const byBranch = new Map<object, ErrorObject[]>();
  for (const e of run) {
    const schema = e.parentSchema as { properties?: unknown } | undefined;
    if (e.instancePath !== group.instancePath || !schema || typeof schema !== 'object' || !schema.properties) continue;
    listIn(byBranch, schema).push(e);
  }
  if (byBranch.size < 2) return run;
  const keys = Object.keys(value);
  const score = (schema: object) => keys.filter((k) => Object.hasOwn((schema as { properties: object }).properties, k)).length;
  const [best] = [...byBranch.entries()].sort(([a, ea], [b, eb]) => score(b) - score(a) || ea.length - eb.length)[0]!;
  return run.filter((e) => e.instancePath !== group.instancePath || !byBranch.has(e.parentSchema as object) || e.parentSchema === best);
}

/** const/enum errors of two or more branches on one direct child of the group's value: a tag field. */
function tagErrors(group: ErrorObject, run: ErrorObject[]): { path: string; allowed: unknown[]; errors: ErrorObject[] } | undefined {
  const depth = group.instancePath.split('/').length + 1;
  const byPath = new Map<string, ErrorObject[]>();
  for (const e of run) {
    if ((e.keyword === 'const' || e.keyword === 'enum') && e.instancePath.split('/').length === depth && e.instancePath.startsWith(`${group.instancePath}/`)) {
      listIn(byPath, e.instancePath).push(e);
    }
  }
  for (const [path, errors] of byPath) {
    if (errors.length < 2) continue;
    const allowed = errors.flatMap((e) => {
      const params = e.params as { allowedValue?: unknown; allowedValues?: unknown[] };
      return e.keyword === 'const' ? [params.allowedValue] : (params.allowedValues ?? []);
    });
    return { path, allowed: [...new Map(allowed.map((v) => [jsonText(v), v])).values()], errors };
  }
  return undefined;
}

/**
 * An error at the group's own path raised by a branch whose tag is not the value's (its
 * `parentSchema`, present with `verbose`, fixes the tag with const/enum).
 */
function fromOtherBranch(error: ErrorObject, group: ErrorObject, tagPath: string, value: unknown): boolean {
  if (error.instancePath !== group.instancePath) return false;
  const key = tagPath.slice(group.instancePath.length + 1).replace(/~1/g, '/').replace(/~0/g, '~');
  const tagSchema = (error.parentSchema as { properties?: Record<string, { const?: unknown; enum?: unknown[] }> } | undefined)?.properties?.[key];
  if (!tagSchema || (tagSchema.const === undefined && tagSchema.enum === undefined)) return false;
  const allowed = tagSchema.const !== undefined ? [tagSchema.const] : tagSchema.enum!;
  return !allowed.some((a) => sameJson(a, value));
}

function hasProperty(schema: unknown, escapedKey: string): boolean {
  const properties = (schema as { properties?: object } | undefined)?.properties;
  return !!properties && Object.hasOwn(properties, escapedKey.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** The list kept under `key`, made empty when there is none yet (errors are gathered by pushing: copying a list per error cost the square of a thousand wrong items). */
function listIn<K, V>(lists: Map<K, V[]>, key: K): V[] {
  let list = lists.get(key);
  if (list === undefined) lists.set(key, (list = []));
  return list;
}

function isUnder(error: ErrorObject, group: ErrorObject): boolean {
  return error.instancePath === group.instancePath || error.instancePath.startsWith(`${group.instancePath}/`);
}

function valueAt(data: unknown, pointer: string): unknown {
  if (pointer === '') return data;
  let node: unknown = data;
  const escaped = pointer.includes('~');
  for (const raw of pointer.slice(1).split('/')) {
    const key = escaped ? raw.replace(/~1/g, '/').replace(/~0/g, '~') : raw;
    // Own members only: `/__proto__` or `/constructor` must not read the prototype.
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/**
 * JSON text of a value the caller passed, which need not be JSON: a BigInt is shown as `12n` and a
 * value JSON cannot write (a cycle) by its kind, so describing a payload never throws.
 */
function jsonText(value: unknown): string {
  try {
    // Without a replacer first: several times faster, and it only throws on a BigInt or a cycle.
    return JSON.stringify(value);
  } catch {
    try {
      return JSON.stringify(value, bigintAsText);
    } catch {
      return Object.prototype.toString.call(value);
    }
  }
}

/**
 * The first `max` characters of `jsonText(value)`, in work that follows `max` rather than the value:
 * a body's string of millions of characters, or its whole JSON, was written out to show 120
 * characters of it (or to compare it with a schema's const), over 100 ms in one turn. Plain JSON
 * data (what a parsed body holds) is written here; anything else, or a cycle, goes to `jsonText`.
 */
function jsonPrefix(value: unknown, max: number): string {
  const pieces: string[] = [];
  let length = 0;
  const out = (text: string) => {
    pieces.push(text);
    length += text.length;
  };
  const ancestors: object[] = [];
  /** Writes `v`, false when it is not plain data; stops once `max` characters are out. */
  const write = (v: unknown): boolean => {
    if (v === null || typeof v === 'boolean' || typeof v === 'number') out(JSON.stringify(v));
    // Cut first: what follows the cut is past `max` in the text (each character is written as one or more).
    else if (typeof v === 'string') out(JSON.stringify(v.length > max ? v.slice(0, max) : v));
    else if (typeof v !== 'object' || !isPlainData(v) || ancestors.includes(v)) return false;
    else {
      ancestors.push(v);
      if (Array.isArray(v)) {
        out('[');
        for (let i = 0; i < v.length && length < max; i++) {
          if (i > 0) out(',');
          const item: unknown = v[i];
          if (item === undefined || typeof item === 'function' || typeof item === 'symbol') out('null');
          else if (!write(item)) return false;
        }
        out(']');
      } else {
        out('{');
        let first = true;
        for (const key of Object.keys(v)) {
          if (length >= max) break;
          const member = (v as Record<string, unknown>)[key];
          if (member === undefined || typeof member === 'function' || typeof member === 'symbol') continue;
          out(`${first ? '' : ','}${JSON.stringify(key)}:`);
          first = false;
          if (!write(member)) return false;
        }
        out('}');
      }
      ancestors.pop();
    }
    return true;
  };
  if (!write(value)) return jsonText(value)?.slice(0, max);
  return pieces.join('').slice(0, max);
}

/** An array or a plain object that JSON writes as it is (no `toJSON`): what a parsed body holds. */
function isPlainData(v: object): boolean {
  const proto = Object.getPrototypeOf(v) as unknown;
  if (Array.isArray(v) ? proto !== Array.prototype : proto !== Object.prototype && proto !== null) return false;
  return typeof (v as { toJSON?: unknown }).toJSON !== 'function';
}

/** Whether two values have the same JSON text; `a` (a schema's const or enum value) is small, `b` may be anything. */
function sameJson(a: unknown, b: unknown): boolean {
  const text = jsonText(a);
  return jsonPrefix(b, text.length + 1) === text;
}

function bigintAsText(_key: string, v: unknown): unknown {
  return typeof v === 'bigint' ? `${v}n` : v;
}

function cut(text: string): string {
  return `${text.slice(0, maxReceivedLength)}…`;
}

/** A key as a step of a JSON Pointer (`a/b` -> `a~1b`). */
export function escapeSegment(segment: string): string {
  return segment.includes('~') || segment.includes('/') ? segment.replace(/~/g, '~0').replace(/\//g, '~1') : segment;
}
