import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiNames, bundled } from '../helpers/spec.js';
import { withServer } from '../helpers/server.js';

describe('/api/docs on the reference server', () => {
  let server: Awaited<ReturnType<typeof withServer>>;
  beforeAll(async () => {
    server = await withServer();
  });
  afterAll(() => server.close());

  it('serves the Swagger UI page, with its assets from this server (no CDN)', async () => {
    const response = await fetch(`${server.url}/api/docs`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    const html = await response.text();
    const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(sources.length).toBeGreaterThanOrEqual(3);
    for (const source of sources) {
      expect(source.startsWith('/api/docs/assets/'), source).toBe(true);
      const asset = await fetch(`${server.url}${source}`);
      expect(asset.status, source).toBe(200);
      expect((await asset.arrayBuffer()).byteLength, source).toBeGreaterThan(500);
    }
    for (const api of apiNames) expect(html).toContain(`/api/docs/${api}.json`);
  });

  it.each(apiNames)('serves the bundled %s document as JSON and YAML, with this server first in servers', async (api) => {
    const json = await fetch(`${server.url}/api/docs/${api}.json`);
    expect(json.status).toBe(200);
    expect(json.headers.get('content-type')).toMatch(/application\/json/);
    const doc = (await json.json()) as Record<string, any>;
    const original = bundled(api);
    expect(doc.paths).toEqual(original.paths);
    expect(doc.components).toEqual(original.components);
    expect(doc.servers[0].description).toMatch(/sambakit reference server/);
    expect(doc.servers.slice(1)).toEqual(original.servers ?? []);

    const yaml = await fetch(`${server.url}/api/docs/${api}.yaml`);
    expect(yaml.headers.get('content-type')).toMatch(/application\/yaml/);
    expect(parseYaml(await yaml.text())).toEqual(doc);
  });

  it.each(apiNames)('routes every %s operation at the first server of its served document, as Swagger UI try-it calls it', async (api) => {
    const doc = (await (await fetch(`${server.url}/api/docs/${api}.json`)).json()) as Record<string, any>;
    const base = new URL(doc.servers[0].url, server.url);
    for (const [path, item] of Object.entries<Record<string, any>>(doc.paths)) {
      for (const method of ['get', 'post', 'put', 'delete', 'patch'].filter((m) => item[m])) {
        // Swagger UI joins the server URL and the path as written, with parameters filled in.
        const url = `${base.origin}${base.pathname.replace(/\/$/, '')}${path.replace(/\{[^}]+\}/g, 'p')}`;
        const response = await fetch(url, {
          method: method.toUpperCase(),
          headers: { authorization: 'Bearer k', key: 'k', 'x-api-key': 'k', 'content-type': 'application/json' },
          body: method === 'get' ? undefined : '{}',
        });
        const body = await response.text();
        expect(response.status, `${method} ${url}`).not.toBe(405);
        expect(body, `${method} ${url}`).not.toContain('No route');
        expect(response.headers.get('x-request-id'), `${method} ${url}`).toBeTruthy();
      }
    }
  });

  it('answers 404 for an unknown document or asset', async () => {
    expect((await fetch(`${server.url}/api/docs/nope.json`)).status).toBe(404);
    expect((await fetch(`${server.url}/api/docs/assets/nope.js`)).status).toBe(404);
  });

  it('logs one line per request', async () => {
    const before = server.lines.length;
    await fetch(`${server.url}/api/docs/lmi.json`);
    expect(server.lines.slice(before)).toEqual([expect.stringMatching(/^GET \/api\/docs\/lmi\.json 200 [\d.]+ms$/)]);
  });
});
