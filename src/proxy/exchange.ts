/**
 * One exchange as the proxy watches it go by: which operation it is, the check of its request, of
 * its answer and of every item of a streamed answer, and the records they give. It holds no socket:
 * connection-hop.ts moves the bytes and tells it what went by (the request's head, body and end; the
 * answer's head, body and end, or how the exchange failed), and writes the proxy's own answers it returns.
 *
 * Everything here looks at copies after the bytes went on: the checks wait in the proxy's CheckQueue
 * until the forwarding work of the loop turn is done, and run in the order the bytes came, so records
 * keep the order of the exchange.
 * @module
 */
import { randomUUID } from 'node:crypto';
import type { ApiName } from '../contract/apis.js';
import type { StreamValidationResult, Violation } from '../validate/index.js';
import { violation } from '../validate/violations.js';
import type { BodyChecks } from './body-checks.js';
import { BodyCopy } from './body-copy.js';
import type { CheckQueue } from './check-queue.js';
import { decodingTap, encodingOf, InflatedPastLimit, type Encoding } from './content-decoding.js';
import { operationFor, securityHeaders, streamValidatorFor, type OperationMatch } from './exchange-check.js';
import { headersObject, rawHeader } from './headers.js';
import { badGateway, gatewayTimeout, rejectInvalid, requestTimeout, tooLargeToCheck } from './own-answers.js';
import { violationRecord, type Direction, type ExchangeFacts, type ProxyRecord, type UpstreamFault } from './records.js';
import { credentialsOf, withoutSecrets } from '../secrets/credentials.js';
import type { TrafficSummary } from './summary.js';

export interface ExchangeContext {
  api: ApiName;
  target: URL;
  /** The target's path without a trailing slash, put before every request path. */
  basePath: string;
  upstreamTimeoutMs: number;
  /** Largest body copied for its check, and largest a compressed body is inflated to for it. */
  checkLimitBytes: number;
  /** --strict: invalid requests are refused (a request inflating past the check limit too). */
  strict: boolean;
  /** Where checks wait for the forwarding work of the loop turn to be done. */
  checks: CheckQueue;
  /** Where a whole body is checked: on the loop, or in a worker thread when it is big. */
  bodyChecks: BodyChecks;
  summary: TrafficSummary;
  record: (record: ProxyRecord) => void;
}

/** Headers of a 429 worth keeping in its record: when to retry and the limits. */
const rateLimitHeader = /^(retry-after|x-ratelimit-.*|ratelimit.*)$/i;

/** The path part of a request target (a proxy may be sent the absolute form). */
function pathOf(requestTarget: string): string {
  if (requestTarget.startsWith('/')) return requestTarget;
  try {
    const url = new URL(requestTarget);
    return url.pathname + url.search;
  } catch {
    return `/${requestTarget}`;
  }
}

/** A message's Content-Encoding: repeated headers are one list of encodings, applied in turn. */
function contentEncodingIn(raw: readonly string[]): string | undefined {
  const encodings: string[] = [];
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.toLowerCase() === 'content-encoding') encodings.push(raw[i + 1]!);
  return encodings.length ? encodings.join(', ') : undefined;
}

/** What a request's check found: its violations, or that its body inflated past the check limit (then unchecked). */
export interface RequestVerdict {
  violations: Violation[];
  inflatedPast?: number;
}

/** What looks at an answer's body as it goes by. */
interface Observer {
  push(chunk: Buffer): void;
  end(done: () => void): void;
  /** The client left before the answer's end: what went by is reported, without the end's checks. */
  stop(): void;
}

type Part = 'request' | 'response';

/** Queue jobs (functions of the module, not closures per chunk). */
const lookAt = (job: { exchange: Exchange; chunk: Buffer }) => job.exchange.observer?.push(job.chunk);
const checkQueuedRequest = (exchange: Exchange) => exchange.checkRequest();

export class Exchange {
  readonly match: OperationMatch | undefined;
  /** The request target as the target is sent it: its base path, then the client's path and query. */
  readonly path: string;
  /** Set once the answer's head is in (in the check queue), when there is a check for it. */
  observer: Observer | undefined;
  readonly #ctx: ExchangeContext;
  readonly #url: URL;
  /** Made when first needed (a record, an answer of the proxy's own): most exchanges need neither, and the request's way to the target is shorter without. */
  #requestId: string | undefined;
  #credentials: string[] | undefined;
  readonly #copy: BodyCopy | undefined;
  readonly #open = new Set<Part>(['request', 'response']);
  #upstreamRequestId: string | undefined;
  /** Request violations wait for the target's answer head, so that their records carry its request id. */
  #held: Violation[] | undefined = [];
  #status = 0;

