/**
 * A request to a spec route: the exchange grown by what the pipeline's steps read and leave for the
 * next (spec-routes.ts), what the handler gets (it is the `OperationRequest` of operations/types.ts)
 * and what an open stream holds of its request (stream-body.ts). One object per request, from
 * arrival to the stream's end.
 * @module
 */
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { OutgoingStreamItem } from '../streams/index.js';
import { validateStreamItem } from '../validate/check.js';
import type { Violation } from '../validate/violations.js';
import { answerViolations, wholeAnswerViolations } from './answer-check.js';
import type { ErrorStyle, Problem } from './error-styles.js';
import { Exchange, type Arrival } from './exchange.js';
import type { Fault } from './faults.js';
import type { OperationDefinition, OperationRequest, OperationResult, Pacing, RequestHeaders } from './operations/types.js';
import type { ResolvedServerOptions } from './options.js';
import type { UploadedFile } from './request-body.js';
import type { Route } from './routes.js';
import { uuid } from './uuid.js';

/** Headers that tune one request; documented in the README. */
export const controlHeaders = {
  fault: 'x-sambakit-fault',
  variant: 'x-sambakit-variant',
  ttftMs: 'x-sambakit-ttft-ms',
  tokensPerSecond: 'x-sambakit-tokens-per-second',
} as const;

/** What every request to one route shares, made once per route. */
export interface RouteSetup {
  route: Route;
  definition: OperationDefinition;
  errorStyle: ErrorStyle;
  options: ResolvedServerOptions;
  /** The server's pacing: one object shared by every request that does not override it. */
  serverPacing: Pacing;
}

class ResponseViolationError extends Error {
  override name = 'ResponseViolationError';
}

const noFiles: readonly UploadedFile[] = [];

/**
 * A class, so that its getters and methods live on the prototype: an object with getters or
 * closures of its own costs several times the size, and an open stream holds its request to the
 * end (its body is let go once the handler answered).
 */
export class SpecRequest extends Exchange implements OperationRequest {
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

  constructor(
    readonly setup: RouteSetup,
    readonly params: Readonly<Record<string, string>>,
    req: IncomingMessage,
    res: ServerResponse,
    pathname: string,
    arrival: Arrival,
    responseHeaders?: OutgoingHttpHeaders,
  ) {
    super(req, res, pathname, arrival, responseHeaders);
    this.responseHeaders['x-request-id'] = this.requestId;
    this.variant = headerValue(req.headers[controlHeaders.variant]) || undefined;
    this.pacing = setup.serverPacing;
  }

  get route(): Route {
    return this.setup.route;
  }

  get options(): ResolvedServerOptions {
    return this.setup.options;
  }

  /** The request's headers as Node parsed them (names lower-cased), for the pipeline's own reads. */
  get rawHeaders(): IncomingHttpHeaders {
    return this.req.headers;
  }

  /** Made on first use: few handlers read a header. */
  get headers(): RequestHeaders {
    return (this.#headers ??= new NodeRequestHeaders(this.req.headers));
  }

  /** Aborted when the server shuts down: an open stream then ends with an in-stream error instead of hanging. */
  get shutdown(): AbortSignal | undefined {
    return this.setup.options.shutdownSignal;
  }

  /** `text` without the server's key or a credential this request carries, for an error answer that quotes what came. */
  keyless(text: string): string {
    const { route, options } = this.setup;
    return this.withoutKeys(text, options.apiKey, route.security.flat().map((scheme) => scheme.headerName.toLowerCase()));
  }

  /** Answers with `problem` in the API's own error shape (checked against the spec in check mode). */
  fail(problem: Problem, headers?: OutgoingHttpHeaders): true {
    const rendered = this.setup.errorStyle.render(problem, this.requestId, this.variant);
    rendered.body = this.keyless(rendered.body);
    if (this.setup.options.checkResponses !== 'off') {
      const value = rendered.contentType.startsWith('application/json') ? JSON.parse(rendered.body) : rendered.body;
      this.check(rendered.status, rendered.contentType.split(';')[0]!, value, 'error body');
    }
    this.reply(rendered.status, rendered.contentType, rendered.body, headers);
    return true;
  }

  /** In check mode, a response or item that the spec does not allow is reported (and, in `throw` mode, fails). */
  check(status: number, mediaType: string, value: unknown, where: string): void {
    const { route, options } = this.setup;
    if (options.checkResponses === 'off') return;
    const violations =
      route.streams[mediaType] && where.startsWith('stream') ? validateStreamItem(route.validators, value, { mediaType }).violations : wholeAnswerViolations(route, status, mediaType, value);
    this.report(violations, where);
  }

  /** `check` of the handler's JSON answer: a large one is checked in slices (answer-check.ts), then settles. */
  checkAnswer(status: number, value: unknown): void | Promise<void> {
    if (this.setup.options.checkResponses === 'off') return;
    const found = answerViolations(this.setup.route, status, 'application/json', value);
    return found instanceof Promise ? found.then((violations) => this.report(violations, 'response body')) : this.report(found, 'response body');
  }

  private report(violations: Violation[], where: string): void {
    if (violations.length === 0) return;
    const { route, options } = this.setup;
    options.onResponseViolation?.({ api: route.api, operationId: route.operationId, where, violations });
    options.log?.(`response violation: ${route.api} ${route.operationId} ${where}: ${JSON.stringify(violations)}`);
    if (options.checkResponses === 'throw') throw new ResponseViolationError(`${route.operationId} ${where} breaks the spec`);
  }

  /** Whether `checkItem` checks anything (the server checks its responses against the spec). */
  get checksItems(): boolean {
    return this.setup.options.checkResponses !== 'off';
  }

  /** Checks one streamed item against the spec; throws to cut the stream (test mode). */
  checkItem(value: unknown, kind: 'item' | 'error'): void {
    const result = this.result;
    if (!this.checksItems || result?.kind !== 'stream') return;
    this.check(this.streamStatus(), result.mediaType, value, `stream ${kind}`);
  }

  /** The API's in-stream error item with a message: for the error-event fault, a failing producer and shutdown. */
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

/** A header as one string (repeated headers joined with `, `). */
export function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}
