/**
 * `/api/docs`: Swagger UI for the three APIs (served from the swagger-ui-dist package, never a CDN)
 * and the bundled documents at `/api/docs/<api>.json` and `.yaml`.
 * @module
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Hono } from 'hono';
import { stringify as toYaml } from 'yaml';
import { apiNames, apis, bundledDocument, isApiName, type ApiName } from '../spec/apis.js';

const assets: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

function swaggerUiDir(): string {
  return dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
}

/**
 * The document as served here: the bundled spec with this server first in `servers`, so that
 * "Try it out" reaches the reference server; the vendor's own servers follow.
 */
export function servedDocument(api: ApiName): Record<string, unknown> {
  const doc = bundledDocument(api);
  const local = { url: apis[api].mount || '/', description: 'This sambakit reference server' };
  return { ...doc, servers: [local, ...((doc.servers as unknown[]) ?? [])] };
}

function page(): string {
  const urls = apiNames.map((api) => ({ url: `/api/docs/${api}.json`, name: apis[api].title }));
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>sambakit API docs</title>
<link rel="stylesheet" href="/api/docs/assets/swagger-ui.css">
<link rel="icon" type="image/png" href="/api/docs/assets/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/api/docs/assets/swagger-ui-bundle.js"></script>
<script src="/api/docs/assets/swagger-ui-standalone-preset.js"></script>
<script>
window.ui = SwaggerUIBundle({
  urls: ${JSON.stringify(urls)},
  'urls.primaryName': ${JSON.stringify(apis.sambastudio.title)},
  queryConfigEnabled: true,
  dom_id: '#swagger-ui',
  deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
  layout: 'StandaloneLayout',
});
</script>
</body>
</html>
`;
}

export function apiDocs(): Hono {
  const app = new Hono();
  const dir = swaggerUiDir();
  const files = new Map(Object.entries(assets).map(([name, type]) => [name, { body: readFileSync(join(dir, name)), type }]));
  const html = page();
  const documents = new Map(apiNames.map((api) => [api, servedDocument(api)]));

  app.get('/api/docs', (c) => c.html(html));
  app.get('/api/docs/', (c) => c.redirect('/api/docs'));
  app.get('/api/docs/assets/:name', (c) => {
    const file = files.get(c.req.param('name'));
    if (!file) return c.notFound();
    return c.body(file.body, 200, { 'content-type': file.type, 'cache-control': 'public, max-age=3600' });
  });
  app.get('/api/docs/:file{[a-z-]+\\.(?:json|yaml)}', (c) => {
    const file = c.req.param('file');
    const api = file.replace(/\.(json|yaml)$/, '');
    if (!isApiName(api)) return c.notFound();
    const doc = documents.get(api)!;
    return file.endsWith('.json')
      ? c.json(doc)
      : c.body(toYaml(doc), 200, { 'content-type': 'application/yaml; charset=utf-8' });
  });
  return app;
}
