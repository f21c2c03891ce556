/**
 * `sambakit/validate/express`: Express middleware checking requests (and, in development,
 * responses) against the SambaStudio, SambaNova Cloud and LMI specs. A request that breaks the spec
 * gets the API's own error body and status, as the real service would answer it.
 *
 * ```ts
 * app.use(express.json(), validation({ responses: 'reject' }));
 * ```
 * Without a body parser before it, it reads JSON bodies itself (and leaves them on `req.body`).
 * @module
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { checkJsonResponse, checkRequest, isJson, parseJson, rejection, resolveOptions, responseRejection, streamCheck, type ResolvedOptions, type ValidationMiddlewareOptions, type ViolationReport } from './middleware/core.js';
import type { OperationValidators } from '../contract/operation.js';
import type { StreamValidator } from './stream.js';

export type { ValidationMiddlewareOptions, ViolationReport, CheckMode } from './middleware/core.js';

export function validation(options: ValidationMiddlewareOptions = {}): RequestHandler {
  const resolved = resolveOptions(options);
  return async (req: Request, res: Response, next: NextFunction) => {
    const found = resolved.find(req.method, req.originalUrl);
    if (!found) return next();
    const { validators, params } = found;
    const report = (kind: ViolationReport['kind'], violations: ViolationReport['violations'], status?: number) =>
      resolved.onViolation({ kind, api: validators.api as ViolationReport['api'], operationId: validators.operation.operationId, method: req.method, url: req.originalUrl, ...(status === undefined ? {} : { status }), violations });

    if (resolved.requests !== 'off') {
      const contentType = req.headers['content-type'];
      let body: unknown = req.body;
      let bodyRead = body !== undefined || !hasBody(req);
      if (!bodyRead && isJson(contentType) && req.readable && !req.readableDidRead) {
        const parsed = parseJson(await readText(req));
        if (!parsed.ok) {
          report('request', [parsed.violation]);
          if (resolved.requests === 'reject') return send(res, rejection(validators, [parsed.violation]));
          return next();
        }
        body = req.body = parsed.body;
        bodyRead = true;
      }
      const url = new URL(req.originalUrl, 'http://localhost');
      const violations = checkRequest(validators, { body, bodyRead, contentType, params, query: url.searchParams, headers: req.headers }, resolved.limits);
      if (violations.length) {
        report('request', violations);
        if (resolved.requests === 'reject') return send(res, rejection(validators, violations));
      }
    }
    if (resolved.responses !== 'off') watchResponse(res, validators, resolved, report);
    next();
  };
}

function hasBody(req: Request): boolean {
  return req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0');
}

async function readText(req: Request): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: Response, rendered: { status: number; contentType: string; body: string }) {
  res.status(rendered.status).type(rendered.contentType).send(rendered.body);
}

/**
 * Checks what the handler sends: a JSON body given whole to `end` (as `res.json`/`res.send` do) before
 * it goes out, a streamed body item by item as it is written (nothing buffered).
 */
function watchResponse(res: Response, validators: OperationValidators, resolved: ResolvedOptions, report: (kind: ViolationReport['kind'], violations: ViolationReport['violations'], status?: number) => void) {
  const write = res.write.bind(res) as (...args: unknown[]) => boolean;
  const end = res.end.bind(res) as (...args: unknown[]) => Response;
  let stream: StreamValidator | undefined;
  let started = false;
  const contentType = () => res.getHeader('content-type')?.toString();
  const toText = (chunk: unknown, encoding: unknown) => (typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString(typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8') : '');
  res.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (!started) {
      started = true;
      stream = streamCheck(validators, contentType(), resolved.limits);
    }
    if (stream && chunk != null) stream.push(toText(chunk, rest[0]));
    return write(chunk, ...rest);
  }) as Response['write'];
  res.end = ((chunk?: unknown, ...rest: unknown[]) => {
    if (!started) {
      started = true;
      stream = streamCheck(validators, contentType(), resolved.limits);
      // The whole body in one call: checked before it goes out.
      if (!stream && isJson(contentType()) && chunk != null && typeof chunk !== 'function') {
        const parsed = parseJson(toText(chunk, rest[0]));
        const violations = parsed.ok ? checkJsonResponse(validators, res.statusCode, contentType(), parsed.body, resolved.limits) : [parsed.violation];
        if (violations.length) {
          report('response', violations, res.statusCode);
          if (resolved.responses === 'reject') {
            const rendered = responseRejection(validators, violations);
            res.statusCode = rendered.status;
            res.removeHeader('etag');
            res.setHeader('content-type', rendered.contentType);
            res.setHeader('content-length', Buffer.byteLength(rendered.body));
            return end(rendered.body);
          }
        }
      }
    }
    if (stream) {
      if (chunk != null && typeof chunk !== 'function') stream.push(toText(chunk, rest[0]));
      const result = stream.end();
      if (!result.valid) report('stream', result.violations, res.statusCode);
    }
    return end(chunk, ...rest);
  }) as Response['end'];
}
