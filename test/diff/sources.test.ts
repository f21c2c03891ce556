import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffDocuments } from '../../src/diff/diff.js';
import { DiffInputError } from '../../src/diff/errors.js';
import { loadSpec } from '../../src/diff/load.js';
import { apiNames, bundled, repoRoot } from '../helpers/spec.js';
import { useServer } from '../helpers/server.js';

const cwd = repoRoot;
// Commits of this repository that edited spec/ (CI clones main with its whole history).
const firstSpec = 'ea766b74add9b68e8b039386bd5fda652e0ccd75';
const violationReceivedOptional = 'e660d931032ad286e0e850572ecbef2769a1faf7';
const cloudSurface = 'bcf265e2aaedd03f6fdead2b8757b9827cdf470b';

async function diff(oldSource: string, newSource: string, api?: string) {
  const [a, b] = await Promise.all([loadSpec(oldSource, { cwd, api }), loadSpec(newSource, { cwd, api })]);
  return diffDocuments(a.document, b.document);
}

async function inputError(source: string, options: { api?: string } = {}): Promise<string> {
  const error = await loadSpec(source, { cwd, ...options }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DiffInputError);
  return (error as Error).message;
}

// Bundling and git reads are slow on a loaded machine: generous limits, no timing asserted.
describe('split files and git revisions', { timeout: 180_000 }, () => {
  it.each(apiNames)('%s: the split spec/ root resolves to the same document as generated/ (no findings either way)', async (api) => {
    const fromSplit = (await loadSpec(`spec/${api}.yaml`, { cwd })).document;
    expect(diffDocuments(fromSplit, bundled(api)).findings).toEqual([]);
    expect(diffDocuments(bundled(api), fromSplit).findings).toEqual([]);
  });

  it('a real edit of this spec: Violation.received stopped being required, which breaks every Cloud error response that carries violations', async () => {
    const result = await diff(`git:${firstSpec}:spec/sambanova-cloud.yaml`, `git:${violationReceivedOptional}:spec/sambanova-cloud.yaml`);
    expect(result.findings.length).toBeGreaterThan(0);
    expect(new Set(result.findings.map((f) => f.rule))).toEqual(new Set(['response-property-became-optional']));
    expect(result.findings.every((f) => f.breaking && f.location.endsWith('error.violations[].received') && f.operation?.operationId === 'createChatCompletion')).toBe(true);
    expect(result.findings[0]).toMatchObject({ old: '/components/schemas/Violation/required', new: '/components/schemas/Violation/properties/received' });
  });

  it('a real edit of this spec: the Cloud surface (nine paths, each in its own file at that commit) only adds', async () => {
    const result = await diff(`git:${violationReceivedOptional}:spec/sambanova-cloud.yaml`, `git:${cloudSurface}:spec/sambanova-cloud.yaml`);
    expect(result.breaking).toBe(0);
    expect(result.findings.map((f) => `${f.rule} ${f.operation?.method} ${f.operation?.path}`).sort()).toEqual(
      [
        'GET /models',
        'GET /models/{model_id}',
        'POST /audio/transcriptions',
        'POST /audio/translations',
        'POST /completions',
        'POST /embeddings',
        'POST /messages',
        'POST /messages/count_tokens',
        'POST /responses',
      ].map((op) => `path-added ${op}`).sort(),
    );
  });

  it('a git source resolves its $refs at its revision, not from the work tree', async () => {
    const atFirst = (await loadSpec(`git:${firstSpec}:spec/sambanova-cloud.yaml`, { cwd })).document;
    expect(Object.keys(atFirst.paths as object)).toEqual(['/chat/completions']);
    const violation = (atFirst as any).components.schemas.Violation;
    expect(violation.required).toEqual(['path', 'rule', 'expected', 'received']);
  });

  it('bad input is a DiffInputError naming the culprit', async () => {
    expect(await inputError('git:no-such-ref:spec/lmi.yaml')).toBe(`git:no-such-ref: unknown git revision "no-such-ref" (not a branch, tag or commit of ${repoRoot.replace(/\/$/, '')})`);
    expect(await inputError(`git:${firstSpec}:spec/no-such.yaml`)).toBe(`git:${firstSpec}:spec/no-such.yaml: no such file at ${firstSpec}`);
    expect(await inputError('git:HEAD')).toMatch(/^git:HEAD: a git source is git:REF:path/);
    expect(await inputError('no/such/spec.yaml')).toBe('no/such/spec.yaml: cannot read (no such file)');
    expect(await inputError('README.md')).toMatch(/^README.md: not valid YAML or JSON: .* at line \d+, column \d+$/);
    expect(await inputError('package.json')).toBe('package.json: not an OpenAPI document (no "openapi" version field at the top)');

    const dir = mkdtempSync(join(tmpdir(), 'sambakit-diff-'));
    writeFileSync(join(dir, 'swagger.yaml'), 'swagger: "2.0"\ninfo: {title: t, version: "1"}\npaths: {}\n');
    expect(await inputError(join(dir, 'swagger.yaml'))).toMatch(/Swagger 2.0 is not supported, only OpenAPI 3.0 and 3.1$/);
    writeFileSync(join(dir, 'list.yaml'), '- a\n- b\n');
    expect(await inputError(join(dir, 'list.yaml'))).toMatch(/not an OpenAPI document \(expected a mapping at the top, got a list\)$/);
    writeFileSync(join(dir, 'dangling.yaml'), 'openapi: 3.1.0\ninfo: {title: t, version: "1"}\npaths:\n  /a:\n    $ref: paths/missing.yaml\n');
    expect(await inputError(join(dir, 'dangling.yaml'))).toBe(
      `${join(dir, 'dangling.yaml')}: cannot resolve $ref 'paths/missing.yaml' at ${join(dir, 'dangling.yaml')}#/paths/~1a: ${join(dir, 'paths/missing.yaml')}: cannot read (no such file)`,
    );
    writeFileSync(join(dir, 'broken-ref.yaml'), 'openapi: 3.1.0\ninfo: {title: t, version: "1"}\npaths:\n  /a:\n    $ref: "#/components/pathItems/Nope"\n');
    expect(await inputError(join(dir, 'broken-ref.yaml'))).toMatch(/: cannot resolve \$ref '#\/components\/pathItems\/Nope' at .*broken-ref.yaml#\/paths\/~1a$/);
    expect(await inputError('git:HEAD:spec')).toBe('git:HEAD:spec: a tree at HEAD, not a file');
  });
});

describe('URLs and Swagger UI pages of the reference server', { timeout: 180_000 }, () => {
  const server = useServer();

  it('the bundled document at /api/docs/<api>.json (and .yaml) is the generated one apart from its servers', async () => {
    for (const api of apiNames) {
      const served = await loadSpec(`${server.url}/api/docs/${api}.json`);
      expect(diffDocuments(bundled(api), served.document).findings).toEqual([]);
    }
    expect(diffDocuments(bundled('lmi'), (await loadSpec(`${server.url}/api/docs/lmi.yaml`)).document).findings).toEqual([]);
  });

  it('/api/docs lists three specs: --api picks one by file name or by title, and without it the error lists the choices', async () => {
    expect((await diff('spec/sambanova-cloud.yaml', `${server.url}/api/docs`, 'sambanova-cloud')).findings).toEqual([]);
    expect((await diff('spec/lmi.yaml', `${server.url}/api/docs`, 'DJL LMI')).findings).toEqual([]);
    const loaded = await loadSpec(`${server.url}/api/docs`, { api: 'sambastudio' });
    expect(loaded.label).toBe(`${server.url}/api/docs -> ${server.url}/api/docs/sambastudio.json`);
    expect(await inputError(`${server.url}/api/docs`)).toBe(
      `${server.url}/api/docs: the page lists 3 specs; pick one with --api: sambastudio ("SambaStudio"), sambanova-cloud ("SambaNova Cloud"), lmi ("DJL LMI")`,
    );
    expect(await inputError(`${server.url}/api/docs`, { api: 'openai' })).toMatch(/--api openai is not among the specs the page lists: sambastudio/);
  });

  it('a comparison with the live host finds what changed: the served LMI spec against the Cloud file', async () => {
    const result = await diff('spec/sambanova-cloud.yaml', `${server.url}/api/docs`, 'lmi');
    expect(result.findings.some((f) => f.rule === 'path-removed' && f.operation?.path === '/embeddings')).toBe(true);
  });

  it('a URL that answers an error or nothing is a DiffInputError naming the URL', async () => {
    expect(await inputError(`${server.url}/api/docs/nope.json`)).toBe(`${server.url}/api/docs/nope.json: HTTP 404 Not Found`);
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    expect(await inputError(`http://127.0.0.1:${port}/openapi.json`)).toBe(`http://127.0.0.1:${port}/openapi.json: could not fetch (ECONNREFUSED)`);
  });
});

describe('other Swagger UI pages', { timeout: 180_000 }, () => {
  // Pages as other frameworks write them, served over real HTTP with the reference spec behind them.
  const spec = JSON.stringify(bundled('lmi'));
  const pages: Record<string, { body: string; type: string }> = {
    '/fastapi/docs': { type: 'text/html', body: `<!DOCTYPE html><html><body><div id="swagger-ui"></div><script src="https://cdn.example/swagger-ui-bundle.js"></script><script>const ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui' })</script></body></html>` },
    '/dist/index.html': { type: 'text/html', body: `<!DOCTYPE html><html><body><div id="swagger-ui"></div><script src="./swagger-ui-bundle.js"></script><script src="./swagger-initializer.js"></script></body></html>` },
    '/dist/swagger-ui-bundle.js': { type: 'text/javascript', body: 'window.SwaggerUIBundle = function () {};' },
    '/dist/swagger-initializer.js': { type: 'text/javascript', body: `window.onload = function() {\n  window.ui = SwaggerUIBundle({\n    url: "../openapi.json",\n    dom_id: '#swagger-ui',\n  });\n};` },
    '/springdoc/swagger-ui/index.html': { type: 'text/html', body: `<html><body><script>window.ui = SwaggerUIBundle({ configUrl: "/springdoc/api-docs/swagger-config", dom_id: '#swagger-ui' })</script></body></html>` },
    '/springdoc/api-docs/swagger-config': { type: 'application/json', body: JSON.stringify({ configUrl: '/springdoc/api-docs/swagger-config', urls: [{ url: '/openapi.json', name: 'lmi' }, { url: '/other.json', name: 'other' }] }) },
    '/blank': { type: 'text/html', body: '<html><body>nothing here</body></html>' },
    '/openapi.json': { type: 'application/json', body: spec },
  };
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      const page = pages[new URL(req.url!, 'http://x').pathname];
      res.writeHead(page ? 200 : 404, { 'content-type': page?.type ?? 'text/plain' }).end(page?.body ?? 'not found');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('an inline url (FastAPI), an initializer script (swagger-ui-dist) and a configUrl (springdoc) all lead to the spec', async () => {
    expect((await loadSpec(`${base}/fastapi/docs`)).label).toBe(`${base}/fastapi/docs -> ${base}/openapi.json`);
    expect((await loadSpec(`${base}/dist/index.html`)).label).toBe(`${base}/dist/index.html -> ${base}/openapi.json`);
    expect((await loadSpec(`${base}/springdoc/swagger-ui/index.html`, { api: 'lmi' })).label).toBe(`${base}/springdoc/swagger-ui/index.html -> ${base}/openapi.json`);
    expect((await diff('spec/lmi.yaml', `${base}/fastapi/docs`)).findings).toEqual([]);
  });

  it('a page that names no spec is a clear error', async () => {
    expect(await inputError(`${base}/blank`)).toBe(`${base}/blank: an HTML page that names no spec (no Swagger UI url or urls found)`);
  });
});

describe('a host behind basic auth', { timeout: 180_000 }, () => {
  // A staging host whose docs, scripts and spec all ask for the credentials the URL carries.
  const password = 'pa55:w0rd/SECRET';
  const expected = `Basic ${Buffer.from(`ci:${password}`).toString('base64')}`;
  const pages: Record<string, { body: string; type: string }> = {
    '/api/docs': { type: 'text/html', body: '<html><body><script src="./docs/init.js"></script></body></html>' },
    '/api/docs/init.js': { type: 'text/javascript', body: 'SwaggerUIBundle({ url: "docs/lmi.json", dom_id: "#ui" })' },
    '/api/docs/lmi.json': { type: 'application/json', body: JSON.stringify(bundled('lmi')) },
  };
  let server: Server;
  let host: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.headers.authorization !== expected) return void res.writeHead(401, { 'www-authenticate': 'Basic realm="staging"' }).end();
      const page = pages[new URL(req.url!, 'http://x').pathname];
      res.writeHead(page ? 200 : 404, { 'content-type': page?.type ?? 'text/plain' }).end(page?.body ?? 'not found');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('sends the credentials of the URL to the page, its script and its spec, and shows them nowhere', async () => {
    const url = `http://ci:${encodeURIComponent(password)}@${host}/api/docs`;
    const loaded = await loadSpec(url);
    expect(loaded.label).toBe(`http://***@${host}/api/docs -> http://***@${host}/api/docs/lmi.json`);
    expect(diffDocuments(bundled('lmi'), loaded.document).findings).toEqual([]);
    const refused = await inputError(`http://ci:wrong-SECRET@${host}/api/docs`);
    expect(refused).toBe(`http://***@${host}/api/docs: HTTP 401 Unauthorized`);
    expect(await inputError(`http://token-SECRET@${host}/api/docs/lmi.json`)).not.toContain('SECRET');
  });
});
