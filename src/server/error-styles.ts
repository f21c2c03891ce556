/**
 * Each API's own error body, so that real clients parse what the reference server sends. The style
 * of an operation is read from the spec: the schema its 400 response declares. Where the shape has
 * room, the violations are added (`violations`, a documented sambakit extension; see
 * `listedViolations` for how many).
 * @module
 */
import type { Violation } from '../validate/violations.js';
import type { Route } from './routes.js';

export type ProblemKind =
  | 'invalid_request'
  /** Prompt plus output budget over the model's context: a request error, in the API's request-error status. */
  | 'context_length'
  | 'authentication'
  | 'not_found'
  | 'model_not_found'
  | 'method_not_allowed'
  | 'too_large'
  /** The request did not come whole in time (the proxy's 408 for a body it holds under --strict). */
  | 'request_timeout'
  | 'media_type'
  | 'rate_limit'
  | 'server'
  | 'unavailable';

export interface Problem {
  kind: ProblemKind;
  message: string;
  /** The request field the problem is about, where there is one. */
  param?: string;
  violations?: Violation[];
  /** Overrides the style's status for this kind. */
  status?: number;
}

export interface RenderedError {
  status: number;
  contentType: string;
  body: string;
}

export interface ErrorStyle {
  name: string;
  /** Status for a request that breaks the spec (services differ: 400, 422, 424). */
  validationStatus: number;
  /** Observed variants of the error body, selectable with `x-sambakit-variant`. */
  variants?: Readonly<Record<string, string>>;
  render(problem: Problem, requestId: string, variant?: string): RenderedError;
}

const statusOf: Record<ProblemKind, number> = {
  invalid_request: 400,
  context_length: 400,
  authentication: 401,
  not_found: 404,
  model_not_found: 404,
  method_not_allowed: 405,
  too_large: 413,
  request_timeout: 408,
  media_type: 415,
  rate_limit: 429,
  server: 500,
  unavailable: 503,
};

const openAiTypes: Record<ProblemKind, [type: string, code: string]> = {
  invalid_request: ['invalid_request_error', 'invalid_value'],
  context_length: ['invalid_request_error', 'context_length_exceeded'],
  authentication: ['authentication_error', 'invalid_api_key'],
  not_found: ['invalid_request_error', 'not_found'],
  model_not_found: ['invalid_request_error', 'model_not_found'],
  method_not_allowed: ['invalid_request_error', 'method_not_allowed'],
  too_large: ['invalid_request_error', 'request_too_large'],
  request_timeout: ['invalid_request_error', 'request_timeout'],
  media_type: ['invalid_request_error', 'unsupported_media_type'],
  rate_limit: ['rate_limit_error', 'rate_limit_exceeded'],
  server: ['server_error', 'internal_server_error'],
  unavailable: ['server_error', 'maintenance'],
};

/** The code a schema violation is reported under, as the Cloud error table names them. */
function validationCode(problem: Problem): string {
  const rule = problem.violations?.[0]?.rule;
  if (rule === 'type') return 'invalid_type';
  if (rule === 'maximum' || rule === 'exclusiveMaximum') return 'value_above_max_value';
  if (rule === 'minimum' || rule === 'exclusiveMinimum') return 'value_below_min_value';
  if (rule === 'required') return 'missing_required_parameter';
  return 'invalid_value';
}

function json(status: number, body: unknown): RenderedError {
  return { status, contentType: 'application/json', body: JSON.stringify(body) };
}

function withViolations<T extends object>(object: T, problem: Problem): T {
  return problem.violations?.length ? { ...object, violations: problem.violations } : object;
}

function status(problem: Problem, style: ErrorStyle): number {
  if (problem.status !== undefined) return problem.status;
  return problem.kind === 'invalid_request' || problem.kind === 'context_length' ? style.validationStatus : statusOf[problem.kind];
}

/** OpenAI's `{"error": {message, type, param, code}}` (SambaStudio's OpenAI-compatible chat). */
const openAi: ErrorStyle = {
  name: 'openai',
  validationStatus: 400,
  render(problem) {
    const [type, code] = openAiTypes[problem.kind];
    const error = { message: problem.message, type, param: problem.param ?? null, code: problem.kind === 'invalid_request' ? validationCode(problem) : code };
    return json(status(problem, this), { error: withViolations(error, problem) });
  },
};

/** SambaNova Cloud: the OpenAI shape plus `request_id`; 503 is plain text, as the service sends it. */
const cloud: ErrorStyle = {
  name: 'sambanova-cloud',
  validationStatus: 400,
  render(problem, requestId) {
    const code = status(problem, this);
    if (problem.kind === 'unavailable') return { status: code, contentType: 'text/plain; charset=utf-8', body: 'Service Temporarily Unavailable' };
    const [type, errorCode] = openAiTypes[problem.kind];
    const error = { message: problem.message, type, param: problem.param ?? null, code: problem.kind === 'invalid_request' ? validationCode(problem) : errorCode };
    return json(code, { error: withViolations(error, problem), request_id: requestId });
  },
};

