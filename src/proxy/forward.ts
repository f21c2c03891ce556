/**
 * One exchange through the proxy: the request goes to the target as it came (hop-by-hop headers
 * aside, Host set to the target's), the answer comes back as it came, and copies of both are
 * checked on the side. Bytes are written on before they are looked at (the checks wait in the
 * proxy's CheckQueue until the loop's pending I/O is done), and a stream moves at the pace of its
 * slower end: `pipe` stops reading the target while the client's socket is full.
 * @module
 */
import { randomUUID } from 'node:crypto';
import type { Agent, ClientRequest, IncomingMessage, RequestOptions, ServerResponse } from 'node:http';
import type { ApiName } from '../contract/apis.js';
import type { Violation } from '../validate/index.js';
import { violation } from '../validate/violations.js';
import { BodyCopy } from './body-copy.js';
import type { CheckQueue } from './check-queue.js';
import { decodeWhole, decodingTap, encodingOf } from './content-decoding.js';
import { checkRequest, checkResponse, operationFor, securityHeaders, streamValidatorFor, type OperationMatch } from './exchange-check.js';
import { forwardedHeaders } from './headers.js';
import { badGateway, gatewayTimeout, rejectInvalid } from './own-answers.js';
import { violationRecord, type Direction, type ExchangeFacts, type ProxyRecord, type UpstreamFault } from './records.js';
import { credentialsOf, withoutSecrets } from './secrets.js';
import type { TrafficSummary } from './summary.js';

export interface ForwardContext {
  api: ApiName;
  target: URL;
  /** The target's path without a trailing slash, put before every request path. */
  basePath: string;
  request: (options: RequestOptions) => ClientRequest;
  agent: Agent;
  strict: boolean;
  upstreamTimeoutMs: number;
  checkLimitBytes: number;
  /** Where checks wait for the forwarding work of the loop turn to be done. */
  checks: CheckQueue;
  summary: TrafficSummary;
  record: (record: ProxyRecord) => void;
}

/** Headers of a 429 worth keeping in its record: when to retry and the limits. */
const rateLimitHeader = /^(retry-after|x-ratelimit-.*|ratelimit.*)$/i;

function hasBody(req: IncomingMessage): boolean {
  return Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
}

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

/**
 * A head with no body bytes behind it yet (a stream whose first token is still to come) goes to
 * the client at once, as the target sent it: node:http would hold it until the first write. A head
 * that came with its body leaves with it, in one write.
 */
