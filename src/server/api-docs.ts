/**
 * `/api/docs`: Swagger UI for the three APIs (its files served from here, never a CDN)
 * and the bundled documents at `/api/docs/<api>.json` and `.yaml`.
 * @module
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify as toYaml } from 'yaml';
import { apiNames, apis, type ApiName } from '../contract/apis.js';
import { bundledDocument } from '../contract/node.js';
import type { Exchange } from './exchange.js';
import { swaggerUiAssets, swaggerUiDir } from './swagger-ui-assets.js';

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

/**
 * The answerer of the docs paths: true when it answered `exchange` (GET or HEAD of a docs path).
 * Bodies are built once, the YAML forms on first request.
 */
export function apiDocs(): (exchange: Exchange) => boolean {
  const dir = swaggerUiDir();
  const files = new Map(Object.entries(swaggerUiAssets).map(([name, type]) => [name, { body: readFileSync(join(dir, name)), type }]));
  const html = page();
  const documents = new Map<string, () => { body: string; type: string }>();
  for (const api of apiNames) {
    const doc = servedDocument(api);
    documents.set(`${api}.json`, once(() => ({ body: JSON.stringify(doc), type: 'application/json' })));
    documents.set(`${api}.yaml`, once(() => ({ body: toYaml(doc), type: 'application/yaml; charset=utf-8' })));
  }
  const redirect = (exchange: Exchange, location: string) => {
    exchange.reply(302, 'text/plain; charset=utf-8', `Found: ${location}`, { location });
    return true;
  };

  return (exchange) => {
    const { pathname } = exchange;
    if ((exchange.req.method !== 'GET' && exchange.req.method !== 'HEAD') || (pathname !== '/' && !pathname.startsWith('/api/docs'))) return false;
    if (pathname === '/' || pathname === '/api/docs/') return redirect(exchange, '/api/docs');
    if (pathname === '/api/docs') {
      exchange.reply(200, 'text/html; charset=utf-8', html);
      return true;
    }
    const asset = pathname.startsWith('/api/docs/assets/') ? files.get(pathname.slice('/api/docs/assets/'.length)) : undefined;
    if (asset) {
      exchange.reply(200, asset.type, asset.body, { 'cache-control': 'public, max-age=3600' });
      return true;
    }
    const document = documents.get(pathname.slice('/api/docs/'.length))?.();
    if (document) {
      exchange.reply(200, document.type, document.body);
      return true;
    }
    return false;
  };
}

function once<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}
