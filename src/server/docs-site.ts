/**
 * `/docs`: the docs site `npm run docs` builds into `site/` (Redoc pages, guides, bundled specs),
 * served as files. Only files inside the site folder are answered: the path is decoded once,
 * `..` and dot-files are refused, and the resolved file must still lie under the folder. Pages and
 * documents are revalidated by ETag; assets may be cached for an hour.
 * @module
 */
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Exchange } from './exchange.js';

/** Where `npm run docs` writes the site, from src/server and from dist/server alike. */
export const defaultSiteDir = fileURLToPath(new URL('../../site/', import.meta.url));

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.yaml': 'application/yaml; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

const notBuilt = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Docs site not built</title></head>
<body><h1>The docs site is not built</h1><p>Run <code>npm run docs</code> (<code>npm start</code> does it), then open this page again. Swagger UI is at <a href="/api/docs">/api/docs</a>.</p></body></html>
`;

/** The answerer of `/docs` paths: true when it answered `exchange`. */
export function docsSite(siteDir: string = defaultSiteDir): (exchange: Exchange) => boolean {
  const root = resolve(siteDir);
  return (exchange) => {
    const { pathname } = exchange;
    if (pathname !== '/docs' && !pathname.startsWith('/docs/')) return false;
    const method = exchange.req.method;
    if (method !== 'GET' && method !== 'HEAD') return false;
    if (pathname === '/docs') {
      exchange.reply(301, 'text/plain; charset=utf-8', 'Moved: /docs/', { location: '/docs/' });
      return true;
    }
    void answer(exchange, root, pathname.slice('/docs/'.length));
    return true;
  };
}

async function answer(exchange: Exchange, root: string, encoded: string): Promise<void> {
  const file = siteFile(root, encoded);
  const found = file ? await stat(file).then((s) => (s.isFile() ? s : undefined), () => undefined) : undefined;
  if (!file || !found) {
    const built = await stat(join(root, 'index.html')).then(() => true, () => false);
    if (built) exchange.reply(404, 'text/plain; charset=utf-8', `No such page in the docs site: /docs/${encoded}`);
    else exchange.reply(404, 'text/html; charset=utf-8', notBuilt);
    return;
  }
  const etag = `"${found.size.toString(36)}-${Math.floor(found.mtimeMs).toString(36)}"`;
  const cacheControl = encoded.startsWith('assets/') ? 'public, max-age=3600' : 'no-cache';
  const headers = { etag, 'cache-control': cacheControl };
  if (exchange.req.headers['if-none-match'] === etag) {
    exchange.res.writeHead(304, { ...exchange.responseHeaders, ...headers });
    exchange.res.end();
    return;
  }
  const body = await readFile(file).catch(() => undefined);
  if (!body) {
    exchange.reply(404, 'text/plain; charset=utf-8', `No such page in the docs site: /docs/${encoded}`);
    return;
  }
  exchange.reply(200, contentTypes[extname(file)] ?? 'application/octet-stream', body, headers);
}

/** The file a path under `/docs/` names, or undefined when it is malformed or would leave the site. */
function siteFile(root: string, encoded: string): string | undefined {
  let path: string;
  try {
    path = decodeURIComponent(encoded);
  } catch {
    return undefined;
  }
  if (path === '' || path.endsWith('/')) path += 'index.html';
  const segments = path.split('/');
  if (path.includes('\0') || path.includes('\\') || segments.some((s) => s === '' || s.startsWith('.'))) return undefined;
  const file = resolve(root, ...segments);
  return file.startsWith(root + sep) ? file : undefined;
}
