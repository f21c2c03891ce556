/**
 * The request pipeline every spec operation goes through: auth, body, validation against the
 * generated validators, faults, the handler, then (when asked) a check of what is sent back.
 * Errors leave in the API's own shape; nothing here knows an operation by name.
 * @module
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Context, Hono } from 'hono';
import type { OutgoingStreamItem } from '../streams/index.js';
import { toViolations, type Violation } from '../validate/violations.js';
import { authenticate } from './auth.js';
import { errorStyleFor, type ErrorStyle, type Problem } from './error-styles.js';
import { parseFault, type Fault } from './faults.js';
import type { OperationDefinition, OperationRequest, OperationResult } from './operations/types.js';
import type { ResolvedServerOptions } from './options.js';
import { readRequestBody } from './request-body.js';
import type { Route } from './routes.js';
import { streamBody } from './stream-body.js';

export type OperationTable = Readonly<Record<string, Readonly<Record<string, OperationDefinition>>>>;

/** Headers that tune one request; documented in the README. */
export const controlHeaders = {
  fault: 'x-sambakit-fault',
  variant: 'x-sambakit-variant',
  ttftMs: 'x-sambakit-ttft-ms',
  tokensPerSecond: 'x-sambakit-tokens-per-second',
} as const;

class ResponseViolationError extends Error {
  override name = 'ResponseViolationError';
}

export function registerSpecRoutes(app: Hono, routes: readonly Route[], table: OperationTable, options: ResolvedServerOptions): void {
  for (const route of routes) {
    // Every operation of the spec has a handler (test/server/operations.test.ts holds the table to
    // that); one without still gets the whole pipeline, then 501, rather than passing for an unknown route.
    const definition = table[route.api]?.[route.operationId] ?? notImplemented(route);
    const style = errorStyleFor(route);
    const honoPath = route.template.replace(/\{([^}]+)\}/g, ':$1');
    app.on(route.method, honoPath, (c) => handle(c, route, definition, style, options));
  }
}

function notImplemented(route: Route): OperationDefinition {
  return { handle: () => ({ kind: 'error', problem: { kind: 'server', status: 501, message: `${route.operationId} is in the spec but the reference server has no handler for it.` } }) };
}

