/**
 * Compressed bodies, both ways: a gzip request is checked decoded, and what a body inflates to for
 * its check is capped by the check limit. A compression bomb (10 MB of zeros in 10 KB of gzip; 100 MB
 * in 100 KB, checked in the worker) is not inflated past the cap: it goes on unchanged with one
 * record saying it was not checked, and under --strict a request that does so is refused with 413
 * in the API's shape.
 */
import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { rawTarget, settled, withProxy, type TestProxy } from './helpers.js';

const key = 'sk-proxy-compressed-RECOGNISABLE-4d1b';
const chat = { model: 'Meta-Llama-3.3-70B-Instruct', messages: [{ role: 'user', content: 'hi' }], max_tokens: 8 };
const bomb = gzipSync(Buffer.alloc(10_000_000));
const limit = 1_000_000;

const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** The records about requests (the digest target's answers are no chat completions, and are recorded as such). */
const requestRecords = (proxy: TestProxy) => proxy.records.filter((r) => r.kind !== 'violation' || r.direction === 'request');

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** A target that answers each request with the digest of the body it got, as JSON. */
async function digestTarget(): Promise<{ url: string; bodies: Buffer[] }> {
  const bodies: Buffer[] = [];
  const target = await rawTarget((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      bodies.push(Buffer.concat(chunks));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ sha: sha(bodies.at(-1)!) }));
    });
  });
  closers.push(() => target.close());
  return { url: target.url, bodies };
}

async function proxyFor(url: string, options: Parameters<typeof withProxy>[2] = {}): Promise<TestProxy> {
  const proxy = await withProxy('sambanova-cloud', url, options);
  closers.push(() => proxy.close());
  return proxy;
}

