/**
 * The only answers the proxy writes itself, in the API's own error shape (the reference server's
 * renderer, so a client parses them as it parses the service's): a request refused under --strict,
 * and 502/504 when the target cannot be reached or does not answer in time.
 * @module
 */
import type { ServerResponse } from 'node:http';
import { errorStyleFor, invalidRequestProblem, type Problem } from '../server/error-styles.js';
import { unacceptedMediaType } from '../server/request-body.js';
import type { Violation } from '../validate/index.js';
import type { OperationMatch } from './exchange-check.js';

function send(res: ServerResponse, match: OperationMatch | undefined, problem: Problem, requestId: string): void {
  if (res.headersSent || res.destroyed) return;
  // A path that is no operation of the spec has no error shape: plain text, as gateways answer.
  const rendered = match
    ? errorStyleFor({ api: match.api, operationId: match.operationId, errorSchema: match.validators.operation.errorSchema }).render(problem, requestId)
    : { status: problem.status ?? 502, contentType: 'text/plain; charset=utf-8', body: problem.message };
  res.writeHead(rendered.status, { 'content-type': rendered.contentType, 'content-length': Buffer.byteLength(rendered.body), 'x-request-id': requestId });
  res.end(rendered.body);
}

/**
 * --strict: the request breaks the spec; answered as the API answers an invalid request (400, 422 or
 * 424), or, when its media type is the fault, with the reference server's 415.
 */
export function rejectInvalid(res: ServerResponse, match: OperationMatch, violations: Violation[], requestId: string, contentType: string | undefined): void {
  const wrongMediaType = violations.find((v) => v.path === '/body' && v.rule === 'mediaType');
  const problem: Problem = wrongMediaType
    ? { kind: 'media_type', status: 415, message: unacceptedMediaType(contentType, match.validators.operation.request.mediaTypes) }
    : invalidRequestProblem(violations);
  send(res, match, problem, requestId);
}

/** 502: the target refused or dropped the connection before answering. */
export function badGateway(res: ServerResponse, match: OperationMatch | undefined, detail: string, requestId: string): void {
  send(res, match, { kind: 'server', status: 502, message: `Bad gateway: the target did not answer (${detail}).` }, requestId);
}

/** 504: no response headers within the upstream timeout. */
export function gatewayTimeout(res: ServerResponse, match: OperationMatch | undefined, timeoutMs: number, requestId: string): void {
  send(res, match, { kind: 'server', status: 504, message: `Gateway timeout: the target sent no answer within ${timeoutMs} ms.` }, requestId);
}
