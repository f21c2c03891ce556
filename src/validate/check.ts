/**
 * Checks one request, response or stream item against one operation's generated validators. Takes
 * the operation's validators object (from the contract layer, or `getOperation`/`findOperation`), so
 * a bundle that checks one operation holds that operation's validators only.
 * @module
 */
import type { OperationValidators, ValidateFunction } from '../contract/operation.js';
import { checkSize, defaultSizeLimits, nodesOfLastCheck, type SizeLimits } from './limits.js';
import { toViolations, violation, type Violation } from './violations.js';

export interface ValidationResult {
  valid: boolean;
  /** Empty when `valid`. */
  violations: Violation[];
}

export interface ValidateOptions {
  /** Refuse values nested or sized past these before the schema is tried (see `SizeLimits`). */
  limits?: SizeLimits;
  /**
   * An invalid value is told the first error the fast (accept) build meets (one violation, or one per
   * alternative it tried), not every violation: the verdict at the accept build's cost. Describing
   * every violation costs more than a value's size tells (1,000 wrong items of a 4 KB body: 20-180 ms).
   */
  firstViolationOnly?: boolean;
}

/** Header values: Web `Headers`, or a record as Node gives them (names in any case). */
export type HeadersInput = Headers | Readonly<Record<string, string | readonly string[] | undefined>>;

export interface RequestInput {
  /** The parsed body: JSON as parsed, multipart/form-data as an object of fields (a file field holds its file name). */
  body?: unknown;
  /** The request's content type (parameters such as `charset` are ignored); defaults to the operation's only media type. */
  mediaType?: string;
  /** Path parameters by name, decoded (`{ project_id: 'abc' }`). */
  params?: Readonly<Record<string, string>>;
  /** Query parameters, as sent (strings). */
  query?: URLSearchParams | Readonly<Record<string, string | readonly string[] | undefined>>;
  headers?: HeadersInput;
}

export interface ResponseInput {
  status: number;
  /** The response's content type; defaults to the only media type declared for the status. */
  mediaType?: string;
  /** The parsed body (JSON as parsed, text as text). */
  body: unknown;
}

/** Every valid verdict is this one frozen object: the valid path allocates nothing. */
const valid: ValidationResult = Object.freeze({ valid: true, violations: Object.freeze([]) as unknown as Violation[] });

function result(violations: Violation[] | undefined): ValidationResult {
  return violations === undefined || violations.length === 0 ? valid : { valid: false, violations };
}

/** `application/json; charset=utf-8` -> `application/json`. */
export function bareMediaType(contentType: string): string {
  return contentType.split(';')[0]!.trim().toLowerCase();
}

/** A request's body, parameters and headers; `/body/...`, `/path/...`, `/query/...`, `/header/...` pointers. */
export function validateRequest(operation: OperationValidators, input: RequestInput, options?: ValidateOptions): ValidationResult {
  let violations = parameterViolations(operation, input);
  const { mediaTypes, required } = operation.operation.request;
  if (input.body === undefined) {
    if (required) (violations ??= []).push(violation('/body', 'required', `a request body (${mediaTypes.join(' or ')})`, undefined));
    return result(violations);
  }
  const mediaType = input.mediaType === undefined ? (mediaTypes.length === 1 ? mediaTypes[0]! : undefined) : bareMediaType(input.mediaType);
  const validate = mediaType === undefined ? undefined : operation.request[mediaType];
  if (!validate) {
    (violations ??= []).push(violation('/body', 'mediaType', mediaTypes.length ? `a body of ${mediaTypes.join(' or ')}` : 'no body', mediaType ?? 'a body of unknown media type'));
    return result(violations);
  }
  const found = checkValue(validate, input.body, '/body', options);
  if (found === undefined) return result(violations);
  return result(violations === undefined ? found : [...violations, ...found]);
}

/** The violations of a request's path, query and header parameters (`/path/...`, `/query/...`, `/header/...`), or undefined. */
export function parameterViolations(operation: OperationValidators, input: RequestInput): Violation[] | undefined {
  if (!operation.parameters) return undefined;
  const parameters = parameterValues(operation, input);
  return operation.parameters(parameters) ? undefined : toViolations(operation.parameters.errors, parameters);
}

/** A response body, by status (falling back to `4XX`-style ranges and `default`) and media type. */
export function validateResponse(operation: OperationValidators, input: ResponseInput, options?: ValidateOptions): ValidationResult {
  const status = String(input.status);
  const byMedia = operation.responses[status] ?? operation.responses[`${status[0]}XX`] ?? operation.responses.default;
  if (!byMedia) {
    return result([violation('/status', 'responses', `a status ${operation.operation.operationId} declares (${Object.keys(operation.responses).join(', ')})`, input.status)]);
  }
  const declared = Object.keys(byMedia);
  const mediaType = input.mediaType === undefined ? (declared.length === 1 ? declared[0]! : undefined) : bareMediaType(input.mediaType);
  const validate = mediaType === undefined ? undefined : byMedia[mediaType];
  if (!validate) return result([violation('/body', 'mediaType', `a body of ${declared.join(' or ') || 'no media type'} with status ${status}`, mediaType ?? 'a body of unknown media type')]);
  if (mediaType !== undefined && operation.operation.streams[mediaType]) {
    throw new TypeError(`${operation.operation.operationId} answers ${mediaType} as a stream: check it with validateStream() or each item with validateStreamItem()`);
  }
  return result(checkValue(validate, input.body, '/body', options));
}

