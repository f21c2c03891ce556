/** The reference server as a Web-standard fetch handler (Hono). @module */
import { Hono } from 'hono';
import { apiDocs } from './api-docs.js';

export interface AppOptions {
  /** Where log lines go; one per request. */
  log?: (line: string) => void;
}

export function createApp(options: AppOptions = {}): Hono {
  const app = new Hono();
  const log = options.log;
  if (log) {
    app.use(async function requestLog(c, next) {
      const started = performance.now();
      await next();
      log(`${c.req.method} ${new URL(c.req.url).pathname} ${c.res.status} ${(performance.now() - started).toFixed(1)}ms`);
    });
  }
  app.get('/', (c) => c.redirect('/api/docs'));
  app.route('/', apiDocs());
  app.onError((error, c) => {
    log?.(`error: ${error instanceof Error ? error.message : String(error)}`);
    return c.text('Internal Server Error', 500);
  });
  return app;
}
