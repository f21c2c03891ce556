/**
 * The request pipeline every spec operation goes through, as a list of steps: the variant asked
 * for, auth, body, validation against the generated validators, the control headers (fault,
 * pacing), the faults that answer before the handler, the handler, then sending (with, when asked,
 * a check of what is sent back). Each step is a small function over the request (`SpecRequest`),
 * which is also what the handler gets. Errors leave in the API's own shape; nothing here knows an
 * operation by name.
 * @module
 */
import type { Violation } from '../validate/violations.js';
import { afterPendingIo } from './after-pending-io.js';
import { authenticate } from './auth.js';
import { errorStyleFor, invalidRequestProblem } from './error-styles.js';
import { faultBeforeHandler, faultedJsonBody, parseFault, pause, writeJsonWithFault } from './faults.js';
import { jsonText } from './json-text.js';
import { piecesOfBody, textPieces } from './json-body.js';
import type { OperationDefinition, Pacing } from './operations/types.js';
import type { ResolvedServerOptions } from './options.js';
import { ClientGoneError, readRequestBody } from './request-body.js';
import { requestViolations } from './request-validation.js';
import type { StreamFraming } from '../contract/index.js';
import type { Route } from './routes.js';
import { controlHeaders, headerValue, type RouteSetup, type SpecRequest } from './spec-request.js';
import { writeStreamBody } from './stream-body.js';

export type OperationTable = Readonly<Record<string, Readonly<Record<string, OperationDefinition>>>>;

/** What a request to each route starts with, by route. */
export function routeSetups(routes: readonly Route[], table: OperationTable, options: ResolvedServerOptions): Map<Route, RouteSetup> {
  const setups = new Map<Route, RouteSetup>();
  const serverPacing: Pacing = Object.freeze({ ttftMs: options.ttftMs, tokensPerSecond: options.tokensPerSecond });
  for (const route of routes) {
    // Every operation of the spec has a handler (test/server/operations.test.ts holds the table to
    // that); one without still gets the whole pipeline, then 501, rather than passing for an unknown route.
    setups.set(route, { route, definition: table[route.api]?.[route.operationId] ?? notImplemented(route), errorStyle: errorStyleFor(route), options, serverPacing });
  }
  return setups;
}

function notImplemented(route: Route): OperationDefinition {
  return { handle: () => ({ kind: 'error', problem: { kind: 'server', status: 501, message: `${route.operationId} is in the spec but the reference server has no handler for it.` } }) };
}

/**
 * Answers the request later: never throws (a failure becomes a plain 500, or a cut stream).
 *
 * As a serving engine queues requests before it schedules them: a request is stamped when its
 * headers are read, and its work waits until the event loop has read the requests already on the
 * sockets. Under a burst the last request is then read (and stamped) about as soon as the first,
 * and the wait shows in every reported time instead of hiding before the arrival. By then a body
 * that came with its headers is whole, and is read without a wait.
 */
export function startPipeline(request: SpecRequest): void {
  afterPendingIo(pipelineOf, request);
}

function pipelineOf(request: SpecRequest): void {
  void runPipeline(request);
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
  const read = readRequestBody(request.req, route.requestMediaTypes, route.bodyRequired, options.bodyLimitBytes, options.bodyIdleTimeoutMs);
  return read instanceof Promise ? read.then((body) => tookBody(request, body)) : tookBody(request, read);
}