function sendHeadWithoutBody(answer: IncomingMessage, res: ServerResponse): void {
  if (answer.readableLength === 0 && !answer.complete && !res.destroyed) res.flushHeaders();
}

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
  let upstream: ClientRequest | undefined;
  res.once('close', () => {
    if (!res.writableFinished) {
      clientGone = true;
      upstream?.destroy();
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
    const failed = (error: unknown) => {
      reportUnchecked('request', `the check failed: ${error instanceof Error ? error.message : String(error)}`);
      done([]);
    };
    if (!match || !requestCopy) return done([]);
    if (requestCopy.overflowed) {
      reportUnchecked('request', `the body is larger than the check limit of ${ctx.checkLimitBytes} bytes`);
      return done([]);
    }
    try {
      const result = checkRequest(match, { url, headers: req.headers, body: requestCopy.bytes() });
      if (Array.isArray(result)) done(result);
      else result.then(done, failed);
    } catch (error) {
      failed(error);
    }
  };

  const send = (): ClientRequest => {
    const request = ctx.request({
      protocol: ctx.target.protocol,
      hostname: ctx.target.hostname,
      port: ctx.target.port,
      method,
      path,
      headers: forwardedHeaders(req.rawHeaders, ctx.target.host) as unknown as RequestOptions['headers'],
      setHost: false,
      agent: ctx.agent,
    });
    upstream = request;
    let answered = false;
    // The wait for the target's answer starts once the request is sent whole (a slow upload is the client's time).
    let timer: NodeJS.Timeout | undefined;
    request.once('finish', () => {
      if (answered) return;
      timer = setTimeout(() => {
        answered = true;
        reportFault('timeout', `no answer within ${ctx.upstreamTimeoutMs} ms; answered 504`);
        gatewayTimeout(res, match, ctx.upstreamTimeoutMs, requestId);
        over('response');
        request.destroy();
      }, ctx.upstreamTimeoutMs);
    });
    request.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (answered || clientGone) return;
      answered = true;
      const detail = error.code ?? error.message;
      reportFault('unreachable', `${detail}; answered 502`);
      badGateway(res, match, detail, requestId);
      over('response');
      // The client may still be sending its body: it is not wanted any more.
      req.unpipe(request);
      req.resume();
    });
    request.once('response', (answer) => {
      clearTimeout(timer);
      if (answered) return void answer.resume();
      answered = true;
      relay(answer);
    });
    return request;
  };

  const relay = (answer: IncomingMessage) => {
    upstreamRequestId = (answer.headers['x-request-id'] as string | undefined) ?? undefined;
    release();
    const status = answer.statusCode ?? 502;
    if (status === 429 || status >= 500) {
      const headers: Record<string, string> = {};
      for (let i = 0; i < answer.rawHeaders.length; i += 2) if (rateLimitHeader.test(answer.rawHeaders[i]!)) headers[answer.rawHeaders[i]!.toLowerCase()] = answer.rawHeaders[i + 1]!;
      reportFault('status', `the target answered ${status}`, { status, ...(Object.keys(headers).length ? { headers } : {}) });
    }
    res.writeHead(status, answer.statusMessage, forwardedHeaders(answer.rawHeaders));
    // Before `pipe`, so that it runs before the body already read starts to flow.
    process.nextTick(sendHeadWithoutBody, answer, res);
    answer.pipe(res);
    answer.on('error', () => {
      // An answer cut short: handled on 'close' below, where it is known for sure.
    });

    // The checker too is set up in the queue: with many streams starting at once, its set-up would
    // otherwise hold back the first bytes of every other stream read in the same loop turn.
    let observe: Observer | undefined;
    const lookAt = (chunk: Buffer) => observe?.push(chunk);
    if (match) {
      ctx.checks.add(() => (observe = responseObserver(match, answer, status)), undefined);
      // Added after `pipe`, so each chunk is written to the client before it is queued for a look.
      answer.on('data', (chunk: Buffer) => ctx.checks.add(lookAt, chunk));
    }
    answer.once('close', () => {
      const cut = !answer.complete;
      // Without the body's end (no last chunk), as the target left it.
      if (cut) res.destroy();
      if (clientGone) return;
      // Queued after the chunks, so that records keep the order of what went by.
      ctx.checks.add(() => {
        if (cut) reportFault('cut', 'the target closed the connection before the end of its answer; the client\'s answer is cut the same way', { status });
        if (observe) observe.end(() => over('response'));
        else over('response');
      }, undefined);
    });
  };

  /** Checks the answer as it goes by: a stream item by item, anything else whole at its end. */
  const responseObserver = (operation: OperationMatch, answer: IncomingMessage, status: number): Observer | undefined => {
    const contentType = answer.headers['content-type'];
    const encoding = encodingOf(answer.headers['content-encoding']);
    if (encoding === undefined) {
      reportUnchecked('response', `content-encoding ${answer.headers['content-encoding']} cannot be decoded for the check`);
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
        if (copy.overflowed) reportUnchecked('response', `the body is larger than the check limit of ${ctx.checkLimitBytes} bytes`);
        else guarded('response', () => reportViolations('response', checkResponse(operation, status, contentType, decodeWhole(copy.bytes(), encoding))));
        done();
      },
    };
  };

  if (ctx.strict && match) return holdThenSend(req, res, match, requestCopy!);
  // Forwarded at once; the copy is checked when the request has been read whole.
  const request = send();
  if (requestCopy && hasBody(req)) {
    const keep = (chunk: Buffer) => {
      if (!requestCopy.add(chunk)) {
        req.off('data', keep);
        requestCopy.take();
      }
    };
    req.pipe(request);
    req.on('data', keep);
  } else req.pipe(request);
  req.once('end', () => ctx.checks.add(checkTheRequest, undefined));

  /**
   * --strict: the request is read whole and checked before anything is sent, and refused in the
   * API's error shape when it breaks the spec. A body past the check limit goes on unchecked.
   */
  function holdThenSend(incoming: IncomingMessage, out: ServerResponse, operation: OperationMatch, copy: BodyCopy): void {
    const onData = (chunk: Buffer) => {
      if (copy.add(chunk)) return;
      incoming.off('data', onData).off('end', onEnd);
      const request = send();
      for (const held of copy.take()) request.write(held);
      request.write(chunk);
      incoming.pipe(request);
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
        send().end(copy.bytes());
      });
    incoming.on('data', onData).once('end', onEnd);
  }
}