/**
 * One item of a stream (or an in-stream error item: the spec's item schema covers both). The media
 * type defaults to the operation's only streamed media type.
 */
export function validateStreamItem(operation: OperationValidators, item: unknown, options?: ValidateOptions & { mediaType?: string; path?: string }): ValidationResult {
  const validate = streamItemValidator(operation, options?.mediaType);
  return result(checkValue(validate, item, options?.path ?? '', options));
}

/** The validator of one item of the operation's stream in `mediaType`; throws when the operation does not stream it. */
export function streamItemValidator(operation: OperationValidators, mediaType: string | undefined): ValidateFunction {
  const streamed = Object.keys(operation.operation.streams);
  const chosen = mediaType === undefined ? (streamed.length === 1 ? streamed[0]! : undefined) : bareMediaType(mediaType);
  const framing = chosen === undefined ? undefined : operation.operation.streams[chosen];
  if (!framing || chosen === undefined) {
    throw new TypeError(
      `${operation.operation.operationId} ${streamed.length ? `streams ${streamed.join(', ')}` : 'does not stream'}${mediaType === undefined ? (streamed.length > 1 ? '; name the media type' : '') : `, not ${mediaType}`}`,
    );
  }
  return operation.responses[String(framing.status)]![chosen]!;
}

/** Payloads up to this many array items and object members are told every violation (see checkValue). */
const everyViolationUpToNodes = 5_000;

/** Whether a payload of this many array items and object members is told its first violation only (see schemaViolations). */
export function toldFirstViolationOnly(nodes: number): boolean {
  return nodes > everyViolationUpToNodes;
}

/**
 * The value's violations, or undefined when it has none. A valid value is checked once: the accept
 * build counts its members as it goes and the schema bounds its nesting (`within`), so the size
 * walk runs only where the value holds an array or object the schema leaves open, or on a rejection.
 */
function checkValue(validate: ValidateFunction, value: unknown, path: string, options: ValidateOptions | undefined): Violation[] | undefined {
  const limits = options?.limits;
  const maxNodes = limits?.maxNodes ?? defaultSizeLimits.maxNodes;
  const verdict = typeof value === 'object' && value !== null ? validate.within(value, limits?.maxDepth ?? defaultSizeLimits.maxDepth, maxNodes) : 'unknown';
  // The validator counts members in all, not per object: a maxMembers under maxNodes needs the walk.
  if (verdict === 'within' && (limits?.maxMembers ?? maxNodes) >= maxNodes) return undefined;
  const tooLarge = checkSize(value, path, limits);
  if (tooLarge) return [tooLarge];
  if (verdict === 'accepted' || verdict === 'within') return undefined;
  const firstOnly = options?.firstViolationOnly === true;
  if (verdict === 'unknown') return schemaViolations(validate, value, path, firstOnly);
  // Rejected: the accept build's first error is there already; every violation only for a payload small enough.
  if (firstOnly || toldFirstViolationOnly(nodesOfLastCheck())) return toViolations(validate.errors, value, path);
  return validate.explain(value) ? undefined : toViolations(validate.errors, value, path);
}

/** The value's violations against its schema (the first only, when asked), or undefined; called right after `checkSize` passed it. */
export function schemaViolations(validate: ValidateFunction, value: unknown, path: string, firstOnly = false): Violation[] | undefined {
  // Past a few thousand members, every violation would cost the square of their number (50,000 wrong
  // items held the event loop for half a minute): such a payload is told its first violation only.
  const firstErrorOnly = firstOnly || toldFirstViolationOnly(nodesOfLastCheck());
  return validate(value, firstErrorOnly) ? undefined : toViolations(validate.errors, value, path);
}

/** `{path, query, header}` with the parameters the operation declares, as its parameters schema reads them. */
function parameterValues(operation: OperationValidators, input: RequestInput): Record<string, Record<string, unknown>> {
  const values: Record<string, Record<string, unknown>> = {};
  for (const parameter of operation.operation.parameters) {
    const group = (values[parameter.in] ??= {});
    let value: unknown;
    if (parameter.in === 'path') value = input.params?.[parameter.name];
    else if (parameter.in === 'query') value = queryValue(input.query, parameter.name);
    else if (parameter.in === 'header') value = headerValue(input.headers, parameter.name);
    if (value !== undefined) group[parameter.in === 'header' ? parameter.name.toLowerCase() : parameter.name] = value;
  }
  return values;
}

function queryValue(query: RequestInput['query'], name: string): unknown {
  if (!query) return undefined;
  if (query instanceof URLSearchParams) {
    const all = query.getAll(name);
    return all.length === 0 ? undefined : all.length === 1 ? all[0] : all;
  }
  return query[name];
}

function headerValue(headers: HeadersInput | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === 'function' && typeof (headers as Headers).has === 'function') return (headers as Headers).get(name) ?? undefined;
  const record = headers as Readonly<Record<string, string | readonly string[] | undefined>>;
  const lower = name.toLowerCase();
  let value = record[lower];
  if (value === undefined) {
    for (const key of Object.keys(record)) if (key.toLowerCase() === lower) value = record[key];
  }
  return Array.isArray(value) ? value.join(', ') : (value as string | undefined);
}
