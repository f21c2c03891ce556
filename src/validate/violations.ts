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
}

const maxReceivedLength = 120;

export function toViolations(errors: readonly ErrorObject[] | null | undefined, data: unknown, prefix = ''): Violation[] {
  if (!errors || errors.length === 0) return [];
  const kept = foldAlternatives(errors, data);
  const seen = new Set<string>();
  const out: Violation[] = [];
  for (const error of kept) {
    const violation = describe(error, data, prefix);
    const key = `${violation.path}\u0000${violation.rule}\u0000${violation.expected}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(violation);
  }
  return out;
}

/** One line per violation: `path: expected X, received Y (rule)`. */
export function formatViolation(v: Violation): string {
  return `${v.path || '/'}: expected ${v.expected}, received ${formatReceived(v.received)} (${v.rule})`;
}

export function formatReceived(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
  return text.length > maxReceivedLength ? `${text.slice(0, maxReceivedLength)}…` : text;
}

function describe(error: ErrorObject, data: unknown, prefix: string): Violation {
  const params = error.params as Record<string, unknown>;
  const at = error.instancePath;
  const value = valueAt(data, at);
  switch (error.keyword) {
    case 'required':
      return { path: `${prefix}${at}/${escape(String(params.missingProperty))}`, rule: 'required', expected: 'a value (the field is required)', received: undefined };
    case 'additionalProperties':
      return {
        path: `${prefix}${at}/${escape(String(params.additionalProperty))}`,
        rule: 'additionalProperties',
        expected: 'no such field',
        received: clip((value as Record<string, unknown> | undefined)?.[String(params.additionalProperty)]),
      };
    case 'type':
      return { path: prefix + at, rule: 'type', expected: `type ${String(params.type).replace(/,/g, ' or ')}`, received: clip(value) };
    case 'enum':
      return { path: prefix + at, rule: 'enum', expected: `one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`, received: clip(value) };
    case 'const':
      return { path: prefix + at, rule: 'const', expected: JSON.stringify(params.allowedValue), received: clip(value) };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { path: prefix + at, rule: error.keyword, expected: `a number ${String(params.comparison)} ${String(params.limit)}`, received: clip(value) };
    case 'minItems':
    case 'maxItems':
      return { path: prefix + at, rule: error.keyword, expected: `${error.keyword === 'minItems' ? 'at least' : 'at most'} ${String(params.limit)} item(s)`, received: Array.isArray(value) ? `${value.length} item(s)` : clip(value) };
    case 'minLength':
    case 'maxLength':
      return { path: prefix + at, rule: error.keyword, expected: `${error.keyword === 'minLength' ? 'at least' : 'at most'} ${String(params.limit)} character(s)`, received: clip(value) };
    case 'pattern':
      return { path: prefix + at, rule: 'pattern', expected: `text matching ${String(params.pattern)}`, received: clip(value) };
    case 'format':
      return { path: prefix + at, rule: 'format', expected: `a ${String(params.format)}`, received: clip(value) };
    case 'anyOf':
    case 'oneOf':
      return {
        path: prefix + at,
        rule: error.keyword,
        expected: error.keyword === 'oneOf' && Array.isArray(params.passingSchemas) ? 'exactly one of the allowed shapes (several matched)' : 'one of the allowed shapes',
        received: clip(value),
      };
    default:
      return { path: prefix + at, rule: error.keyword, expected: error.message ?? error.keyword, received: clip(value) };
  }
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
function foldAlternatives(errors: readonly ErrorObject[], data: unknown): ErrorObject[] {
  let result = [...errors];
  const isGroup = (e: ErrorObject) => (e.keyword === 'anyOf' || e.keyword === 'oneOf') && !Array.isArray((e.params as { passingSchemas?: unknown }).passingSchemas);
  // Innermost groups first (ajv reports a group after its branches), so outer groups see folded branches.
  const groups = result.filter(isGroup).sort((a, b) => b.instancePath.length - a.instancePath.length);
  for (const group of groups) {
    const at = result.indexOf(group);
    if (at < 0) continue;
    // The branch errors are the ones ajv reported just before the group, under its path.
    let from = at;
    while (from > 0 && isUnder(result[from - 1]!, group) && !(isGroup(result[from - 1]!) && result[from - 1]!.instancePath === group.instancePath)) from--;
    const run = result.slice(from, at);
    const replacement = foldGroup(group, run, data);
    result = [...result.slice(0, from), ...replacement, ...result.slice(at + 1)];
  }
  return result;
}

function foldGroup(group: ErrorObject, run: ErrorObject[], data: unknown): ErrorObject[] {
  if (run.length === 0) return [group];
  const tag = tagErrors(group, run);
  const branchCount = Array.isArray(group.schema) ? group.schema.length : undefined;
  if (tag) {
    // Every branch rejected the tag (validators generated with `verbose` tell how many there are).
    const rejectedByAll = branchCount === undefined ? !tag.allowed.some((a) => JSON.stringify(a) === JSON.stringify(valueAt(data, tag.path))) : tag.errors.length >= branchCount;
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
      branches.set(index, [...(branches.get(index) ?? []), e]);
    }
    const shallow = (list: ErrorObject[]) => list.every((e) => e.instancePath === group.instancePath && (e.keyword === 'type' || e.keyword === 'const' || e.keyword === 'enum'));
    const depth = (list: ErrorObject[]) => Math.max(...list.map((e) => e.instancePath.split('/').length + (e.keyword === 'required' ? 1 : 0)));
    const best = [...branches.values()].filter((list) => !shallow(list)).sort((a, b) => depth(b) - depth(a) || a.length - b.length)[0];
    return best ?? [group];
  }
  const kept = tag ? run.filter((e) => !tag.errors.includes(e) && !fromOtherBranch(e, group, tag.path, valueAt(data, tag.path))) : run;
  const meaningful = kept.filter((e) => !(e.instancePath === group.instancePath && (e.keyword === 'type' || e.keyword === 'const' || e.keyword === 'enum')));
  return meaningful.length > 0 ? meaningful : [group];
}

/** const/enum errors of two or more branches on one direct child of the group's value: a tag field. */
function tagErrors(group: ErrorObject, run: ErrorObject[]): { path: string; allowed: unknown[]; errors: ErrorObject[] } | undefined {
  const depth = group.instancePath.split('/').length + 1;
  const byPath = new Map<string, ErrorObject[]>();
  for (const e of run) {
    if ((e.keyword === 'const' || e.keyword === 'enum') && e.instancePath.split('/').length === depth && e.instancePath.startsWith(`${group.instancePath}/`)) {
      byPath.set(e.instancePath, [...(byPath.get(e.instancePath) ?? []), e]);
    }
  }
  for (const [path, errors] of byPath) {
    if (errors.length < 2) continue;
    const allowed = errors.flatMap((e) => {
      const params = e.params as { allowedValue?: unknown; allowedValues?: unknown[] };
      return e.keyword === 'const' ? [params.allowedValue] : (params.allowedValues ?? []);
    });
    return { path, allowed: [...new Map(allowed.map((v) => [JSON.stringify(v), v])).values()], errors };
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
  return !allowed.some((a) => JSON.stringify(a) === JSON.stringify(value));
}

function isUnder(error: ErrorObject, group: ErrorObject): boolean {
  return error.instancePath === group.instancePath || error.instancePath.startsWith(`${group.instancePath}/`);
}

function valueAt(data: unknown, pointer: string): unknown {
  if (pointer === '') return data;
  let node: unknown = data;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function clip(value: unknown): unknown {
  if (typeof value === 'string' && value.length > maxReceivedLength) return `${value.slice(0, maxReceivedLength)}…`;
  if (value !== null && typeof value === 'object') {
    const text = JSON.stringify(value);
    return text.length > maxReceivedLength ? `${text.slice(0, maxReceivedLength)}…` : value;
  }
  return value;
}

function escape(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}
