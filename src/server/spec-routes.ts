/**
 * The request pipeline every spec operation goes through: auth, body, validation against the
 * generated validators, faults, the handler, then (when asked) a check of what is sent back.
 * Errors leave in the API's own shape; nothing here knows an operation by name.
 * @module
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { OutgoingStreamItem } from '../streams/index.js';
import { validateRequest, validateResponse, validateStreamItem } from '../validate/check.js';
import { afterPendingIo } from './after-pending-io.js';
import { authenticate } from './auth.js';
import { errorStyleFor, invalidRequestProblem, type ErrorStyle, type Problem } from './error-styles.js';
import { reply, type Exchange } from './exchange.js';
import { parseFault, type Fault } from './faults.js';
import type { OperationDefinition, OperationRequest, OperationResult, Pacing } from './operations/types.js';
import type { ResolvedServerOptions } from './options.js';
import { bodySizeLimits } from './json-body.js';
import { ClientGoneError, readRequestBody } from './request-body.js';
import { PipelineRequest } from './pipeline-request.js';
import { nodeRequestHeaders } from './request-headers.js';
import type { Route } from './routes.js';
import { writeJsonWithFault, writeStreamBody } from './stream-body.js';
import { uuid } from './uuid.js';

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

/** Answers one request to a matched route, later: never throws (a failure becomes a plain 500, or a cut stream). */
export type RouteHandler = (exchange: Exchange, params: Record<string, string>) => void;

/** The pipeline of every route, by route. */
export function specRouteHandlers(routes: readonly Route[], table: OperationTable, options: ResolvedServerOptions): Map<Route, RouteHandler> {
  const handlers = new Map<Route, RouteHandler>();
  const serverPacing: Pacing = Object.freeze({ ttftMs: options.ttftMs, tokensPerSecond: options.tokensPerSecond });
  for (const route of routes) {
    // Every operation of the spec has a handler (test/server/operations.test.ts holds the table to
    // that); one without still gets the whole pipeline, then 501, rather than passing for an unknown route.
    const definition = table[route.api]?.[route.operationId] ?? notImplemented(route);
    const style = errorStyleFor(route);
    // As a serving engine queues requests before it schedules them: a request is stamped when its
    // headers are read, and its work waits until the event loop has read the requests already on the
    // sockets. Under a burst the last request is then read (and stamped) about as soon as the first,
    // and the wait shows in every reported time instead of hiding before the arrival. By then a body
    // that came with its headers is whole, and is read without a wait.
    handlers.set(route, (exchange, params) => afterPendingIo(() => void handle(exchange, params, route, definition, style, options, serverPacing)));
  }
  return handlers;
}

function notImplemented(route: Route): OperationDefinition {
  return { handle: () => ({ kind: 'error', problem: { kind: 'server', status: 501, message: `${route.operationId} is in the spec but the reference server has no handler for it.` } }) };
}

