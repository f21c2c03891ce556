/**
 * The reference server as a Node request listener: CORS, the spec routes with their pipeline, the
 * docs, and 404/405 naming what the caller probably meant; a log line per request.
 * @module
 */
import type { RequestListener, ServerResponse } from 'node:http';
import { apiDocs } from './api-docs.js';
import { baseUrlHints, describeHints } from './base-url-hints.js';
import { corsPolicy } from './cors.js';
import { docsSite } from './docs-site.js';
import { errorStyleFor } from './error-styles.js';
import { arrivalNow, Exchange, pathOf } from './exchange.js';
import { operationTable } from './operations/index.js';
import { resolveServerOptions, type ServerOptions } from './options.js';
import { buildRoutes, matchPath, nearestRoute, RouteTable, type Route } from './routes.js';
import { planSliceableArrays } from './sliceable-arrays.js';
import { SpecRequest } from './spec-request.js';
import { routeSetups, startPipeline, type OperationTable } from './spec-routes.js';
import { uuid } from './uuid.js';

export interface AppOptions extends ServerOptions {
  /** Handlers by API and operationId; the built-in fake-model handlers by default. */
  operations?: OperationTable;
}

/** The reference server as a Node request listener, for `http.createServer` (startServer uses it). */
export function createRequestListener(options: AppOptions = {}): RequestListener {
  const resolved = resolveServerOptions(options);
  const { log } = resolved;
  const cors = corsPolicy(resolved.cors);
  const docs = apiDocs();
  const site = docsSite();
  const table = new RouteTable(buildRoutes(resolved.apis));
  // Work a route's first request would otherwise do in its turn, done before anything is served.
  planSliceableArrays(table.routes, resolved.checkResponses !== 'off');
  const setups = routeSetups(table.routes, options.operations ?? operationTable, resolved);
  const logWhenClosed = log && requestLogger(log);

  return function sambakit(req, res) {
    const arrival = arrivalNow();
    const method = req.method ?? 'GET';
    const pathname = pathOf(req.url);
    const found = table.find(method, pathname);
    const headers = cors?.headers(req);
    // One object per request: a spec route's request is the exchange the pipeline grows on.
    const exchange = found ? new SpecRequest(setups.get(found.route)!, found.params, req, res, pathname, arrival, headers) : new Exchange(req, res, pathname, arrival, headers, resolved.apiKey);
    logWhenClosed?.(exchange);
    if (exchange instanceof SpecRequest) {
      startPipeline(exchange);
      return;
    }
    const preflight = cors?.preflight(req);
    if (preflight) {
      res.writeHead(204, preflight);
      res.end();
      return;
    }
    if (docs(exchange) || site(exchange)) return;
    notFound(exchange, method, table.routes);
  };
}

/**
 * Logs each request's line when its response closes, with one listener function for all of them
 * (found again by its response): an open stream holds no closure of its own, nor `once`'s wrapper.
 */
function requestLogger(log: (line: string) => void): (exchange: Exchange) => void {
  const exchanges = new WeakMap<ServerResponse, Exchange>();
  function closed(this: ServerResponse): void {
    const exchange = exchanges.get(this);
    if (!exchange) return;
    exchanges.delete(this);
    const id = exchange.responseHeaders['x-request-id'];
    // No head went out: the client left, or a timeout or parse error ended the request (Node's own 408 or 400, not this response's default 200).
    const status = this.headersSent ? this.statusCode : 'closed';
    log(`${exchange.req.method ?? 'GET'} ${exchange.redact(exchange.pathname)} ${status} ${(performance.now() - exchange.arrival.monotonicMs).toFixed(1)}ms${id ? ` ${String(id)}` : ''}`);
  }
  return (exchange) => {
    exchanges.set(exchange.res, exchange);
    exchange.res.on('close', closed);
  };
}

/**
 * 405 when the path exists under another method; otherwise 404 naming the route the caller most
 * likely meant (the vendor's own OpenAI example puts `/chat/completions` inside base_url, which
 * doubles it). Either way in the error shape of the API the path belongs to.
 */
function notFound(exchange: Exchange, method: string, routes: readonly Route[]): void {
  const { pathname } = exchange;
  const samePath = routes.filter((r) => matchPath(r, pathname));
  const doubled = /\/chat\/completions\/chat\/completions$/.test(pathname);
  const hints = samePath.length > 0 || doubled ? [] : baseUrlHints(routes, pathname);
  const nearest = samePath[0] ? { route: samePath[0], suggestion: pathname } : nearestRoute(routes, pathname);
  // A wrong base URL names the route the SDK meant, which the nearest path by segments may not be.
  const meant = hints.length > 0 && !hints.some((hint) => hint.route === nearest?.route) ? { route: hints[0]!.route, suggestion: hints[0]!.route.template } : nearest;
  const requestId = uuid();
  exchange.responseHeaders['x-request-id'] = requestId;
  const baseHint = hints.length > 0 ? ` ${describeHints(hints, `http://${exchange.req.headers.host ?? 'HOST:PORT'}`)}` : '';
  if (!meant) {
    exchange.reply(404, 'application/json', JSON.stringify({ error: { message: `No route ${method} ${pathname}. See /api/docs.${baseHint}`, type: 'invalid_request_error', code: 'not_found' } }));
    return;
  }
  const style = errorStyleFor(meant.route);
  let rendered;
  let headers: Record<string, string> | undefined;
  if (samePath.length > 0) {
    const allowed = [...new Set(samePath.map((r) => r.method))].join(', ');
    headers = { allow: allowed };
    rendered = style.render({ kind: 'method_not_allowed', message: `${method} is not allowed on ${pathname}; use ${allowed}.` }, requestId);
  } else {
    const hint = doubled ? ' Your base URL seems to include `/chat/completions`: end it at the endpoint (…/v1/<project>/<endpoint>), the client adds the rest.' : baseHint;
    rendered = style.render(
      { kind: 'not_found', message: `No route ${method} ${pathname}. Did you mean ${meant.route.method} ${meant.suggestion} (${meant.route.operationId})?${hint}` },
      requestId,
    );
  }
  exchange.reply(rendered.status, rendered.contentType, rendered.body, headers);
}