function tookBody(request: SpecRequest, body: Awaited<ReturnType<typeof readRequestBody>>): boolean {
  if (!body.ok && body.violations) return request.fail(invalidRequestProblem(body.violations));
  // A body left unread (too large, stalled) cannot be skipped to reach a next request: close.
  const unread = request.req.complete ? undefined : { connection: 'close' };
  // No API documents a 408: answered plainly, as Node answers its own request timeouts.
  if (!body.ok && body.status === 408) {
    request.reply(408, 'text/plain; charset=utf-8', body.message, unread);
    return true;
  }
  if (!body.ok) return request.fail({ kind: body.status === 413 ? 'too_large' : body.status === 415 ? 'media_type' : 'invalid_request', message: body.message, status: body.status }, unread);
  request.body = body.value;
  // The request starts with one shared empty list: an open stream holds its request.
  if (body.files.length > 0) request.files = body.files;
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
  const { definition, route } = request.setup;
  if (fault?.name === 'model-output' && !definition.modelOutputError) {
    return request.fail({ kind: 'invalid_request', status: 400, message: `x-sambakit-fault model-output: ${route.operationId} has no model-output error among its answers in the spec (SambaNova Cloud's chat completions have one).` });
  }
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
  const { fault } = request;
  const { route } = request.setup;
  if (result.headers) Object.assign(request.responseHeaders, result.headers);
  switch (result.kind) {
    case 'error':
      return request.fail(result.problem);
    case 'json': {
      let status = result.status ?? 200;
      let body = result.body;
      const { modelOutputError } = request.setup.definition;
      const faulted = fault && faultedJsonBody(fault, result.failure, modelOutputError && (() => modelOutputError(result.body)));
      if (faulted) {
        status = faulted.status ?? status;
        body = faulted.body;
        if (faulted.checked) request.check(status, 'application/json', body, fault.name === 'model-output' ? 'model output error' : 'failure body');
        request.reply(status, 'application/json', JSON.stringify(body));
        return true;
      }
      const checked = request.checkAnswer(status, body);
      return checked instanceof Promise ? checked.then(() => writeJson(request, status, body)) : writeJson(request, status, body);
    }
    case 'text': {
      const status = result.status ?? 200;
      request.check(status, (result.contentType ?? 'text/plain').split(';')[0]!, result.body, 'response body');
      request.reply(status, result.contentType ?? 'text/plain; charset=utf-8', result.body);
      return true;
    }
    case 'stream': {
      if (fault?.name === 'model-output') {
        // The vendor documents the model-output error as a JSON answer only.
        if (typeof result.produce !== 'function') result.produce.stop();
        return request.fail({ kind: 'invalid_request', status: 400, message: 'x-sambakit-fault model-output applies to answers that are not streamed: the model-output error is documented as a JSON body only.' });
      }
      const declared = route.streams[result.mediaType];
      if (!declared) throw new Error(`${route.operationId} streamed ${result.mediaType}, which the spec does not declare as a stream`);
      if (result.withoutTerminator && declared.terminator !== undefined && !declared.terminatorOptional) throw new Error(`${route.operationId} ended a ${result.mediaType} stream without the terminator the spec requires`);
      const framing = result.withoutTerminator ? unterminated(declared) : declared;
      Object.assign(request.responseHeaders, { 'content-type': result.mediaType, 'cache-control': 'no-cache', 'x-accel-buffering': 'no' });
      // The stream holds its request to the end; the body, read by the handler, is not kept with it,
      // but the pieces of its long strings are, for events that echo one.
      const piecesOf = piecesOfBody(request.body);
      request.body = undefined;
      // The stream goes on by itself: the request's own frames end here.
      writeStreamBody(request, framing.status, request.responseHeaders, result.produce, framing, piecesOf);
      return true;
    }
  }
}

/** A stream's framing without its terminator: made only for a producer that ends without one, not per stream. */
function unterminated(framing: StreamFraming): Omit<StreamFraming, 'terminator'> {
  const { terminator: _terminator, ...rest } = framing;
  return rest;
}

/** A large answer (a batch's) is written in slices; an ordinary one in this turn. */
function writeJson(request: SpecRequest, status: number, body: unknown): true | Promise<true> {
  const text = jsonText(body, (long) => textPieces(request.body, long));
  return text instanceof Promise ? text.then((settled) => sendJson(request, status, settled)) : sendJson(request, status, text);
}

function sendJson(request: SpecRequest, status: number, text: string | readonly Buffer[]): true | Promise<true> {
  const { fault } = request;
  // An error answer a handler built (a model id it does not know) may quote the key sent in its place; a fault's writer does not pass through `reply`, which cuts it.
  if (fault && status >= 400 && typeof text === 'string') text = request.redact(text, true);
  if (!fault) {
    request.reply(status, 'application/json', text);
    return true;
  }
  request.responseHeaders['content-type'] = 'application/json';
  const whole = typeof text === 'string' ? text : Buffer.concat(text).toString();
  return writeJsonWithFault(request.res, status, request.responseHeaders, whole, fault, request.signal).then(() => true);
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
    if (!request.res.headersSent) request.reply(500, 'text/plain; charset=utf-8', 'Internal Server Error');
    else request.res.destroy();
  }
}
