/**
 * SambaStudio's NLP, Generic v1 and multimodal APIs take every tuning parameter as
 * `{"type": <Python type name>, "value": <the value as Python prints it>}`. Callers pass plain
 * values; the type name comes from each parameter's schema in the spec, and a value of the wrong
 * type fails here, before anything is sent, naming the parameter.
 * @module
 */
import { InvalidRequestError } from './errors.js';

/** A parameter as the wire carries it. */
export interface TypedParam {
  type: string;
  value: string;
}

/** Plain value of a typed parameter, by its type name: `int`/`float` numbers, `bool` booleans, `str` text, `list` a list of strings. */
type PlainOf<P> = P extends { type: infer T }
  ? T extends 'int' | 'float'
    ? number
    : T extends 'bool'
      ? boolean
      : T extends 'str'
        ? string
        : T extends 'list'
          ? string[]
          : string | number | boolean | string[]
  : never;

/** The typed params of a request as plain values (the typed form itself is accepted too, as sent). */
export type PlainNativeParams<Typed> = { [K in keyof Typed]?: PlainOf<NonNullable<Typed[K]>> | NonNullable<Typed[K]> };

function isTyped(value: unknown): value is TypedParam {
  return !!value && typeof value === 'object' && typeof (value as TypedParam).type === 'string' && typeof (value as TypedParam).value === 'string';
}

/** Python's `str()` of a float: always with a fraction (`1.0`), exponents as Python writes them (`1e-05`). */
function pythonFloat(value: number): string {
  if (Number.isInteger(value) && Math.abs(value) < 1e16) return `${value}.0`;
  return String(value).replace(/e([+-])(\d)$/, 'e$10$2');
}

/** Python's `repr()` of a list of strings. */
function pythonList(values: readonly string[]): string {
  return `[${values.map((v) => `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`).join(', ')}]`;
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return `${typeof value} ${JSON.stringify(value)}`;
}

/** The typed form of one value for one allowed type name, or undefined when the value does not fit it. */
function encodeAs(type: string, value: unknown): string | undefined {
  switch (type) {
    case 'int':
      return typeof value === 'number' && Number.isInteger(value) ? String(value) : undefined;
    case 'float':
      return typeof value === 'number' && Number.isFinite(value) ? pythonFloat(value) : undefined;
    case 'bool':
      return typeof value === 'boolean' ? String(value) : undefined;
    case 'str':
      return typeof value === 'string' ? value : undefined;
    case 'list':
      return Array.isArray(value) && value.every((v) => typeof v === 'string') ? pythonList(value) : undefined;
    default:
      return undefined;
  }
}

/** The type name a parameter the spec does not list gets from its JavaScript value. */
function inferType(value: unknown): string | undefined {
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'string') return 'str';
  if (Array.isArray(value)) return 'list';
  return undefined;
}

const expected: Readonly<Record<string, string>> = { int: 'an integer', float: 'a number', bool: 'a boolean', str: 'a string', list: 'an array of strings' };

/** `{ max_tokens_to_generate: 100, do_sample: false }` -> `{ max_tokens_to_generate: { type: 'int', value: '100' }, do_sample: { type: 'bool', value: 'false' } }`. */
export function encodeNativeParams(
  params: Record<string, unknown> | undefined,
  operationId: string,
  /** The contract's `typedParams` of the API: type names by operation and parameter. */
  table: { readonly [operationId: string]: { readonly [param: string]: readonly string[] } },
): Record<string, TypedParam> | undefined {
  if (params === undefined) return undefined;
  const out: Record<string, TypedParam> = {};
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined) continue;
    if (isTyped(value)) {
      out[name] = value;
      continue;
    }
    const allowed = table[operationId]?.[name];
    const types = allowed?.length ? allowed : [inferType(value)].filter((t): t is string => t !== undefined);
    let encoded: TypedParam | undefined;
    for (const type of types) {
      const text = encodeAs(type, value);
      if (text !== undefined) {
        encoded = { type, value: text };
        break;
      }
    }
    if (!encoded) {
      const wanted = types.length ? types.map((t) => `${expected[t] ?? t} (${t})`).join(' or ') : 'a number, boolean, string or array of strings';
      throw new InvalidRequestError(`params.${name}`, `params.${name}: expected ${wanted}, got ${describe(value)}`, { operationId });
    }
    out[name] = encoded;
  }
  return out;
}