async function handle(
  exchange: Exchange,
  params: Record<string, string>,
  route: Route,
  definition: OperationDefinition,
  style: ErrorStyle,
  options: ResolvedServerOptions,
  serverPacing: Pacing,
): Promise<void> {
  const requestId = uuid();
  exchange.headers['x-request-id'] = requestId;
  const raw = exchange.req.headers;
  const headers = nodeRequestHeaders(raw);
  // The variant is read first: it may change the shape of every error below.
  const variant = headerValue(raw[controlHeaders.variant]) || undefined;
  const fail = (problem: Problem, extra?: OutgoingHttpHeaders) => renderProblem(exchange, style, problem, requestId, extra, variant, options, route);
  try {
    if (variant !== undefined && !(style.variants && variant in style.variants) && !(definition.variants && variant in definition.variants)) {
      const known = Object.keys({ ...style.variants, ...definition.variants });
      return fail({ kind: 'invalid_request', status: 400, message: `x-sambakit-variant "${variant}" is not a variant of ${route.operationId}; ${known.length ? `use one of: ${known.join(', ')}` : 'it has none'}.` });
    }

    const auth = authenticate(route, headers, options.apiKey);
    if (!auth.ok) {
      return fail({
        kind: 'authentication',
        message: auth.reason === 'missing' ? `Missing API key: send it in ${auth.expected}.` : 'Invalid API key.',
      });
    }

    const read = readRequestBody(exchange.req, route.requestMediaTypes, route.bodyRequired, options.bodyLimitBytes, options.bodyIdleTimeoutMs);
    const body = read instanceof Promise ? await read : read;
    if (!body.ok && body.violations) return fail(invalidRequestProblem(body.violations));
    // A body left unread (too large, stalled) cannot be skipped to reach a next request: close.
    const unread = exchange.req.complete ? undefined : { connection: 'close' };
    // No API documents a 408: answered plainly, as Node answers its own request timeouts.
    if (!body.ok && body.status === 408) return reply(exchange, 408, 'text/plain; charset=utf-8', body.message, unread);
    if (!body.ok) return fail({ kind: body.status === 413 ? 'too_large' : body.status === 415 ? 'media_type' : 'invalid_request', message: body.message, status: body.status }, unread);

    const { violations } = validateRequest(route.validators, { body: body.value, ...(body.mediaType === undefined ? {} : { mediaType: body.mediaType }), params, headers: raw }, { limits: bodySizeLimits });
    if (violations.length > 0) return fail(invalidRequestProblem(violations));

    const faultHeader = parseFault(headerValue(raw[controlHeaders.fault]));
    if (!faultHeader.ok) return fail({ kind: 'invalid_request', message: faultHeader.message, status: 400 });
    const pacing = readPacing(raw, serverPacing);
    if (typeof pacing === 'string') return fail({ kind: 'invalid_request', status: 400, message: pacing });

    const fault = faultHeader.fault;
    const request = new PipelineRequest({ route, params, headers, body: body.value, files: body.files, requestId, arrival: exchange.arrival, pacing, variant, options }, exchange.res);
    if (fault && (await beforeHandler(fault, request, route, fail))) return;

    // Awaited even when the handler answered at once: what follows (the writing) then runs after
    // the slice of queued work, so the answers of one slice leave together. Writing each answer as
    // it was made cost a fifth of the requests per second (the client reads fewer, larger bursts).
    const result = await definition.handle(request);
    const errorContext = { requestId, variant };
    const streamError = (message: string) =>
      definition.streamError?.(message, errorContext) ?? { kind: 'error' as const, value: JSON.parse(style.render({ kind: 'server', message }, requestId, variant).body) };
    await send(exchange, route, style, result, fault, requestId, options, streamError, variant);
  } catch (error) {
    if (error instanceof ClientGoneError) return;
    options.log?.(`error: ${route.api} ${route.operationId} ${requestId}: ${error instanceof Error ? error.message : String(error)}`);
    // As plain as it gets: the error may have come from rendering or checking an error body.
    if (!exchange.res.headersSent) reply(exchange, 500, 'text/plain; charset=utf-8', 'Internal Server Error');
    else exchange.res.destroy();
  }
}

/** Answers the faults that come before the handler; true when the request is answered. */
async function beforeHandler(fault: Fault, request: OperationRequest, route: Route, fail: (p: Problem, h?: OutgoingHttpHeaders) => void): Promise<boolean> {
  switch (fault.name) {
    case 'rate-limit':
      fail({ kind: 'rate_limit', message: 'Rate limit exceeded (x-sambakit-fault: rate-limit).' }, rateLimitHeaders(route, fault.value));
      return true;
    case 'server-error':
      fail({ kind: 'server', message: 'Internal server error (x-sambakit-fault: server-error).' });
      return true;
    case 'unavailable':
      fail({ kind: 'unavailable', message: 'Service temporarily unavailable (x-sambakit-fault: unavailable).' });
      return true;
    case 'slow-headers': {
      const { signal } = request;
      await sleep(fault.value, undefined, { signal }).catch(() => {});
      return signal.aborted;
    }
    default:
      return false;
  }
}

function rateLimitHeaders(route: Route, seconds: number): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = { 'retry-after': String(seconds) };
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

