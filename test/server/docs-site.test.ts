import { createServer, request, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docsSite } from '../../src/server/docs-site.js';
import { arrivalNow, Exchange, pathOf } from '../../src/server/exchange.js';
import { useServer } from '../helpers/server.js';
import { siteDir } from '../helpers/site.js';
import { apiNames } from '../helpers/spec.js';

/** A raw GET, so that the path reaches the server exactly as written (fetch would normalize `..`). */
function rawGet(url: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method: 'GET', path }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk)).on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject).end();
  });
}

describe('/docs on the reference server', () => {
  const server = useServer();

  it('redirects /docs to /docs/ and serves the landing page there', async () => {
    const redirect = await fetch(`${server.url}/docs`, { redirect: 'manual' });
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get('location')).toBe('/docs/');
    const landing = await fetch(`${server.url}/docs/`);
    expect(landing.status).toBe(200);
    expect(landing.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await landing.text()).toBe(readFileSync(join(siteDir, 'index.html'), 'utf8'));
  });

  it.each([
    ['api/lmi.html', 'text/html; charset=utf-8', 'no-cache'],
    ['assets/site.css', 'text/css; charset=utf-8', 'public, max-age=3600'],
    ['assets/redoc.standalone.js', 'text/javascript; charset=utf-8', 'public, max-age=3600'],
    ['assets/favicon.svg', 'image/svg+xml', 'public, max-age=3600'],
    ...apiNames.flatMap((api) => [
      [`specs/${api}/openapi.json`, 'application/json', 'no-cache'],
      [`specs/${api}/openapi.yaml`, 'application/yaml; charset=utf-8', 'no-cache'],
    ]),
  ])('serves %s as %s, cached as %s, revalidated by ETag', async (path, type, cache) => {
    const response = await fetch(`${server.url}/docs/${path}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(type);
    expect(response.headers.get('cache-control')).toBe(cache);
    expect(Buffer.from(await response.arrayBuffer()).equals(readFileSync(join(siteDir, path)))).toBe(true);
    const etag = response.headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await fetch(`${server.url}/docs/${path}`, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
  });

  it('answers HEAD with the headers and no body', async () => {
    const response = await fetch(`${server.url}/docs/index.html`, { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(Number(response.headers.get('content-length'))).toBe(readFileSync(join(siteDir, 'index.html')).byteLength);
  });

  it.each(['/docs/../package.json', '/docs/%2e%2e/package.json', '/docs/assets/..%2f..%2fpackage.json', '/docs/assets/%2e%2e%2f%2e%2e%2fpackage.json', '/docs/..%5c..%5cpackage.json', '/docs/%00index.html', '/docs/%zz', '/docs/.git/HEAD', '/docs/assets//site.css'])(
    'refuses %s without leaving the site',
    async (path) => {
      const { status, body } = await rawGet(server.url, path);
      expect(status).toBe(404);
      expect(body).not.toContain('"name": "sambakit"');
    },
  );

  it('answers 404 for a page the site does not have, and leaves other methods to the API routes', async () => {
    expect((await fetch(`${server.url}/docs/nope.html`)).status).toBe(404);
    expect((await fetch(`${server.url}/docs/`, { method: 'POST' })).status).toBe(404);
  });
});

describe('/docs before the site is built', () => {
  let server: Server;
  let url: string;
  const empty = mkdtempSync(join(tmpdir(), 'sambakit-no-site-'));
  beforeAll(async () => {
    const site = docsSite(empty);
    server = createServer((req, res) => {
      if (!site(new Exchange(req, res, pathOf(req.url), arrivalNow()))) res.writeHead(418).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address() as { port: number };
    url = `http://127.0.0.1:${address.port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(empty, { recursive: true, force: true });
  });

  it('says how to build it', async () => {
    const response = await fetch(`${url}/docs/`);
    expect(response.status).toBe(404);
    expect(await response.text()).toContain('npm run docs');
  });
});
