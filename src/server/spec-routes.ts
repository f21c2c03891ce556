/**
 * The request pipeline every spec operation goes through, as a list of steps: the variant asked
 * for, auth, body, validation against the generated validators, the control headers (fault,
 * pacing), the faults that answer before the handler, the handler, then sending (with, when asked,
 * a check of what is sent back). Each step is a small function over one object per request, the
 * `SpecRequest`, which is also what the handler gets. Errors leave in the API's own shape; nothing
 * here knows an operation by name.
 * @module
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { OutgoingStreamItem } from '../streams/index.js';
import { validateResponse, validateStreamItem } from '../validate/check.js';
import type { Violation } from '../validate/violations.js';
import { afterPendingIo } from './after-pending-io.js';
import { authenticate } from './auth.js';
import { errorStyleFor, invalidRequestProblem, type ErrorStyle, type Problem } from './error-styles.js';
import { clientGone, reply, type Exchange } from './exchange.js';
import { faultBeforeHandler, faultedJsonBody, parseFault, pause, writeJsonWithFault, type Fault } from './faults.js';
import type { Arrival, OperationDefinition, OperationRequest, OperationResult, Pacing, RequestHeaders } from './operations/types.js';
import type { ResolvedServerOptions } from './options.js';
import { ClientGoneError, readRequestBody, type UploadedFile } from './request-body.js';
import { requestViolations } from './request-validation.js';
import type { Route } from './routes.js';
import { writeStreamBody, type StreamTarget } from './stream-body.js';
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

/** What every request to one route shares, made once per route. */
interface RouteSetup {
  route: Route;
  definition: OperationDefinition;
  errorStyle: ErrorStyle;
  options: ResolvedServerOptions;
  /** The server's pacing: one object shared by every request that does not override it. */
  serverPacing: Pacing;
}

/** The pipeline of every route, by route. */
export function specRouteHandlers(routes: readonly Route[], table: OperationTable, options: ResolvedServerOptions): Map<Route, RouteHandler> {
  const handlers = new Map<Route, RouteHandler>();
  const serverPacing: Pacing = Object.freeze({ ttftMs: options.ttftMs, tokensPerSecond: options.tokensPerSecond });
  for (const route of routes) {
    // Every operation of the spec has a handler (test/server/operations.test.ts holds the table to
    // that); one without still gets the whole pipeline, then 501, rather than passing for an unknown route.
    const setup: RouteSetup = { route, definition: table[route.api]?.[route.operationId] ?? notImplemented(route), errorStyle: errorStyleFor(route), options, serverPacing };
    // As a serving engine queues requests before it schedules them: a request is stamped when its
    // headers are read, and its work waits until the event loop has read the requests already on the
    // sockets. Under a burst the last request is then read (and stamped) about as soon as the first,
    // and the wait shows in every reported time instead of hiding before the arrival. By then a body
    // that came with its headers is whole, and is read without a wait.
    handlers.set(route, (exchange, params) => afterPendingIo(() => void runPipeline(new SpecRequest(setup, exchange, params))));
  }
  return handlers;
}

function notImplemented(route: Route): OperationDefinition {
  return { handle: () => ({ kind: 'error', problem: { kind: 'server', status: 501, message: `${route.operationId} is in the spec but the reference server has no handler for it.` } }) };
}

const noFiles: readonly UploadedFile[] = [];

/**
 * One request on its way through the pipeline: what each step reads and leaves for the next, what
 * the handler gets (`OperationRequest`), and what an open stream needs of its request
 * (`StreamTarget`). A class, so that its getters and methods live on the prototype: an object with
 * getters or closures of its own costs several times the size, and an open stream holds its
 * request to the end (its body is let go once the handler answered).
 */