  /** The request's headers as they came (raw list: name, value...). */
  constructor(ctx: ExchangeContext, readonly method: string, requestTarget: string, readonly rawHeaders: readonly string[]) {
    this.#ctx = ctx;
    this.path = `${ctx.basePath}${pathOf(requestTarget)}`;
    // The target's href as the base (a string Node keeps), not its origin (one made at each read).
    this.#url = new URL(this.path, ctx.target.href);
    const match = (this.match = operationFor(ctx.api, method, this.#url));
    ctx.summary.request(match?.operationId ?? null);
    this.#copy = match ? new BodyCopy(ctx.checkLimitBytes) : undefined;
    if (!match) this.#reportViolations('request', [violation('', 'operation', `an operation of the ${ctx.api} spec`, `${method} ${this.#url.pathname}`)]);
  }

  /** The proxy's id of the exchange, in its records and its own answers (x-request-id). */
  get requestId(): string {
    return (this.#requestId ??= randomUUID());
  }

  /** The credentials the request carries, to be cut from its records. */
  get #secrets(): string[] {
    return (this.#credentials ??= credentialsOf(this.rawHeaders, this.match ? securityHeaders(this.match) : []));
  }

  // --- the request

  /** A piece of the request body went by (or, under --strict, is held): its copy is kept for the check, up to the limit. */
  requestBody(chunk: Buffer): void {
    if (this.#copy && !this.#copy.add(chunk)) this.#copy.take();
  }

  /**
   * --strict: a piece of the body is held for the check; false when it would pass the check limit
   * (then it is not kept, and the body goes on unchecked: `takeHeld` hands over what was held).
   */
  hold(chunk: Buffer): boolean {
    return this.#copy?.add(chunk) ?? true;
  }

  /** The held body, whole, in parts (--strict, once it was checked valid). */
  heldBody(): Buffer[] {
    return this.#copy?.parts() ?? [];
  }

  /** The chunks held so far, handed over and forgotten (--strict, a body past the check limit). */
  takeHeld(): Buffer[] {
    return this.#copy?.take() ?? [];
  }

  /** The request went on whole: its check waits in the queue behind the bytes. */
  requestEnded(): void {
    this.#ctx.checks.add(checkQueuedRequest, this);
  }

  /** Checks the request; `then` gets its verdict (no violations when it could not be checked). */
  checkRequest(then?: (verdict: RequestVerdict) => void): void {
    const done = (violations: Violation[], inflatedPast?: number) => {
      if (this.#held) this.#held.push(...violations);
      else this.#reportViolations('request', violations);
      this.#over('request');
      then?.(inflatedPast === undefined ? { violations } : { violations, inflatedPast });
    };
    if (!this.match || !this.#copy) return done([]);
    if (this.#copy.overflowed) {
      this.#reportUnchecked('request', `the body is larger than the check limit of ${this.#ctx.checkLimitBytes} bytes`);
      return done([]);
    }
    const contentEncoding = contentEncodingIn(this.rawHeaders);
    const encoding = encodingOf(contentEncoding);
    if (encoding === undefined) {
      this.#reportUnchecked('request', `content-encoding ${contentEncoding} cannot be decoded for the check`);
      return done([]);
    }
    const facts = { url: this.#url, headers: headersObject(this.rawHeaders), body: this.#copy.parts(), encoding, decodedLimit: this.#ctx.checkLimitBytes };
    this.#ctx.bodyChecks.request(this.match, facts, done, (error) => {
      this.#reportCheckFailure('request', encoding, error);
      done([], error instanceof InflatedPastLimit ? error.limit : undefined);
    });
  }

  /** --strict: the request broke the spec, or inflates past the check limit; the bytes of the API's refusal (413 for the latter). */
  refusal(verdict: RequestVerdict, close: boolean): Buffer {
    this.#ctx.summary.rejected();
    const answer =
      verdict.inflatedPast === undefined
        ? rejectInvalid(this.match!, verdict.violations, this.requestId, rawHeader(this.rawHeaders, 'content-type'), close)
        : tooLargeToCheck(this.match!, verdict.inflatedPast, this.requestId, close);
    this.#over('response');
    return answer;
  }

  /** --strict: the held body did not come whole within `timeoutMs`; what was held is dropped; the bytes of the 408. */
  bodyTimedOut(timeoutMs: number): Buffer {
    this.#copy?.take();
    this.#reportUnchecked('request', `the body did not come whole within ${timeoutMs} ms (--strict holds it for its check); answered 408 and closed the connection`);
    this.#over('request');
    this.#over('response');
    return requestTimeout(this.match!, timeoutMs, this.requestId);
  }

  // --- the answer

  /** A 1xx status: an interim head, passed on; the final one is still to come. */
  static interim(status: number): boolean {
    return status >= 100 && status < 200 && status !== 101;
  }

  /** The target's final head went by. */
  answerHead(status: number, raw: readonly string[]): void {
    this.#status = status;
    this.#upstreamRequestId = rawHeader(raw, 'x-request-id');
    this.#release();
    if (status === 429 || status >= 500) {
      const headers: Record<string, string> = {};
      for (let i = 0; i < raw.length; i += 2) if (rateLimitHeader.test(raw[i]!)) headers[raw[i]!.toLowerCase()] = raw[i + 1]!;
      this.#reportFault('status', `the target answered ${status}`, { status, ...(Object.keys(headers).length ? { headers } : {}) });
    }
    // The checker is set up in the queue: with many streams starting at once, its set-up would
    // otherwise hold back the first bytes of every other stream read in the same loop turn.
    const match = this.match;
    if (match) this.#ctx.checks.add((exchange: Exchange) => (exchange.observer = exchange.#responseObserver(match, raw, status)), this);
  }

  /** A piece of the answer's body went by (its framing taken off). */
  answerBody(chunk: Buffer): void {
    if (this.match) this.#ctx.checks.add(lookAt, { exchange: this, chunk });
  }

  /** The answer ended: whole, or `cut` (the target closed its connection before the end). */
  answerEnded(cut: boolean): void {
    // Queued after the chunks, so that records keep the order of what went by.
    this.#ctx.checks.add((exchange: Exchange) => {
      if (cut) exchange.#reportFault('cut', "the target closed the connection before the end of its answer; the client's answer is cut the same way", { status: exchange.#status });
      if (exchange.observer) exchange.observer.end(() => exchange.#over('response'));
      else exchange.#over('response');
    }, this);
  }

  /** No head came within the upstream timeout: the bytes of the 504. */
  timedOut(): Buffer {
    this.#reportFault('timeout', `no answer within ${this.#ctx.upstreamTimeoutMs} ms; answered 504`);
    this.#over('response');
    return gatewayTimeout(this.match, this.#ctx.upstreamTimeoutMs, this.requestId);
  }

  /** The target could not be reached, or dropped a fresh connection before answering: the bytes of the 502. */
  unreachable(detail: string): Buffer {
    this.#reportFault('unreachable', `${detail}; answered 502`);
    this.#over('response');
    return badGateway(this.match, detail, this.requestId);
  }

  /** The target closed a kept connection before answering this request: the client's connection is closed the same way. */
  closedUnanswered(detail: string): void {
    this.#reportFault('closed', `${detail}: the target closed the kept connection before answering; the client's connection was closed the same way`);
    this.#over('response');
  }

  /** The target's answers could not be parsed: they go on as they are, unchecked. */
  unparsed(reason: string): void {
    this.#reportUnchecked('response', `the target's answer could not be parsed (${reason}); it went on as it came`);
    this.observer = undefined;
    this.#over('response');
  }

  /**
   * The client left, or its connection was dropped: nothing more will be checked, once the checks
   * of what went by are done.
   */
  abandon(): void {
    this.#ctx.checks.add((exchange: Exchange) => {
      exchange.observer?.stop();
      exchange.#over('request');
      exchange.#over('response');
    }, this);
  }

  // --- records

  /** The exchange is over when both checks are done (or the client left). */
  #over(part: Part): void {
    if (part === 'response') this.#release();
    if (this.#open.delete(part) && this.#open.size === 0) this.#ctx.summary.completed();
  }

  #release(): void {
    if (this.#held === undefined) return;
    const violations = this.#held;
    this.#held = undefined;
    this.#reportViolations('request', violations);
  }

  #at(): ExchangeFacts {
    // The path without its query: a query may carry a key.
    const facts = { requestId: this.requestId, operation: this.match?.operationId ?? null, method: this.method, path: this.#url.pathname };
    return { time: new Date().toISOString(), ...facts, ...(this.#upstreamRequestId ? { upstreamRequestId: this.#upstreamRequestId } : {}) };
  }

  #report(record: ProxyRecord): void {
    const safe = withoutSecrets(record, this.#secrets);
    this.#ctx.summary.count(safe);
    this.#ctx.record(safe);
  }

  #reportViolations(direction: Direction, violations: readonly Violation[]): void {
    for (const v of violations) this.#report(violationRecord(this.#at(), direction, v));
  }

  #reportFault(fault: UpstreamFault, message: string, extra: { status?: number; headers?: Record<string, string> } = {}): void {
    this.#report({ kind: 'upstream-fault', ...this.#at(), fault, ...extra, message });
  }

  #reportUnchecked(direction: Direction, message: string): void {
    this.#report({ kind: 'unchecked', ...this.#at(), direction, message });
  }

  /** A check that could not be made: a compressed body past the check limit (it went on unchanged), or one the checker failed on. */
  #reportCheckFailure(direction: Direction, encoding: Encoding, error: Error): void {
    if (!(error instanceof InflatedPastLimit)) return this.#reportUnchecked(direction, `the check failed: ${error.message}`);
    const refused = direction === 'request' && this.#ctx.strict ? 'answered 413 (--strict)' : 'it went on unchanged';
    this.#reportUnchecked(direction, `not checked: the ${encoding} body ${error.message} (the check limit); ${refused}`);
  }

  /** A check that throws is a bug of the checker, never a reason to stop the traffic. */
  #guarded(direction: Direction, run: () => void): void {
    try {
      run();
    } catch (error) {
      this.#reportUnchecked(direction, `the check failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Checks the answer as it goes by: a stream item by item, anything else whole at its end. */
  #responseObserver(operation: OperationMatch, raw: readonly string[], status: number): Observer | undefined {
    const contentType = rawHeader(raw, 'content-type');
    const contentEncoding = contentEncodingIn(raw);
    const encoding = encodingOf(contentEncoding);
    if (encoding === undefined) {
      this.#reportUnchecked('response', `content-encoding ${contentEncoding} cannot be decoded for the check`);
      return undefined;
    }
    let stream;
    try {
      stream = streamValidatorFor(operation, contentType);
    } catch (error) {
      this.#reportUnchecked('stream', `the check failed: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
    if (stream) {
      const validator = stream;
      let failed = false;
      const pushDecoded = (chunk: Buffer) => {
        if (failed) return;
        try {
          validator.push(chunk);
        } catch (error) {
          failed = true;
          this.#reportUnchecked('stream', `the check failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      };
      const report = (verdict: () => StreamValidationResult) =>
        this.#guarded('stream', () => {
          if (failed) return;
          const result = verdict();
          this.#reportViolations('stream', result.violations);
          for (const item of result.errorItems) this.#reportFault('stream-error', `in-stream error ${item.event === undefined ? '' : `event "${item.event}" `}at item ${item.index}`, { status });
        });
      const finish = (done: () => void) => {
        report(() => validator.end());
        done();
      };
      // Bytes a decoder still holds when the client leaves go unchecked: only what it gave out went by whole.
      const stop = () => report(() => validator.stop());
      if (encoding === 'identity') return { push: pushDecoded, end: finish, stop };
      const tap = decodingTap(encoding, this.#ctx.checkLimitBytes, pushDecoded, (error) => {
        failed = true;
        if (error instanceof InflatedPastLimit) this.#reportCheckFailure('stream', encoding, error);
        else this.#reportUnchecked('stream', `the ${encoding} body cannot be decoded: ${error.message}`);
      });
      return { push: tap.push, end: (done) => tap.end(() => finish(done)), stop };
    }
    const copy = new BodyCopy(this.#ctx.checkLimitBytes);
    return {
      push: (chunk) => void copy.add(chunk),
      // A whole answer the client left before its end is no whole answer: nothing to check.
      stop: () => {},
      end: (done) => {
        if (copy.overflowed) {
          this.#reportUnchecked('response', `the body is larger than the check limit of ${this.#ctx.checkLimitBytes} bytes`);
          return done();
        }
        const answer = { status, contentType, encoding, body: copy.parts(), decodedLimit: this.#ctx.checkLimitBytes };
        this.#ctx.bodyChecks.response(
          operation,
          answer,
          (violations) => {
            this.#reportViolations('response', violations);
            done();
          },
          (error) => {
            this.#reportCheckFailure('response', encoding, error);
            done();
          },
        );
      },
    };
  }
}
