/**
 * One exchange through the proxy: the request goes to the target as it came (hop-by-hop headers
 * aside, Host set to the target's), the answer comes back as it came, and copies of both are
 * checked on the side. Bytes are written on before they are looked at (the checks wait in the
 * proxy's CheckQueue until the writes of the loop turn are done), and a stream moves at the pace of its
 * slower end: the target's connection is not read while the client's socket is full.
 *
 * The hop to the target is undici's `dispatch` with a raw handler: the answer's head and chunks come
 * as they are parsed, with no request object, answer stream or per-exchange listeners of node:http's
 * client, which cost the proxy about as much CPU as the whole exchange costs the target.
 * @module
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PassThrough, type Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { ApiName } from '../contract/apis.js';
import type { Violation } from '../validate/index.js';
import { violation } from '../validate/violations.js';
import type { BodyChecks } from './body-checks.js';
import { BodyCopy } from './body-copy.js';
import type { CheckQueue } from './check-queue.js';
import { decodingTap, encodingOf } from './content-decoding.js';
import { operationFor, securityHeaders, streamValidatorFor, type OperationMatch } from './exchange-check.js';
import { forwardedHeaders, rawHeader } from './headers.js';
import { badGateway, gatewayTimeout, rejectInvalid } from './own-answers.js';
import { violationRecord, type Direction, type ExchangeFacts, type ProxyRecord, type UpstreamFault } from './records.js';
import { credentialsOf, withoutSecrets } from './secrets.js';
import type { TrafficSummary } from './summary.js';
import { lostKeptConnection, type Upstream } from './upstream.js';

export interface ForwardContext {
  api: ApiName;
  target: URL;
  /** The target's path without a trailing slash, put before every request path. */
  basePath: string;
  /** The keep-alive connections to the target. */
  upstream: Upstream;
  strict: boolean;
  upstreamTimeoutMs: number;
  checkLimitBytes: number;
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

/** What looks at an answer's body as it goes by. */
interface Observer {
  push(chunk: Buffer): void;
  end(done: () => void): void;
}

/** undici calls this once the request is written whole (lib/core/request.js); its types leave it out. */
interface SentHook {
  onRequestSent(): void;
}

/** A request body: whole when it came with its head, else a stream of it. */
type RequestBody = Buffer | Readable | null;

