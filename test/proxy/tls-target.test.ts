/**
 * An https target, as a user points the proxy at a real host: real TLS to the target (the reference
 * server behind a TLS terminator with the test CA's certificate), SNI sent, the certificate verified
 * (a private CA trusted with `targetCa`), streams item by item with their checks, and a certificate
 * that fails answered 502 in the API's error shape with a record saying why, the proxy going on.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { readTargetCa } from '../../src/proxy/index.js';
import { useServer } from '../helpers/server.js';
import { rawTarget, settled, tlsFixtures, tlsTerminator, withProxy } from './helpers.js';

const server = useServer({ checkResponses: 'off' });
const ca = readTargetCa(fileURLToPath(new URL('ca.pem', tlsFixtures)));
const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});
afterAll(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function terminated(target: string, cert?: 'localhost' | 'wrong-host') {
  const tls = await tlsTerminator(target, cert);
  closers.push(() => tls.close());
  return tls;
}

const chatBody = (extra: Record<string, unknown> = {}) => JSON.stringify({ model: 'Meta-Llama-3.3-70B-Instruct', messages: [{ role: 'user', content: 'hi' }], max_tokens: 8, ...extra });
const chat = (url: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
  fetch(`${url}/cloud/v1/chat/completions`, { method: 'POST', headers: { authorization: 'Bearer sk-tls', 'content-type': 'application/json', ...headers }, body: chatBody(extra) });

describe('an https target', () => {
  it('with its CA trusted: exchanges and streams go through TLS, checked, with the host name sent for SNI', async () => {
    const tls = await terminated(server.url);
    const proxy = await withProxy('sambanova-cloud', `https://localhost:${tls.port}`, { targetCa: ca });
    closers.push(() => proxy.close());

    const answer = await chat(proxy.url);
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { object: string }).object).toBe('chat.completion');
    const stream = await chat(proxy.url, { stream: true });
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(await stream.text()).toMatch(/data: \[DONE\]\n\n$/);
    // The checks run on what came through TLS: an invalid request and a broken stream item are recorded.
    const invalid = await chat(proxy.url, { temperature: 9 });
    expect(invalid.status).toBe(400);
    await invalid.text();
    const broken = await chat(proxy.url, { stream: true }, { 'x-sambakit-fault': 'malformed-item' });
    await broken.text();
    await settled(proxy);
    // A rejected request is described in the check worker: its record may come after the next exchange's.
    expect(proxy.violations().map((v) => [v.direction, v.pointer, v.rule]).sort()).toEqual([
      ['request', '/body/temperature', 'maximum'],
      ['stream', '/items/2', 'json'],
    ]);
    expect(proxy.faults()).toEqual([]);
    expect(tls.servernames.length).toBeGreaterThan(0);
    expect(new Set(tls.servernames)).toEqual(new Set(['localhost']));
  });

  it('an IP address target is verified against the certificate\'s IP names (no SNI, as TLS wants for an address)', async () => {
    const tls = await terminated(server.url);
    const proxy = await withProxy('sambanova-cloud', `https://127.0.0.1:${tls.port}`, { targetCa: ca });
    closers.push(() => proxy.close());
    const answer = await chat(proxy.url);
    expect(answer.status).toBe(200);
    await answer.text();
    expect(new Set(tls.servernames)).toEqual(new Set([false]));
  });

  it('streams item by item through TLS: the client has the first item before the target sends the second', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const target = await rawTarget((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: {"n":1}\n\n');
      void released.then(() => res.end('data: {"n":2}\n\ndata: [DONE]\n\n'));
    });
    closers.push(() => target.close());
    const tls = await terminated(target.url);
    const proxy = await withProxy('sambanova-cloud', `https://localhost:${tls.port}`, { targetCa: ca });
    closers.push(() => proxy.close());
    const response = await fetch(`${proxy.url}/x`);
    const reader = response.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('data: {"n":1}\n\n');
    release();
    let rest = '';
    for (let read = await reader.read(); !read.done; read = await reader.read()) rest += new TextDecoder().decode(read.value);
    expect(rest).toBe('data: {"n":2}\n\ndata: [DONE]\n\n');
  });

  it('a certificate of a CA not trusted is a 502 in the API\'s error shape and a record naming why; the proxy goes on', async () => {
    const tls = await terminated(server.url);
    const proxy = await withProxy('sambanova-cloud', `https://localhost:${tls.port}`);
    closers.push(() => proxy.close());
    for (let i = 0; i < 2; i++) {
      const answer = await chat(proxy.url);
      expect(answer.status).toBe(502);
      expect(answer.headers.get('connection')).toBe('close');
      const body = (await answer.json()) as { error: { message: string; type: string }; request_id: string };
      expect(body.error.type).toBe('server_error');
      expect(body.error.message).toMatch(/^Bad gateway: the target did not answer \(TLS: the target's certificate was refused \(UNABLE_TO_VERIFY_LEAF_SIGNATURE: .*--target-ca FILE or set NODE_EXTRA_CA_CERTS\)\.$/);
      expect(body.request_id).toBe(answer.headers.get('x-request-id'));
    }
    await settled(proxy);
    const faults = proxy.faults();
    expect(faults.map((f) => f.fault)).toEqual(['unreachable', 'unreachable']);
    expect(faults[0]!.message).toMatch(/^TLS: the target's certificate was refused \(UNABLE_TO_VERIFY_LEAF_SIGNATURE/);
  });

  it('a certificate for another name is a 502 naming the mismatch', async () => {
    const tls = await terminated(server.url, 'wrong-host');
    const proxy = await withProxy('sambanova-cloud', `https://localhost:${tls.port}`, { targetCa: ca });
    closers.push(() => proxy.close());
    const answer = await chat(proxy.url);
    expect(answer.status).toBe(502);
    expect(((await answer.json()) as { error: { message: string } }).error.message).toMatch(/ERR_TLS_CERT_ALTNAME_INVALID: Hostname\/IP does not match certificate's altnames/);
    await settled(proxy);
    expect(proxy.faults()[0]!.message).toMatch(/^TLS: the target's certificate was refused \(ERR_TLS_CERT_ALTNAME_INVALID/);
  });

  it('https to a port that speaks plain HTTP is a 502 naming the failed handshake', async () => {
    const proxy = await withProxy('sambanova-cloud', `https://127.0.0.1:${server.port}`, { targetCa: ca });
    closers.push(() => proxy.close());
    const answer = await chat(proxy.url);
    expect(answer.status).toBe(502);
    expect(((await answer.json()) as { error: { message: string } }).error.message).toMatch(/^Bad gateway: the target did not answer \(TLS: the handshake with the target failed \(EPROTO: wrong version number\)\)\.$/);
  });

  it('readTargetCa names the file and what is wrong with it', () => {
    expect(() => readTargetCa('/nonexistent/ca.pem')).toThrow(/^--target-ca \/nonexistent\/ca\.pem: ENOENT/);
    const key = fileURLToPath(new URL('localhost.key', tlsFixtures));
    expect(() => readTargetCa(key)).toThrow(`--target-ca ${key}: no PEM certificate in it`);
  });
});