export class SpecRequest implements OperationRequest, StreamTarget {
  readonly requestId = uuid();
  /** The variant is read first: it may change the shape of every error. */
  readonly variant: string | undefined;
  body: any = undefined;
  files: readonly UploadedFile[] = noFiles;
  /** The media type the body came as, for its validation. */
  mediaType: string | undefined = undefined;
  pacing: Pacing;
  fault: Fault | undefined = undefined;
  result: OperationResult | undefined = undefined;
  #headers: RequestHeaders | undefined;
  #signal: AbortSignal | undefined;

  constructor(
    readonly setup: RouteSetup,
    readonly exchange: Exchange,
    readonly params: Readonly<Record<string, string>>,
  ) {
    exchange.headers['x-request-id'] = this.requestId;
    this.variant = headerValue(exchange.req.headers[controlHeaders.variant]) || undefined;
    this.pacing = setup.serverPacing;
  }

  get route(): Route {
    return this.setup.route;
  }

  get options(): ResolvedServerOptions {
    return this.setup.options;
  }

  get arrival(): Arrival {
    return this.exchange.arrival;
  }

  get res(): ServerResponse {
    return this.exchange.res;
  }

  get rawHeaders(): IncomingHttpHeaders {
    return this.exchange.req.headers;
  }

  /** Made on first use: few handlers read a header. */
  get headers(): RequestHeaders {
    return (this.#headers ??= new NodeRequestHeaders(this.rawHeaders));
  }

  /** The client-gone signal, made on first use (most requests never wait, and an AbortController costs more than the rest of a small request). */
  get signal(): AbortSignal {
    return (this.#signal ??= clientGone(this.exchange.res));
  }

  get shutdown(): AbortSignal | undefined {
    return this.setup.options.shutdownSignal;
  }

  /** Answers with `problem` in the API's own error shape (checked against the spec in check mode). */
  fail(problem: Problem, headers?: OutgoingHttpHeaders): true {
    const rendered = this.setup.errorStyle.render(problem, this.requestId, this.variant);
    if (this.setup.options.checkResponses !== 'off') {
      const value = rendered.contentType.startsWith('application/json') ? JSON.parse(rendered.body) : rendered.body;
      this.check(rendered.status, rendered.contentType.split(';')[0]!, value, 'error body');
    }
    reply(this.exchange, rendered.status, rendered.contentType, rendered.body, headers);
    return true;
  }

  /** In check mode, a response or item that the spec does not allow is reported (and, in `throw` mode, fails). */
  check(status: number, mediaType: string, value: unknown, where: string): void {
    const { route, options } = this.setup;
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

  get checksItems(): boolean {
    return this.setup.options.checkResponses !== 'off';
  }

  checkItem(value: unknown, kind: 'item' | 'error'): void {
    const result = this.result;
    if (this.setup.options.checkResponses === 'off' || result?.kind !== 'stream') return;
    this.check(this.streamStatus(), result.mediaType, value, `stream ${kind}`);
  }

  errorItem(message: string): OutgoingStreamItem<unknown> {
    const own = this.result?.kind === 'stream' ? this.result.streamError : undefined;
    if (own) return own(message);
    return this.setup.definition.streamError?.(message, this) ?? { kind: 'error', value: JSON.parse(this.setup.errorStyle.render({ kind: 'server', message }, this.requestId, this.variant).body) };
  }

  private streamStatus(): number {
    const result = this.result;
    return result?.kind === 'stream' ? (this.setup.route.streams[result.mediaType]?.status ?? 200) : 200;
  }
}

/** `get`/`has` like the Web `Headers`, straight over the object Node already parsed (names lower-cased): no copy per request. */
class NodeRequestHeaders implements RequestHeaders {
  constructor(private readonly raw: IncomingHttpHeaders) {}

  get(name: string): string | null {
    return headerValue(this.raw[name.toLowerCase()]) ?? null;
  }

  has(name: string): boolean {
    return this.raw[name.toLowerCase()] !== undefined;
  }
}

/** One step of the pipeline: true (or a promise of true) once the request is answered, which ends it. */
type Step = (request: SpecRequest) => boolean | Promise<boolean>;

function checkVariant(request: SpecRequest): boolean {
  const { variant } = request;
  const { errorStyle, definition, route } = request.setup;
  if (variant === undefined || (errorStyle.variants && variant in errorStyle.variants) || (definition.variants && variant in definition.variants)) return false;
  const known = Object.keys({ ...errorStyle.variants, ...definition.variants });
  return request.fail({ kind: 'invalid_request', status: 400, message: `x-sambakit-variant "${variant}" is not a variant of ${route.operationId}; ${known.length ? `use one of: ${known.join(', ')}` : 'it has none'}.` });
}

function checkKey(request: SpecRequest): boolean {
  const auth = authenticate(request.setup.route, request.rawHeaders, request.setup.options.apiKey);
  if (auth.ok) return false;
  return request.fail({ kind: 'authentication', message: auth.reason === 'missing' ? `Missing API key: send it in ${auth.expected}.` : 'Invalid API key.' });
}

function readBody(request: SpecRequest): boolean | Promise<boolean> {
  const { route, options } = request.setup;
  const read = readRequestBody(request.exchange.req, route.requestMediaTypes, route.bodyRequired, options.bodyLimitBytes, options.bodyIdleTimeoutMs);
  return read instanceof Promise ? read.then((body) => tookBody(request, body)) : tookBody(request, read);
}

function tookBody(request: SpecRequest, body: Awaited<ReturnType<typeof readRequestBody>>): boolean {
  if (!body.ok && body.violations) return request.fail(invalidRequestProblem(body.violations));
  // A body left unread (too large, stalled) cannot be skipped to reach a next request: close.
  const unread = request.exchange.req.complete ? undefined : { connection: 'close' };
  // No API documents a 408: answered plainly, as Node answers its own request timeouts.
  if (!body.ok && body.status === 408) {
    reply(request.exchange, 408, 'text/plain; charset=utf-8', body.message, unread);
    return true;
  }
  if (!body.ok) return request.fail({ kind: body.status === 413 ? 'too_large' : body.status === 415 ? 'media_type' : 'invalid_request', message: body.message, status: body.status }, unread);
  request.body = body.value;
  request.files = body.files;
  request.mediaType = body.mediaType;
  return false;
}

function validate(request: SpecRequest): boolean | Promise<boolean> {
  const { mediaType } = request;
  const found = requestViolations(request.setup.route, { body: request.body, ...(mediaType === undefined ? {} : { mediaType }), params: request.params, headers: request.rawHeaders });
  return found instanceof Promise ? found.then((violations) => validated(request, violations)) : validated(request, found);
}

function validated(request: SpecRequest, violations: Violation[]): boolean {
  return violations.length > 0 ? request.fail(invalidRequestProblem(violations)) : false;
}

function readFault(request: SpecRequest): boolean {
  const parsed = parseFault(headerValue(request.rawHeaders[controlHeaders.fault]));
  if (!parsed.ok) return request.fail({ kind: 'invalid_request', message: parsed.message, status: 400 });
  request.fault = parsed.fault;
  return false;
}

const pacingHeaders = [
  [controlHeaders.ttftMs, 'ttftMs', 0],
  [controlHeaders.tokensPerSecond, 'tokensPerSecond', 0.001],
] as const;

/** The server's pacing, or a copy with the request's overrides. */
function readPacing(request: SpecRequest): boolean {
  const { serverPacing } = request.setup;
  for (const [header, key, min] of pacingHeaders) {
    const raw = headerValue(request.rawHeaders[header]);
    if (raw === undefined) continue;
    const value = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(value) || value < min) return request.fail({ kind: 'invalid_request', status: 400, message: `${header} must be a number >= ${min}, got "${raw}".` });
    if (request.pacing === serverPacing) request.pacing = { ...serverPacing };
    request.pacing[key] = value;
  }
  return false;
}

function faultsBefore(request: SpecRequest): boolean | Promise<boolean> {
  const { fault } = request;
  const effect = fault && faultBeforeHandler(fault, request.setup.route.api);
  if (!effect) return false;
  if ('answer' in effect) return request.fail(effect.answer, effect.headers);
  // The answer is normal after the delay; a client gone meanwhile ends the request.
  return pause(effect.delayMs, request.signal).then((waited) => !waited);
}

/**
 * Awaited even when the handler answered at once: what follows (the writing) then runs after the
 * slice of queued work, so the answers of one slice leave together. Writing each answer as it was
 * made cost a fifth of the requests per second (the client reads fewer, larger bursts).
 */
async function handle(request: SpecRequest): Promise<boolean> {
  request.result = await request.setup.definition.handle(request);
  return false;
}

function send(request: SpecRequest): boolean | Promise<boolean> {
  const result = request.result!;
  const { exchange, fault } = request;
  const { route } = request.setup;
  if (result.headers) Object.assign(exchange.headers, result.headers);
  switch (result.kind) {
    case 'error':
      return request.fail(result.problem);
    case 'json': {
      let status = result.status ?? 200;
      let body = result.body;
      const faulted = fault && faultedJsonBody(fault, result.failure);
      if (faulted) {
        status = faulted.status ?? status;
        body = faulted.body;
        if (faulted.checked) request.check(status, 'application/json', body, 'failure body');
        reply(exchange, status, 'application/json', JSON.stringify(body));
        return true;
      }
      request.check(status, 'application/json', body, 'response body');
      const text = JSON.stringify(body);
      if (!fault) {
        reply(exchange, status, 'application/json', text);
        return true;
      }
      exchange.headers['content-type'] = 'application/json';
      return writeJsonWithFault(exchange.res, status, exchange.headers, text, fault, request.signal).then(() => true);
    }
    case 'text': {
      const status = result.status ?? 200;
      request.check(status, (result.contentType ?? 'text/plain').split(';')[0]!, result.body, 'response body');
      reply(exchange, status, result.contentType ?? 'text/plain; charset=utf-8', result.body);
      return true;
    }
    case 'stream': {
      const declared = route.streams[result.mediaType];
      if (!declared) throw new Error(`${route.operationId} streamed ${result.mediaType}, which the spec does not declare as a stream`);
      if (result.withoutTerminator && declared.terminator !== undefined && !declared.terminatorOptional) throw new Error(`${route.operationId} ended a ${result.mediaType} stream without the terminator the spec requires`);
      const { terminator: _terminator, ...unterminated } = declared;
      const framing = result.withoutTerminator ? unterminated : declared;
      Object.assign(exchange.headers, { 'content-type': result.mediaType, 'cache-control': 'no-cache', 'x-accel-buffering': 'no' });
      // The stream holds its request to the end; the body, read by the handler, is not kept with it.
      request.body = undefined;
      // The stream goes on by itself: the request's own frames end here.
      writeStreamBody(request, framing.status, exchange.headers, result.produce, framing);
      return true;
    }
  }
}

/** The pipeline, in order. */
const steps: readonly Step[] = [checkVariant, checkKey, readBody, validate, readFault, readPacing, faultsBefore, handle, send];

async function runPipeline(request: SpecRequest): Promise<void> {
  try {
    for (let i = 0; i < steps.length; i++) {
      const answered = steps[i]!(request);
      if (answered === true || (answered !== false && (await answered))) return;
    }
  } catch (error) {
    if (error instanceof ClientGoneError) return;
    const { route, options } = request.setup;
    options.log?.(`error: ${route.api} ${route.operationId} ${request.requestId}: ${error instanceof Error ? error.message : String(error)}`);
    // As plain as it gets: the error may have come from rendering or checking an error body.
    if (!request.res.headersSent) reply(request.exchange, 500, 'text/plain; charset=utf-8', 'Internal Server Error');
    else request.res.destroy();
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}