export function forward(ctx: ForwardContext, req: IncomingMessage, res: ServerResponse): void {
  const requestId = randomUUID();
  const method = req.method ?? 'GET';
  const path = `${ctx.basePath}${pathOf(req.url ?? '/')}`;
  const url = new URL(path, ctx.target.origin);
  const match = operationFor(ctx.api, method, url);
  ctx.summary.request(match?.operationId ?? null);
  const secrets = credentialsOf(req.rawHeaders, match ? securityHeaders(match) : []);
  // The path without its query: a query may carry a key.
  const facts = { requestId, operation: match?.operationId ?? null, method, path: url.pathname };
  let upstreamRequestId: string | undefined;
  const at = (): ExchangeFacts => ({ time: new Date().toISOString(), ...facts, ...(upstreamRequestId ? { upstreamRequestId } : {}) });
  const report = (record: ProxyRecord) => {
    const safe = withoutSecrets(record, secrets);
    ctx.summary.count(safe);
    ctx.record(safe);
  };
  const reportViolations = (direction: Direction, violations: readonly Violation[]) => {
    for (const v of violations) report(violationRecord(at(), direction, v));
  };
  const reportFault = (fault: UpstreamFault, message: string, extra: { status?: number; headers?: Record<string, string> } = {}) =>
    report({ kind: 'upstream-fault', ...at(), fault, ...extra, message });
  const reportUnchecked = (direction: Direction, message: string) => report({ kind: 'unchecked', ...at(), direction, message });
  /** A check that throws is a bug of the checker, never a reason to stop the traffic. */
  const guarded = (direction: Direction, run: () => void) => {
    try {
      run();
    } catch (error) {
      reportUnchecked(direction, `the check failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  };

  if (!match) reportViolations('request', [violation('', 'operation', `an operation of the ${ctx.api} spec`, `${method} ${url.pathname}`)]);

  // The exchange is over when the client's answer has closed and both checks are done.
  const open = new Set<'request' | 'response' | 'client'>(['request', 'response', 'client']);
  const over = (part: 'request' | 'response' | 'client') => {
    if (part !== 'request') release();
    if (open.delete(part) && open.size === 0) ctx.summary.completed();
  };
  let clientGone = false;
  /** Stops the exchange with the target (set once undici has a connection for it). */
  let abortUpstream: ((reason: Error) => void) | undefined;
  res.once('close', () => {
    if (!res.writableFinished) {
      clientGone = true;
      abortUpstream?.(new Error('the client left'));
      // Nothing more will be checked for a client that left, once the checks of what it was sent are done.
      ctx.checks.add(() => {
        over('request');
        over('response');
        over('client');
      }, undefined);
      return;
    }
    over('client');
  });

  const requestCopy = match ? new BodyCopy(ctx.checkLimitBytes) : undefined;
  // Request violations wait for the target's answer head, so that their records carry its request id.
  let held: Violation[] | undefined = [];
  const release = () => {
    if (held === undefined) return;
    const violations = held;
    held = undefined;
    reportViolations('request', violations);
  };
  const checkTheRequest = (then?: ((violations: Violation[]) => void) | undefined) => {
    const done = (violations: Violation[]) => {
      if (held) held.push(...violations);
      else reportViolations('request', violations);
      over('request');
      then?.(violations);
    };
    const failed = (error: Error) => {
      reportUnchecked('request', `the check failed: ${error.message}`);
      done([]);
    };
    if (!match || !requestCopy) return done([]);
    if (requestCopy.overflowed) {
      reportUnchecked('request', `the body is larger than the check limit of ${ctx.checkLimitBytes} bytes`);
      return done([]);
    }
    ctx.bodyChecks.request(match, { url, headers: req.headers, body: requestCopy.bytes() }, done, failed);
  };

  const send = (body: RequestBody): void => {
    // A final answer was given: the target's head, or the proxy's own 502 or 504.
    let answered = false;
    let relayed = false;
    let sentAgain = false;
    let wrote = false;
    let resume: () => void = () => {};
    let timer: NodeJS.Timeout | undefined;
    let observe: Observer | undefined;
    const lookAt = (chunk: Buffer) => observe?.push(chunk);
    const answerEnded = (cut: boolean) => {
      // Without the body's end (no last chunk), as the target left it.
      if (cut) res.destroy();
      if (clientGone) return;
      // Queued after the chunks, so that records keep the order of what went by.
      ctx.checks.add(() => {
        if (cut) reportFault('cut', 'the target closed the connection before the end of its answer; the client\'s answer is cut the same way', { status: res.statusCode });
        if (observe) observe.end(() => over('response'));
        else over('response');
      }, undefined);
    };
    /**
     * A head with no body bytes behind it in the same read (a stream whose first token is still to
     * come) goes to the client at once: node:http would hold it until the first write. A head that
     * came with its body leaves with it, in one write.
     */
    const sendHeadWithoutBody = () => {
      if (!wrote && !res.destroyed) res.flushHeaders();
    };
    const handler: Dispatcher.DispatchHandler & SentHook = {
      onConnect(abort) {
        if (clientGone) abort(new Error('the client left'));
        abortUpstream = abort;
      },
      // The wait for the target's answer starts once the request is sent whole (a slow upload is the client's time).
      onRequestSent() {
        if (answered) return;
        timer = setTimeout(() => {
          answered = true;
          reportFault('timeout', `no answer within ${ctx.upstreamTimeoutMs} ms; answered 504`);
          gatewayTimeout(res, match, ctx.upstreamTimeoutMs, requestId);
          over('response');
          abortUpstream?.(new Error('upstream timeout'));
        }, ctx.upstreamTimeoutMs);
      },
      onHeaders(status, rawHeaders, resumeReading, statusText) {
        clearTimeout(timer);
        if (answered) return false;
        answered = relayed = true;
        resume = resumeReading;
        const raw = rawHeaders.map((b) => b.toString('latin1'));
        upstreamRequestId = rawHeader(raw, 'x-request-id');
        release();
        if (status === 429 || status >= 500) {
          const headers: Record<string, string> = {};
          for (let i = 0; i < raw.length; i += 2) if (rateLimitHeader.test(raw[i]!)) headers[raw[i]!.toLowerCase()] = raw[i + 1]!;
          reportFault('status', `the target answered ${status}`, { status, ...(Object.keys(headers).length ? { headers } : {}) });
        }
        res.writeHead(status, statusText, forwardedHeaders(raw));
        // The body read with the head, if any, is handed over before this runs.
        process.nextTick(sendHeadWithoutBody);
        // The checker too is set up in the queue: with many streams starting at once, its set-up would
        // otherwise hold back the first bytes of every other stream read in the same loop turn.
        if (match) ctx.checks.add(() => (observe = responseObserver(match, raw, status)), undefined);
        return true;
      },
      onData(chunk) {
        wrote = true;
        // Written first, then queued for a look.
        const more = res.write(chunk);
        if (match) ctx.checks.add(lookAt, chunk);
        if (!more && !res.destroyed) res.once('drain', resume);
        return more;
      },
      onComplete() {
        wrote = true;
        res.end();
        answerEnded(false);
      },
      onError(error: Error & { code?: string }) {
        clearTimeout(timer);
        if (relayed) return answerEnded(true);
        if (answered || clientGone) return;
        // A system error by its code (ECONNREFUSED), undici's own by what it says ("other side closed").
        const detail = error.code && !error.code.startsWith('UND_ERR_') ? error.code : error.message;
        // Closed by the target as it was reused, with no answer: sent once more when its body was held whole.
        if (!sentAgain && (body === null || Buffer.isBuffer(body)) && lostKeptConnection(error)) {
          sentAgain = true;
          reportFault('retried', `${detail} on a kept connection before any answer; sent again on a fresh connection`);
          return ctx.upstream.dispatchFresh(request, handler);
        }
        answered = true;
        reportFault('unreachable', `${detail}; answered 502`);
        badGateway(res, match, detail, requestId);
        over('response');
        // The client may still be sending its body: it is not wanted any more.
        if (body && !Buffer.isBuffer(body)) {
          req.unpipe(body as PassThrough);
          req.resume();
        }
      },
    };
    const request = { method, path, headers: forwardedHeaders(req.rawHeaders, ctx.target.host), body };
    ctx.upstream.dispatch(request, handler);
  };

  /** The rest of a request body as it comes, behind `first` (held chunks). */
  const streamOf = (first: readonly Buffer[]): PassThrough => {
    const body = new PassThrough();
    for (const chunk of first) body.write(chunk);
    req.pipe(body);
    return body;
  };

  /** Checks the answer as it goes by: a stream item by item, anything else whole at its end. */
  const responseObserver = (operation: OperationMatch, raw: readonly string[], status: number): Observer | undefined => {
    const contentType = rawHeader(raw, 'content-type');
    // Repeated Content-Encoding headers are one list of encodings, applied in turn.
    const encodings: string[] = [];
    for (let i = 0; i < raw.length; i += 2) if (raw[i]!.toLowerCase() === 'content-encoding') encodings.push(raw[i + 1]!);
    const contentEncoding = encodings.length ? encodings.join(', ') : undefined;
    const encoding = encodingOf(contentEncoding);
    if (encoding === undefined) {
      reportUnchecked('response', `content-encoding ${contentEncoding} cannot be decoded for the check`);
      return undefined;
    }
    let stream;
    try {
      stream = streamValidatorFor(operation, contentType);
    } catch (error) {
      reportUnchecked('stream', `the check failed: ${error instanceof Error ? error.message : String(error)}`);
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
          reportUnchecked('stream', `the check failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      };
      const finish = (done: () => void) => {
        guarded('stream', () => {
          if (failed) return;
          const result = validator.end();
          reportViolations('stream', result.violations);
          for (const item of result.errorItems) reportFault('stream-error', `in-stream error ${item.event === undefined ? '' : `event "${item.event}" `}at item ${item.index}`, { status });
        });
        done();
      };
      if (encoding === 'identity') return { push: pushDecoded, end: finish };
      const tap = decodingTap(encoding, pushDecoded, (error) => {
        failed = true;
        reportUnchecked('stream', `the ${encoding} body cannot be decoded: ${error.message}`);
      });
      return { push: tap.push, end: (done) => tap.end(() => finish(done)) };
    }
    const copy = new BodyCopy(ctx.checkLimitBytes);
    return {
      push: (chunk) => void copy.add(chunk),
      end: (done) => {
        if (copy.overflowed) {
          reportUnchecked('response', `the body is larger than the check limit of ${ctx.checkLimitBytes} bytes`);
          return done();
        }
        const answer = { status, contentType, encoding, body: copy.bytes() };
        ctx.bodyChecks.response(
          operation,
          answer,
          (violations) => {
            reportViolations('response', violations);
            done();
          },
          (error) => {
            reportUnchecked('response', `the check failed: ${error.message}`);
            done();
          },
        );
      },
    };
  };

  if (ctx.strict && match) return holdThenSend(req, res, match, requestCopy!);
  // A body that came in the same read as its head has been parsed by the next tick: when all the
  // bytes its Content-Length declares are there, it goes on whole (the same bytes, with less work
  // than a stream); any other is forwarded as it arrives. Its copy is checked when it has been read whole.
  process.nextTick(() => {
    if (req.headers['transfer-encoding'] === undefined && req.readableLength === Number(req.headers['content-length'] ?? 0)) {
      const body = req.readableLength > 0 ? (req.read() as Buffer) : null;
      // Read to its end, so that the listener knows the request was taken.
      req.resume();
      if (body && requestCopy && !requestCopy.add(body)) requestCopy.take();
      send(body);
      ctx.checks.add(checkTheRequest, undefined);
      return;
    }
    send(streamOf([]));
    if (requestCopy) {
      const keep = (chunk: Buffer) => {
        if (!requestCopy.add(chunk)) {
          req.off('data', keep);
          requestCopy.take();
        }
      };
      req.on('data', keep);
    }
    req.once('end', () => ctx.checks.add(checkTheRequest, undefined));
  });

  /**
   * --strict: the request is read whole and checked before anything is sent, and refused in the
   * API's error shape when it breaks the spec. A body past the check limit goes on unchecked.
   */
  function holdThenSend(incoming: IncomingMessage, out: ServerResponse, operation: OperationMatch, copy: BodyCopy): void {
    const onData = (chunk: Buffer) => {
      if (copy.add(chunk)) return;
      incoming.off('data', onData).off('end', onEnd);
      send(streamOf([...copy.take(), chunk]));
      checkTheRequest();
    };
    const onEnd = () =>
      checkTheRequest((violations) => {
        if (clientGone) return;
        if (violations.length > 0) {
          ctx.summary.rejected();
          rejectInvalid(out, operation, violations, requestId, incoming.headers['content-type']);
          return over('response');
        }
        const body = copy.bytes();
        send(body.byteLength > 0 ? body : null);
      });
    incoming.on('data', onData).once('end', onEnd);
  }
}