async function send(
  exchange: Exchange,
  route: Route,
  style: ErrorStyle,
  result: OperationResult,
  fault: Fault | undefined,
  requestId: string,
  options: ResolvedServerOptions,
  streamError: (message: string) => OutgoingStreamItem<unknown>,
  variant: string | undefined,
): Promise<void> {
  const check = (status: number, mediaType: string, value: unknown, where: string) => checkEmitted(route, options, status, mediaType, value, where);
  if (result.headers) Object.assign(exchange.headers, result.headers);
  switch (result.kind) {
    case 'error':
      return renderProblem(exchange, style, result.problem, requestId, undefined, variant, options, route);
    case 'json': {
      const status = result.status ?? 200;
      if (fault?.name === 'error-event' && result.failure) {
        check(result.failure.status, 'application/json', result.failure.body, 'failure body');
        return reply(exchange, result.failure.status, 'application/json', JSON.stringify(result.failure.body));
      }
      if (fault?.name === 'invalid-item') return reply(exchange, status, 'application/json', JSON.stringify({ sambakit_fault: 'invalid-item: this body breaks the response schema on purpose' }));
      check(status, 'application/json', result.body, 'response body');
      const text = JSON.stringify(result.body);
      if (!fault) return reply(exchange, status, 'application/json', text);
      exchange.headers['content-type'] = 'application/json';
      return writeJsonWithFault(exchange.res, status, exchange.headers, text, fault);
    }
    case 'text':
      check(result.status ?? 200, (result.contentType ?? 'text/plain').split(';')[0]!, result.body, 'response body');
      return reply(exchange, result.status ?? 200, result.contentType ?? 'text/plain; charset=utf-8', result.body);
    case 'stream': {
      const declared = route.streams[result.mediaType];
      if (!declared) throw new Error(`${route.operationId} streamed ${result.mediaType}, which the spec does not declare as a stream`);
      if (result.withoutTerminator && declared.terminator !== undefined && !declared.terminatorOptional) throw new Error(`${route.operationId} ended a ${result.mediaType} stream without the terminator the spec requires`);
      const { terminator: _terminator, ...unterminated } = declared;
      const framing = result.withoutTerminator ? unterminated : declared;
      Object.assign(exchange.headers, { 'content-type': result.mediaType, 'cache-control': 'no-cache', 'x-accel-buffering': 'no' });
      // Not awaited (it never rejects): the request's own frames end here, and an open stream holds
      // only what its writer needs.
      void writeStreamBody(exchange.res, framing.status, exchange.headers, result.produce, {
        framing,
        fault,
        check: options.checkResponses === 'off' ? undefined : (value, kind) => check(framing.status, result.mediaType, value, `stream ${kind}`),
        errorItem: result.streamError ?? streamError,
        shutdown: options.shutdownSignal,
      });
      return;
    }
  }
}

function renderProblem(
  exchange: Exchange,
  style: ErrorStyle,
  problem: Problem,
  requestId: string,
  headers?: OutgoingHttpHeaders,
  variant?: string,
  options?: ResolvedServerOptions,
  route?: Route,
): void {
  const rendered = style.render(problem, requestId, variant);
  if (options && route && options.checkResponses !== 'off') {
    const value = rendered.contentType.startsWith('application/json') ? JSON.parse(rendered.body) : rendered.body;
    checkEmitted(route, options, rendered.status, rendered.contentType.split(';')[0]!, value, 'error body');
  }
  reply(exchange, rendered.status, rendered.contentType, rendered.body, headers);
}

/** In check mode, a response or item that the spec does not allow is reported (and, in `throw` mode, fails). */
function checkEmitted(route: Route, options: ResolvedServerOptions, status: number, mediaType: string, value: unknown, where: string): void {
  if (options.checkResponses === 'off') return;
  const { violations } =
    route.streams[mediaType] && where.startsWith('stream')
      ? validateStreamItem(route.validators, value, { mediaType })
      : validateResponse(route.validators, { status, mediaType, body: value });
  if (violations.length === 0) return;
  options.onResponseViolation?.({ api: route.api, operationId: route.operationId, where, violations });
  options.log?.(`response violation: ${route.api} ${route.operationId} ${where}: ${JSON.stringify(violations)}`);
  if (options.checkResponses === 'throw') throw new ResponseViolationError(`${route.operationId} ${where} breaks the spec`);
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

const pacingHeaders = [
  [controlHeaders.ttftMs, 'ttftMs', 0],
  [controlHeaders.tokensPerSecond, 'tokensPerSecond', 0.001],
] as const;

/** The server's pacing (one object shared by every request that does not override it), or a copy with the request's overrides. */
function readPacing(headers: IncomingHttpHeaders, serverPacing: Pacing): Pacing | string {
  let pacing = serverPacing;
  for (const [header, key, min] of pacingHeaders) {
    const raw = headerValue(headers[header]);
    if (raw === undefined) continue;
    const value = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(value) || value < min) return `${header} must be a number >= ${min}, got "${raw}".`;
    if (pacing === serverPacing) pacing = { ...serverPacing };
    pacing[key] = value;
  }
  return pacing;
}
