/**
 * The only answers the proxy writes itself, in the API's own error shape (the reference server's
 * renderer, so a client parses them as it parses the service's): a request refused under --strict,
 * a body --strict held that did not come whole in time (408), and 502/504 when the target cannot be
 * reached or does not answer in time. Each is the bytes of a
 * whole HTTP/1.1 answer, for the client's connection.
 * @module
 */
import { STATUS_CODES } from 'node:http';
import { errorStyleFor, invalidRequestProblem, type Problem } from '../server/error-styles.js';
import { unacceptedMediaType } from '../server/request-body.js';
import type { Violation } from '../validate/index.js';
import type { OperationMatch } from './exchange-check.js';

/** An answer of the proxy's own; `close` ends the client's connection after it (a 502 or 504: the target connection is gone). */
function render(match: OperationMatch | undefined, problem: Problem, requestId: string, close: boolean): Buffer {
  // A path that is no operation of the spec has no error shape: plain text, as gateways answer.
  const rendered = match
    ? errorStyleFor({ api: match.api, operationId: match.operationId, errorSchema: match.validators.operation.errorSchema }).render(problem, requestId)
    : { status: problem.status ?? 502, contentType: 'text/plain; charset=utf-8', body: problem.message };
  const body = Buffer.from(rendered.body);
  const head =
    `HTTP/1.1 ${rendered.status} ${STATUS_CODES[rendered.status] ?? ''}\r\n` +
    `content-type: ${rendered.contentType}\r\ncontent-length: ${body.byteLength}\r\nx-request-id: ${requestId}\r\ndate: ${new Date().toUTCString()}\r\n` +
    `connection: ${close ? 'close' : 'keep-alive'}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}

/**
 * --strict: the request breaks the spec; answered as the API answers an invalid request (400, 422 or
 * 424), or, when its media type is the fault, with the reference server's 415.
 */
export function rejectInvalid(match: OperationMatch, violations: Violation[], requestId: string, contentType: string | undefined, close: boolean): Buffer {
  const wrongMediaType = violations.find((v) => v.path === '/body' && v.rule === 'mediaType');
  const problem: Problem = wrongMediaType
    ? { kind: 'media_type', status: 415, message: unacceptedMediaType(contentType, match.validators.operation.request.mediaTypes) }
    : invalidRequestProblem(violations);
  return render(match, problem, requestId, close);
}

/** 502: the target refused or dropped the connection before answering. */
export function badGateway(match: OperationMatch | undefined, detail: string, requestId: string): Buffer {
  return render(match, { kind: 'server', status: 502, message: `Bad gateway: the target did not answer (${detail}).` }, requestId, true);
}

/** 504: no response headers within the upstream timeout. */
export function gatewayTimeout(match: OperationMatch | undefined, timeoutMs: number, requestId: string): Buffer {
  return render(match, { kind: 'server', status: 504, message: `Gateway timeout: the target sent no answer within ${timeoutMs} ms.` }, requestId, true);
}

/** 408: a body held whole under --strict did not come whole within the body timeout; the connection closes after it. */
export function requestTimeout(match: OperationMatch, timeoutMs: number, requestId: string): Buffer {
  return render(match, { kind: 'request_timeout', message: `Request timeout: the request body did not come whole within ${timeoutMs} ms.` }, requestId, true);
}

/** 413 (--strict): a compressed body inflates past the check limit, so it cannot be checked (a compression bomb, or a body too big to check). */
export function tooLargeToCheck(match: OperationMatch, limit: number, requestId: string, close: boolean): Buffer {
  return render(match, { kind: 'too_large', message: `Request too large: the body inflates past ${limit} bytes, more than the proxy checks (--check-limit).` }, requestId, close);
}