const postGzip = (proxy: TestProxy, body: Buffer) =>
  fetch(`${proxy.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: new Uint8Array(body) });

/** A GET by node:http: the answer's bytes as they came (fetch would decode them). */
function rawGet(url: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; bytes: Buffer }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    httpRequest({ host: hostname, port, path, method: path.includes('chat') ? 'POST' : 'GET', headers: { authorization: `Bearer ${key}`, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode!, bytes: Buffer.concat(chunks) }));
    })
      .on('error', reject)
      .end();
  });
}

describe('compressed request bodies', () => {
  it('a gzip request is checked decoded: a valid one gives no record, an invalid one its violation; both reach the target compressed, byte for byte', async () => {
    const target = await digestTarget();
    const proxy = await proxyFor(target.url);
    const valid = gzipSync(JSON.stringify(chat));
    const invalid = gzipSync(JSON.stringify({ ...chat, temperature: 9 }));
    for (const body of [valid, invalid]) {
      const answer = await postGzip(proxy, body);
      expect(await answer.json()).toEqual({ sha: sha(body) });
    }
    await settled(proxy);
    expect(requestRecords(proxy).map((r) => (r.kind === 'violation' ? [r.kind, r.pointer, r.rule] : [r.kind]))).toEqual([['violation', '/body/temperature', 'maximum']]);
  });

  it('a gzip bomb request (10 MB of zeros in 10 KB) goes on unchanged, not inflated past the check limit, with one record', async () => {
    expect(bomb.length).toBeLessThan(20_000);
    const target = await digestTarget();
    const proxy = await proxyFor(target.url, { checkLimitBytes: limit });
    const answer = await postGzip(proxy, bomb);
    expect(await answer.json()).toEqual({ sha: sha(bomb) });
    await settled(proxy);
    expect(requestRecords(proxy)).toMatchObject([{ kind: 'unchecked', direction: 'request', operation: 'createChatCompletion', message: `not checked: the gzip body inflated past ${limit} bytes (the check limit); it went on unchanged` }]);
  });

  it('--strict: a request that inflates past the check limit is refused with 413 in the API\'s shape; the target never sees it', async () => {
    const target = await digestTarget();
    const proxy = await proxyFor(target.url, { strict: true, checkLimitBytes: limit });
    const refused = await postGzip(proxy, bomb);
    expect(refused.status).toBe(413);
    const body = (await refused.json()) as { error: { type: string; code: string; message: string }; request_id: string };
    expect(body.error).toEqual({ type: 'invalid_request_error', code: 'request_too_large', param: null, message: `Request too large: the body inflates past ${limit} bytes, more than the proxy checks (--check-limit).` });
    // A valid gzip request still goes on, on the same proxy.
    const valid = gzipSync(JSON.stringify(chat));
    expect(await (await postGzip(proxy, valid)).json()).toEqual({ sha: sha(valid) });
    expect(target.bodies).toEqual([valid]);
    await settled(proxy);
    expect(requestRecords(proxy)).toMatchObject([{ kind: 'unchecked', direction: 'request', requestId: body.request_id, message: `not checked: the gzip body inflated past ${limit} bytes (the check limit); answered 413 (--strict)` }]);
    expect(proxy.summary().rejected).toBe(1);
  });

  it('with the default limit, a bomb big enough to be checked in the worker (100 MB in 100 KB) is capped there too', async () => {
    const big = gzipSync(Buffer.alloc(100_000_000));
    const target = await digestTarget();
    const proxy = await proxyFor(target.url, { strict: true });
    const refused = await postGzip(proxy, big);
    expect(refused.status).toBe(413);
    await refused.text();
    await settled(proxy);
    expect(requestRecords(proxy)).toMatchObject([{ kind: 'unchecked', message: 'not checked: the gzip body inflated past 26214400 bytes (the check limit); answered 413 (--strict)' }]);
    expect(target.bodies).toEqual([]);
  });

  it('a request in an encoding the proxy cannot decode goes on unchecked, and says so', async () => {
    const target = await digestTarget();
    const proxy = await proxyFor(target.url, { strict: true });
    const body = Buffer.from('(:zstd frame:)');
    const answer = await fetch(`${proxy.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'content-encoding': 'zstd' }, body });
    expect(await answer.json()).toEqual({ sha: sha(body) });
    await settled(proxy);
    expect(requestRecords(proxy)).toMatchObject([{ kind: 'unchecked', direction: 'request', message: 'content-encoding zstd cannot be decoded for the check' }]);
  });
});

describe('compressed answers', () => {
  async function bombTarget(contentType: string) {
    const target = await rawTarget((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': contentType, 'content-encoding': 'gzip', 'content-length': bomb.length });
      res.end(bomb);
    });
    closers.push(() => target.close());
    return proxyFor(target.url, { checkLimitBytes: limit });
  }

  it('a gzip bomb answer reaches the client as sent, with one record that it was not checked', async () => {
    const proxy = await bombTarget('application/json');
    const { status, bytes } = await rawGet(proxy.url, '/v1/models', { 'accept-encoding': 'gzip' });
    expect(status).toBe(200);
    expect(bytes.equals(bomb)).toBe(true);
    await settled(proxy);
    expect(proxy.records).toMatchObject([{ kind: 'unchecked', direction: 'response', operation: 'listModels', message: `not checked: the gzip body inflated past ${limit} bytes (the check limit); it went on unchanged` }]);
  });

  it('a gzip bomb stream: decoding for the check stops at the limit, the stream reaches the client as sent, one record', async () => {
    const proxy = await bombTarget('text/event-stream');
    const { status, bytes } = await rawGet(proxy.url, '/v1/chat/completions', { 'accept-encoding': 'gzip', 'content-type': 'application/json' });
    expect(status).toBe(200);
    expect(bytes.equals(bomb)).toBe(true);
    await settled(proxy);
    const records = proxy.records.filter((r) => r.kind !== 'violation' || r.direction !== 'request');
    expect(records).toMatchObject([{ kind: 'unchecked', direction: 'stream', message: `not checked: the gzip body inflated past ${limit} bytes (the check limit); it went on unchanged` }]);
  });
});