async function handle(c: Context, route: Route, definition: OperationDefinition, style: ErrorStyle, options: ResolvedServerOptions): Promise<Response> {
  const requestId = randomUUID();
  c.header('x-request-id', requestId);
  // The variant is read first: it may change the shape of every error below.
  const variant = c.req.header(controlHeaders.variant) || undefined;
  const variants = { ...style.variants, ...definition.variants };
  const fail = (problem: Problem, headers: Record<string, string> = {}) => renderProblem(c, style, problem, requestId, headers, variant, options, route);
  if (variant !== undefined && !(variant in variants)) {
    const known = Object.keys(variants);
    return fail({ kind: 'invalid_request', status: 400, message: `x-sambakit-variant "${variant}" is not a variant of ${route.operationId}; ${known.length ? `use one of: ${known.join(', ')}` : 'it has none'}.` });
  }

  const auth = authenticate(route, c.req.raw.headers, options.apiKey);
  if (!auth.ok) {
    return fail({
      kind: 'authentication',
      message: auth.reason === 'missing' ? `Missing API key: send it in ${auth.expected}.` : 'Invalid API key.',
    });
  }

  const incoming = (c.env as { incoming?: AsyncIterable<Uint8Array> } | undefined)?.incoming;
  const body = await readRequestBody(c.req.raw, route.requestMediaTypes, route.bodyRequired, options.bodyLimitBytes, incoming);
  if (!body.ok) return fail({ kind: body.status === 413 ? 'too_large' : body.status === 415 ? 'media_type' : 'invalid_request', message: body.message, status: body.status });

  const params = c.req.param() as Record<string, string>;
  const violations: Violation[] = [];
  if (route.validators.parameters) {
    const parameters = { path: params, header: headerObject(c.req.raw.headers) };
    if (!route.validators.parameters(parameters)) violations.push(...toViolations(route.validators.parameters.errors, parameters));
  }
  if (body.mediaType !== undefined) {
    const validate = route.validators.request[body.mediaType]!;
    if (!validate(body.value)) violations.push(...toViolations(validate.errors, body.value, '/body'));
  }
  if (violations.length > 0) {
    const first = violations[0]!;
    return fail({
      kind: 'invalid_request',
      message: `Invalid request: ${violations.length === 1 ? '' : `${violations.length} problems, first: `}${first.path} expected ${first.expected}${first.received === undefined ? ' but it is missing' : `, got ${JSON.stringify(first.received)}`}.`,
      param: first.path.replace(/^\/body\//, '').replace(/\//g, '.'),
      violations,
    });
  }

  const faultHeader = parseFault(c.req.header(controlHeaders.fault));
  if (!faultHeader.ok) return fail({ kind: 'invalid_request', message: faultHeader.message, status: 400 });
  const pacing = readPacing(c, options);
  if (typeof pacing === 'string') return fail({ kind: 'invalid_request', status: 400, message: pacing });

  const fault = faultHeader.fault;
  const early = await beforeHandler(fault, c.req.raw.signal, route, fail);
  if (early) return early;

  const raw = c.req.raw;
  const request: OperationRequest = {
    route,
    params,
    headers: raw.headers,
    body: body.value,
    files: body.files,
    requestId,
    // Read only by handlers that wait: building the signal costs more than the rest of a small request.
    get signal() {
      return raw.signal;
    },
    pacing,
    variant,
    options,
  };
  const result = await definition.handle(request);
  const streamError = (message: string) =>
    definition.streamError?.(message, request) ?? { kind: 'error' as const, value: JSON.parse(style.render({ kind: 'server', message }, requestId, variant).body) };
  return send(c, route, style, result, fault, requestId, options, streamError, variant);
}

async function beforeHandler(fault: Fault | undefined, signal: AbortSignal, route: Route, fail: (p: Problem, h?: Record<string, string>) => Response): Promise<Response | undefined> {
  if (!fault) return undefined;
  switch (fault.name) {
    case 'rate-limit':
      return fail({ kind: 'rate_limit', message: 'Rate limit exceeded (x-sambakit-fault: rate-limit).' }, rateLimitHeaders(route, fault.value));
    case 'server-error':
      return fail({ kind: 'server', message: 'Internal server error (x-sambakit-fault: server-error).' });
    case 'unavailable':
      return fail({ kind: 'unavailable', message: 'Service temporarily unavailable (x-sambakit-fault: unavailable).' });
    case 'slow-headers':
      await sleep(fault.value, undefined, { signal }).catch(() => {});
      return undefined;
    default:
      return undefined;
  }
}

function rateLimitHeaders(route: Route, seconds: number): Record<string, string> {
  const headers: Record<string, string> = { 'retry-after': String(seconds) };
  if (route.api === 'sambanova-cloud') {
    Object.assign(headers, {
      'x-ratelimit-limit-requests': '20',
      'x-ratelimit-remaining-requests': '0',
      'x-ratelimit-reset-requests': `${seconds}s`,
      'x-ratelimit-limit-requests-day': '4000',
      'x-ratelimit-remaining-requests-day': '3999',
      'x-ratelimit-reset-requests-day': '86400s',
    });
  }
  return headers;
}

function send(
  c: Context,
  route: Route,
  style: ErrorStyle,
  result: OperationResult,
  fault: Fault | undefined,
  requestId: string,
  options: ResolvedServerOptions,
  streamError: (message: string) => OutgoingStreamItem<unknown>,
  variant: string | undefined,
): Response {
  const check = (status: number, mediaType: string, value: unknown, where: string) => checkEmitted(route, options, status, mediaType, value, where);
  for (const [name, value] of Object.entries(result.headers ?? {})) c.header(name, value);
  switch (result.kind) {
    case 'error':
      return renderProblem(c, style, result.problem, requestId, {}, variant, options, route);
    case 'json': {
      const status = result.status ?? 200;
      if (fault?.name === 'invalid-item') return c.json({ sambakit_fault: 'invalid-item: this body breaks the response schema on purpose' }, status as 200);
      check(status, 'application/json', result.body, 'response body');
      const text = JSON.stringify(result.body);
      return c.body(fault ? jsonBodyWithFault(text, fault) : text, status as 200, { 'content-type': 'application/json' });
    }
    case 'text':
      check(result.status ?? 200, (result.contentType ?? 'text/plain').split(';')[0]!, result.body, 'response body');
      return c.body(result.body, (result.status ?? 200) as 200, { 'content-type': result.contentType ?? 'text/plain; charset=utf-8' });
    case 'stream': {
      const framing = route.streams[result.mediaType];
      if (!framing) throw new Error(`${route.operationId} streamed ${result.mediaType}, which the spec does not declare as a stream`);
      const body = streamBody(result.produce, {
        framing,
        fault,
        check: (value, kind) => check(framing.status, result.mediaType, value, `stream ${kind}`),
        errorItem: streamError,
        shutdown: options.shutdownSignal,
      });
      return c.body(body, framing.status as 200, { 'content-type': result.mediaType, 'cache-control': 'no-cache', 'x-accel-buffering': 'no' });
    }
  }
}

function renderProblem(
  c: Context,
  style: ErrorStyle,
  problem: Problem,
  requestId: string,
  headers: Record<string, string> = {},
  variant?: string,
  options?: ResolvedServerOptions,
  route?: Route,
): Response {
  const rendered = style.render(problem, requestId, variant);
  if (options && route) checkEmitted(route, options, rendered.status, rendered.contentType.split(';')[0]!, rendered.contentType.startsWith('application/json') ? JSON.parse(rendered.body) : rendered.body, 'error body');
  return c.body(rendered.body, rendered.status as 400, { 'content-type': rendered.contentType, ...headers });
}

/** In check mode, a response or item that the spec does not allow is reported (and, in `throw` mode, fails). */
function checkEmitted(route: Route, options: ResolvedServerOptions, status: number, mediaType: string, value: unknown, where: string): void {
  if (options.checkResponses === 'off') return;
  const validate = route.validators.responses[String(status)]?.[mediaType];
  const violations = validate
    ? validate(value)
      ? []
      : toViolations(validate.errors, value)
    : [{ path: '', rule: 'responses', expected: `a status and media type the spec declares for ${route.operationId}`, received: `${status} ${mediaType}` }];
  if (violations.length === 0) return;
  options.onResponseViolation?.({ api: route.api, operationId: route.operationId, where, violations });
  options.log?.(`response violation: ${route.api} ${route.operationId} ${where}: ${JSON.stringify(violations)}`);
  if (options.checkResponses === 'throw') throw new ResponseViolationError(`${route.operationId} ${where} breaks the spec`);
}

function readPacing(c: Context, options: ResolvedServerOptions): { ttftMs: number; tokensPerSecond: number } | string {
  const pacing = { ttftMs: options.ttftMs, tokensPerSecond: options.tokensPerSecond };
  for (const [header, key, min] of [[controlHeaders.ttftMs, 'ttftMs', 0], [controlHeaders.tokensPerSecond, 'tokensPerSecond', 0.001]] as const) {
    const raw = c.req.header(header);
    if (raw === undefined) continue;
    const value = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(value) || value < min) return `${header} must be a number >= ${min}, got "${raw}".`;
    pacing[key] = value;
  }
  return pacing;
}

function headerObject(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => (out[name] = value));
  return out;
}

/**
 * A JSON answer under a stream fault: cut in half (malformed-item), paused halfway (stall), or
 * dropped halfway (disconnect). error-event has no meaning outside a stream and is sent as is.
 */
function jsonBodyWithFault(text: string, fault: Fault): string | ReadableStream<Uint8Array> {
  const half = text.slice(0, Math.floor(text.length / 2));
  if (fault.name === 'malformed-item') return half;
  if (fault.name !== 'stall' && fault.name !== 'disconnect') return text;
  const bytes = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    async start(controller) {
      controller.enqueue(bytes.encode(half));
      if (fault.name === 'disconnect') return controller.error(new Error('x-sambakit-fault: disconnect'));
      await sleep(fault.value);
      controller.enqueue(bytes.encode(text.slice(half.length)));
      controller.close();
    },
  });
}
