/** The reference server as a Web-standard fetch handler (Hono). @module */
import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { apiDocs } from './api-docs.js';
import { errorStyleFor } from './error-styles.js';
import { operationTable } from './operations/index.js';
import { resolveServerOptions, type ServerOptions } from './options.js';
import { buildRoutes, matchPath, nearestRoute, type Route } from './routes.js';
import { controlHeaders, registerSpecRoutes, type OperationTable } from './spec-routes.js';

export interface AppOptions extends ServerOptions {
  /** Handlers by API and operationId; the built-in fake-model handlers by default. */
  operations?: OperationTable;
}

export function createApp(options: AppOptions = {}): Hono {
  const resolved = resolveServerOptions(options);
  const app = new Hono();
  const log = resolved.log;
  if (log) {
    app.use(async function requestLog(c, next) {
      const started = performance.now();
      await next();
      const id = c.res.headers.get('x-request-id');
      log(`${c.req.method} ${new URL(c.req.url).pathname} ${c.res.status} ${(performance.now() - started).toFixed(1)}ms${id ? ` ${id}` : ''}`);
    });
  }
  if (resolved.cors !== false) {
    app.use(
      cors({
        origin: resolved.cors === '*' ? '*' : [...resolved.cors],
        allowHeaders: ['authorization', 'content-type', 'key', 'x-api-key', 'anthropic-version', 'ss-sn-options', ...Object.values(controlHeaders)],
        exposeHeaders: ['x-request-id', 'retry-after', 'x-ratelimit-limit-requests', 'x-ratelimit-remaining-requests', 'x-ratelimit-reset-requests'],
      }),
    );
  }
  app.get('/', (c) => c.redirect('/api/docs'));
  app.route('/', apiDocs());

  const routes = buildRoutes(resolved.apis);
  registerSpecRoutes(app, routes, options.operations ?? operationTable, resolved);
  app.notFound((c) => notFound(c.req.method, new URL(c.req.url).pathname, routes));
  app.onError((error, c) => {
    log?.(`error: ${c.req.method} ${new URL(c.req.url).pathname}: ${error instanceof Error ? error.message : String(error)}`);
    return c.text('Internal Server Error', 500);
  });
  return app;
}

/**
 * 405 when the path exists under another method; otherwise 404 naming the route the caller most
 * likely meant (the vendor's own OpenAI example puts `/chat/completions` inside base_url, which
 * doubles it). Either way in the error shape of the API the path belongs to.
 */
function notFound(method: string, pathname: string, routes: readonly Route[]): Response {
  const samePath = routes.filter((r) => matchPath(r, pathname));
  const nearest = samePath[0] ? { route: samePath[0], suggestion: pathname } : nearestRoute(routes, pathname);
  if (!nearest) return new Response(JSON.stringify({ error: { message: `No route ${method} ${pathname}. See /api/docs.`, type: 'invalid_request_error', code: 'not_found' } }), { status: 404, headers: { 'content-type': 'application/json' } });
  const style = errorStyleFor(nearest.route);
  let rendered;
  let headers: Record<string, string> = {};
  if (samePath.length > 0) {
    const allowed = [...new Set(samePath.map((r) => r.method))].join(', ');
    headers = { allow: allowed };
    rendered = style.render({ kind: 'method_not_allowed', message: `${method} is not allowed on ${pathname}; use ${allowed}.` }, crypto.randomUUID());
  } else {
    const doubled = /\/chat\/completions\/chat\/completions$/.test(pathname);
    const hint = doubled ? ' Your base URL seems to include `/chat/completions`: end it at the endpoint (…/v1/<project>/<endpoint>), the client adds the rest.' : '';
    rendered = style.render(
      { kind: 'not_found', message: `No route ${method} ${pathname}. Did you mean ${nearest.route.method} ${nearest.suggestion} (${nearest.route.operationId})?${hint}` },
      crypto.randomUUID(),
    );
  }
  return new Response(rendered.body, { status: rendered.status, headers: { 'content-type': rendered.contentType, ...headers } });
}
