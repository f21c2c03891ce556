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
  const kept = foldAlternatives(errors);
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
 * For each failed anyOf/oneOf, keep only the errors of the branch that got furthest into the value
 * (deepest instance path, then fewest errors); when every branch failed on the value's own type,
 * keep the single anyOf/oneOf error instead.
 */
function foldAlternatives(errors: readonly ErrorObject[]): ErrorObject[] {
  const groups = errors.filter((e) => (e.keyword === 'anyOf' || e.keyword === 'oneOf') && !Array.isArray((e.params as { passingSchemas?: unknown }).passingSchemas));
  if (groups.length === 0) return [...errors];
  let result = [...errors];
  // Innermost groups first, so an outer group sees already-folded branches.
  for (const group of [...groups].sort((a, b) => b.schemaPath.length - a.schemaPath.length)) {
    const branchPrefix = `${group.schemaPath}/`;
    const branches = new Map<string, ErrorObject[]>();
    for (const e of result) {
      if (!e.schemaPath.startsWith(branchPrefix) || !e.instancePath.startsWith(group.instancePath)) continue;
      const index = e.schemaPath.slice(branchPrefix.length).split('/')[0]!;
      branches.set(index, [...(branches.get(index) ?? []), e]);
    }
    const inGroup = new Set([...branches.values()].flat());
    const depth = (list: ErrorObject[]) => Math.max(...list.map((e) => e.instancePath.split('/').length + (e.keyword === 'required' ? 1 : 0)));
    const shallow = (list: ErrorObject[]) => list.every((e) => e.instancePath === group.instancePath && (e.keyword === 'type' || e.keyword === 'const' || e.keyword === 'enum'));
    const candidates = [...branches.values()].filter((list) => !shallow(list));
    const best = candidates.sort((a, b) => depth(b) - depth(a) || a.length - b.length)[0];
    result = result.filter((e) => !inGroup.has(e) && (best ? e !== group : true));
    if (best) result.push(...best);
  }
  return result;
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