/** SambaStudio native APIs: `{"error": {code, details, message}}`, or FastAPI's `{"detail": ...}` as observed. */
const sambaStudioNative: ErrorStyle = {
  name: 'sambastudio-native',
  validationStatus: 422,
  variants: { 'detail-error': 'error bodies in FastAPI form, {"detail": "<message>"}, as older releases send them' },
  render(problem, _requestId, variant) {
    const code = status(problem, this);
    if (variant === 'detail-error') return json(code, withViolations({ detail: problem.message }, problem));
    const error = { code, details: problem.param ? `field ${problem.param}` : openAiTypes[problem.kind][1], message: problem.message };
    return json(code, { error: withViolations(error, problem) });
  },
};

/** DJL LMI: `{"code": <status>, "error": "<text>"}`; request validation is 424, as LMI answers it. */
const lmi: ErrorStyle = {
  name: 'lmi',
  validationStatus: 424,
  render(problem) {
    const code = status(problem, this);
    return json(code, withViolations({ code, error: problem.message }, problem));
  },
};

/**
 * SambaNova Cloud's Anthropic-compatible Messages API: Anthropic's `{"type": "error", "error": {type,
 * message}}` envelope for every status (503 included, unlike the other Cloud operations), which is
 * what Anthropic clients parse. A 501 (an operation without handler) is `not_implemented_error`.
 */
const cloudMessages: ErrorStyle = {
  name: 'sambanova-cloud-messages',
  validationStatus: 400,
  render(problem, requestId) {
    const anthropicTypes: Record<ProblemKind, string> = {
      invalid_request: 'invalid_request_error',
      context_length: 'invalid_request_error',
      authentication: 'authentication_error',
      not_found: 'not_found_error',
      model_not_found: 'not_found_error',
      method_not_allowed: 'invalid_request_error',
      too_large: 'request_too_large',
      request_timeout: 'invalid_request_error',
      media_type: 'invalid_request_error',
      rate_limit: 'rate_limit_error',
      server: 'api_error',
      unavailable: 'overloaded_error',
    };
    const code = status(problem, this);
    const type = code === 501 ? 'not_implemented_error' : anthropicTypes[problem.kind];
    return json(code, { type: 'error', error: withViolations({ type, message: problem.message }, problem), request_id: requestId });
  },
};

/**
 * The problem of a request that breaks the spec: the first violation in the message, and in
 * `violations` those `listedViolations` keeps; the message says how many problems there were and,
 * when some are not listed, how many are.
 */
export function invalidRequestProblem(violations: Violation[]): Problem {
  const first = violations[0]!;
  const listed = listedViolations(violations);
  const count = violations.length === 1 ? '' : listed.length === violations.length ? `${violations.length} problems, first: ` : `${violations.length} problems (${listed.length} listed in violations: those of the first ${listedItemsPerArray} items of an array, ${listedInAll} in all), first: `;
  return {
    kind: 'invalid_request',
    message: `Invalid request: ${count}${first.path} expected ${first.expected}${first.received === undefined ? ' but it is missing' : `, got ${JSON.stringify(first.received)}`}.`,
    param: first.path.replace(/^\/body\//, '').replace(/\//g, '.'),
    violations: listed,
  };
}

/** Items of one array (at any depth) whose violations a refusal lists. */
export const listedItemsPerArray = 10;
/** Violations a refusal lists in all. */
export const listedInAll = 100;

/**
 * The violations a refusal lists, in order: those of the first `listedItemsPerArray` items with
 * violations of every array on their path, up to `listedInAll`. A thousand wrong items of one list
 * made a 180 KB answer, and its writing held the loop; the first few show what is wrong with the rest.
 */
export function listedViolations(violations: readonly Violation[]): Violation[] {
  const itemsOfArray = new Map<string, Set<string>>();
  const listed: Violation[] = [];
  for (const found of violations) {
    if (listed.length === listedInAll) break;
    if (amongListedItems(found.path, itemsOfArray)) listed.push(found);
  }
  return listed;
}

/** Whether every array index on `path` is one of the first items listed of its array (then taken as listed). */
function amongListedItems(path: string, itemsOfArray: Map<string, Set<string>>): boolean {
  const segments = path.split('/');
  const added: Array<[Set<string>, string]> = [];
  let array = segments[0]!;
  for (let i = 1; i < segments.length; array += `/${segments[i]!}`, i++) {
    const segment = segments[i]!;
    if (!/^\d+$/.test(segment)) continue;
    let items = itemsOfArray.get(array);
    if (items === undefined) itemsOfArray.set(array, (items = new Set()));
    if (items.has(segment)) continue;
    if (items.size >= listedItemsPerArray) return false;
    added.push([items, segment]);
  }
  for (const [items, segment] of added) items.add(segment);
  return true;
}

/** Error schema (the component a 400 response uses) -> style. */
const stylesBySchema: Record<string, ErrorStyle> = {
  SambaStudioOpenAIError: openAi,
  SambaStudioNativeError: sambaStudioNative,
  CloudError: cloud,
  CloudMessagesError: cloudMessages,
  LmiError: lmi,
};

/** The style of an operation: the server's routes, the proxy's matched operations and the middleware's alike. */
export function errorStyleFor(route: Pick<Route, 'api' | 'operationId' | 'errorSchema'>): ErrorStyle {
  const style = route.errorSchema ? stylesBySchema[route.errorSchema] : undefined;
  if (!style) throw new Error(`${route.api} ${route.operationId}: no error style for its 400 schema ${route.errorSchema ?? '(none)'}; add one in src/server/error-styles.ts`);
  return style;
}
