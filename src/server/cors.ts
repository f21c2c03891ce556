/**
 * CORS, so that a page on another origin can call the server: the allowed origin (all, or a list)
 * on every answer, the headers a client may read, and preflights answered for the API's headers.
 * @module
 */
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import { controlHeaders } from './spec-request.js';

const allowedHeaders = ['authorization', 'content-type', 'key', 'x-api-key', 'anthropic-version', 'ss-sn-options', ...Object.values(controlHeaders)].join(',');
const exposedHeaders = ['x-request-id', 'retry-after', 'x-ratelimit-limit-requests', 'x-ratelimit-remaining-requests', 'x-ratelimit-reset-requests'].join(',');
const allowedMethods = 'GET,HEAD,PUT,POST,DELETE,PATCH';

export interface CorsPolicy {
  /** The headers every answer to `req` carries. */
  headers(req: IncomingMessage): OutgoingHttpHeaders;
  /** A preflight's headers, or undefined when `req` is not one. */
  preflight(req: IncomingMessage): OutgoingHttpHeaders | undefined;
}

/** `*` for any origin, a list of origins, or false for no CORS headers at all. */
export function corsPolicy(origins: readonly string[] | '*' | false): CorsPolicy | undefined {
  if (origins === false) return undefined;
  const listed = origins === '*' ? undefined : new Set(origins);
  // A fresh object each time: the answer's other headers are added to it.
  const allowOrigin = (req: IncomingMessage): OutgoingHttpHeaders => {
    if (!listed) return { 'access-control-allow-origin': '*', 'access-control-expose-headers': exposedHeaders };
    const origin = req.headers.origin;
    return origin !== undefined && listed.has(origin)
      ? { 'access-control-allow-origin': origin, vary: 'Origin', 'access-control-expose-headers': exposedHeaders }
      : { vary: 'Origin', 'access-control-expose-headers': exposedHeaders };
  };
  return {
    headers: allowOrigin,
    preflight: (req) =>
      req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined
        ? { ...allowOrigin(req), 'access-control-allow-methods': allowedMethods, 'access-control-allow-headers': allowedHeaders, 'access-control-max-age': '600' }
        : undefined,
  };
}
