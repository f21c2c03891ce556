/**
 * `sambakit/validate/fastify`: a Fastify plugin checking requests (and, in development, responses)
 * against the SambaStudio, SambaNova Cloud and LMI specs. A request that breaks the spec gets the
 * API's own error body and status, as the real service would answer it.
 *
 * ```ts
 * await app.register(validation, { responses: 'reject' });
 * ```
 * It applies to the whole app (not only the plugin's scope), and parses JSON bodies itself on the
 * API's routes, so that malformed JSON is answered in the API's error shape too.
 * @module
 */
import { Transform } from 'node:stream';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { OperationValidators } from '../contract/operation.js';
import { checkJsonResponse, checkRequest, isJson, parseJson, rejection, resolveOptions, responseRejection, streamCheck, type ValidationMiddlewareOptions, type ViolationReport } from './middleware/core.js';
import type { Violation } from './violations.js';

export type { ValidationMiddlewareOptions, ViolationReport, CheckMode } from './middleware/core.js';

const matched = Symbol('sambakit operation');
const malformed = Symbol('sambakit malformed JSON');
type Tagged = FastifyRequest & { [matched]?: { validators: OperationValidators; params: Record<string, string> }; [malformed]?: Violation };

const plugin: FastifyPluginAsync<ValidationMiddlewareOptions> = async (app, options) => {
  const resolved = resolveOptions(options);
  const report = (request: Tagged, kind: ViolationReport['kind'], violations: Violation[], status?: number) => {
    const { validators } = request[matched]!;
    resolved.onViolation({ kind, api: validators.api as ViolationReport['api'], operationId: validators.operation.operationId, method: request.method, url: request.url, ...(status === undefined ? {} : { status }), violations });
  };

  app.addHook('onRequest', async (request: Tagged) => {
    const found = resolved.find(request.method, request.url);
    if (found) request[matched] = found;
  });

  // Malformed JSON on an API route is the API's own error (Fastify's parser would answer in its shape).
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request: Tagged, text, done) => {
    const parsed = parseJson(text as string);
    if (parsed.ok) return done(null, parsed.body);
    if (!request[matched]) return done(Object.assign(new Error(`Body is not valid JSON: ${String(parsed.violation.received)}`), { statusCode: 400 }), undefined);
    request[malformed] = parsed.violation;
    done(null, undefined);
  });

  app.addHook('preHandler', async (request: Tagged, reply: FastifyReply) => {
    const found = request[matched];
    if (!found || resolved.requests === 'off') return;
    const url = new URL(request.url, 'http://localhost');
    const contentType = request.headers['content-type'];
    const violations = request[malformed]
      ? [request[malformed]]
      : checkRequest(found.validators, { body: request.body, bodyRead: true, contentType, params: found.params, query: url.searchParams, headers: request.headers }, resolved.limits);
    if (violations.length === 0) return;
    report(request, 'request', violations);
    if (resolved.requests === 'reject') {
      const rendered = rejection(found.validators, violations);
      return reply.code(rendered.status).type(rendered.contentType).send(rendered.body);
    }
  });

  app.addHook('onSend', async (request: Tagged, reply: FastifyReply, payload: unknown) => {
    const found = request[matched];
    if (!found || resolved.responses === 'off') return payload;
    const contentType = reply.getHeader('content-type')?.toString();
    const stream = streamCheck(found.validators, contentType, resolved.limits);
    if (stream) {
      if (typeof payload === 'string' || Buffer.isBuffer(payload)) {
        stream.push(payload.toString());
        const result = stream.end();
        if (!result.valid) report(request, 'stream', result.violations, reply.statusCode);
        return payload;
      }
      if (!isReadable(payload)) return payload;
      // Each chunk is checked as it passes; the verdict comes with the end of the stream.
      return payload.pipe(
        new Transform({
          transform(chunk: Buffer | string, _encoding, callback) {
            stream.push(typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
            callback(null, chunk);
          },
          flush(callback) {
            const result = stream.end();
            if (!result.valid) report(request, 'stream', result.violations, reply.statusCode);
            callback();
          },
        }),
      );
    }
    if (!isJson(contentType) || (typeof payload !== 'string' && !Buffer.isBuffer(payload))) return payload;
    const parsed = parseJson(payload.toString());
    const violations = parsed.ok ? checkJsonResponse(found.validators, reply.statusCode, contentType, parsed.body, resolved.limits) : [parsed.violation];
    if (violations.length === 0) return payload;
    report(request, 'response', violations, reply.statusCode);
    if (resolved.responses !== 'reject') return payload;
    const rendered = responseRejection(found.validators, violations);
    reply.code(rendered.status).header('content-type', rendered.contentType);
    return rendered.body;
  });
};

function isReadable(value: unknown): value is NodeJS.ReadableStream {
  return typeof (value as NodeJS.ReadableStream | null)?.pipe === 'function';
}

// Fastify's way (what fastify-plugin sets) to make the hooks apply to the whole app, not a child scope.
(plugin as unknown as Record<symbol, unknown>)[Symbol.for('skip-override')] = true;

export const validation = plugin;
