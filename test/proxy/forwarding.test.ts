/**
 * What crosses the proxy is what was sent: method, path, query, headers (hop-by-hop aside, Host
 * set to the target's), request and answer bodies byte for byte (multipart uploads included), and
 * streams item by item as they come, at the pace of the slower end.
 */
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { PortInUseError } from '../../src/server/port-in-use.js';
import { heldBack, pump, rawTarget, settled, withProxy, type Pump, type TestProxy } from './helpers.js';

const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function pair(handler: Parameters<typeof rawTarget>[0], base = ''): Promise<{ proxy: TestProxy; target: Awaited<ReturnType<typeof rawTarget>> }> {
  const target = await rawTarget(handler);
  closers.push(() => target.close());
  const proxy = await withProxy('sambanova-cloud', `${target.url}${base}`);
  closers.push(() => proxy.close());
  return { proxy, target };
}

/** A request written by hand on a socket, so that header case, order and duplicates are exactly as chosen. */
function rawExchange(url: string, text: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) }, () => socket.write(Buffer.from(text, 'latin1')));
    let out = '';
    socket.on('data', (d: Buffer) => (out += d.toString('latin1')));
    socket.on('end', () => resolve(out));
    socket.on('error', reject);
  });
}

describe('forwarding', () => {
  afterAll(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });

  it('a port in use is a PortInUseError naming it', async () => {
    const { proxy } = await pair((_req, res) => res.end());
    await expect(withProxy('lmi', 'http://127.0.0.1:1', { port: proxy.port })).rejects.toThrow(PortInUseError);
    await expect(withProxy('lmi', 'http://127.0.0.1:1', { port: proxy.port })).rejects.toThrow(`port ${proxy.port} on 127.0.0.1 is already in use`);
  });

  it('sends method, path, query, headers and body as they came; drops hop-by-hop headers; sets Host to the target', async () => {
    let seen: { method?: string; url?: string; raw: string[]; body: Buffer } = { raw: [], body: Buffer.alloc(0) };
    const { proxy, target } = await pair((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen = { method: req.method, url: req.url, raw: req.rawHeaders, body: Buffer.concat(chunks) };
        res.end('ok');
      });
    }, '/base');
    const body = Buffer.from([0, 1, 2, 255, 254, 10, 13, 0x7b]);
    const response = await rawExchange(
      proxy.url,
      `PUT /x/y%20z?b=2&a=1&a=%2F HTTP/1.1\r\nHost: elsewhere\r\nX-Mixed-Case: One\r\nx-dup: 1\r\nx-dup: 2\r\nConnection: close, X-Hop\r\nX-Hop: gone\r\nKeep-Alive: timeout=5\r\nTE: trailers\r\nContent-Length: ${body.length}\r\n\r\n${body.toString('latin1')}`,
    );
    expect(response).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(seen.method).toBe('PUT');
    expect(seen.url).toBe('/base/x/y%20z?b=2&a=1&a=%2F');
    expect(seen.body.equals(body)).toBe(true);
    const pairs: string[] = [];
    const hop: Record<string, string[]> = {};
    for (let i = 0; i < seen.raw.length; i += 2) {
      const name = seen.raw[i]!.toLowerCase();
      if (name === 'host' || name === 'content-length' || name === 'connection') (hop[name] ??= []).push(seen.raw[i + 1]!);
      else pairs.push(`${seen.raw[i]}: ${seen.raw[i + 1]}`);
    }
    // End-to-end headers keep their order, case and repeats.
    expect(pairs).toEqual(['X-Mixed-Case: One', 'x-dup: 1', 'x-dup: 2']);
    // Host, framing and the one Connection header are written by the hop to the target; the connection
    // to the target mirrors the client's, which asked for a close.
    expect(hop).toEqual({ host: [new URL(target.url).host], 'content-length': [String(body.length)], connection: ['close'] });
  });

  it('a request body still on its way goes on as it comes: the target has the first part before the client sends the second', async () => {
    let firstPart!: () => void;
    const firstArrived = new Promise<void>((resolve) => (firstPart = resolve));
    let seen: { raw: string[]; body: string } | undefined;
    const { proxy } = await pair((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c.toString('latin1');
        if (body.startsWith('part one;')) firstPart();
      });
      req.on('end', () => {
        seen = { raw: req.rawHeaders, body };
        res.end('ok');
      });
    });
    const { hostname, port } = new URL(proxy.url);
    const response = await new Promise<string>((resolve, reject) => {
      const socket = connect({ host: hostname, port: Number(port) }, () => socket.write('POST /upload HTTP/1.1\r\nHost: p\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n9\r\npart one;\r\n'));
      let out = '';
      socket.on('data', (d: Buffer) => (out += d.toString('latin1')));
      socket.on('end', () => resolve(out));
      socket.on('error', reject);
      void firstArrived.then(() => socket.write('9\r\npart two.\r\n0\r\n\r\n'));
    });
    expect(response).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(seen?.body).toBe('part one;part two.');
  });

  it('Expect: 100-continue is met by the proxy (the client gets its 100) and not asked of the target again', async () => {
    let seen: { raw: string[]; body: string } | undefined;
    const { proxy } = await pair((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('latin1')));
      req.on('end', () => {
        seen = { raw: req.rawHeaders, body };
        res.end('ok');
      });
    });
    const response = await rawExchange(proxy.url, 'POST /upload HTTP/1.1\r\nHost: p\r\nExpect: 100-continue\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello');
    expect(response).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK\r\n/);
    expect(seen?.body).toBe('hello');
    expect(seen?.raw.map((h) => h.toLowerCase())).not.toContain('expect');
  });

  it('answers with the target\'s status, reason, headers (repeated ones too) and body bytes', async () => {
    const payload = Buffer.from('\u00e9t\u00e9 \u{1F600} {"a":1}');
    const { proxy } = await pair((_req, res) => {
      res.writeHead(418, 'Short And Stout', [['Set-Cookie', 'a=1'], ['Set-Cookie', 'b=2'], ['X-Upstream', 'yes'], ['Content-Type', 'application/octet-stream'], ['Content-Length', String(payload.length)]].flat());
      res.end(payload);
    });
    const response = await rawExchange(proxy.url, 'GET /anything HTTP/1.1\r\nHost: p\r\nConnection: close\r\n\r\n');
    const [head, ...rest] = response.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 418 Short And Stout\r\n/);
    expect(head).toContain('Set-Cookie: a=1\r\nSet-Cookie: b=2\r\nX-Upstream: yes\r\n');
    expect(Buffer.from(rest.join('\r\n\r\n'), 'latin1').equals(payload)).toBe(true);
    await settled(proxy);
    // A path that is no operation of the spec is forwarded all the same, and said so.
    expect(proxy.violations()).toMatchObject([{ direction: 'request', rule: 'operation', operation: null, received: 'GET /anything' }]);
  });

  it('a multipart upload arrives byte for byte', async () => {
    let received = Buffer.alloc(0);
    let contentType: string | undefined;
    const { proxy } = await pair((req, res) => {
      const chunks: Buffer[] = [];
      contentType = req.headers['content-type'];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received = Buffer.concat(chunks);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"text":"hi"}');
      });
    });
    const audio = new Uint8Array(300_000).map((_, i) => (i * 7919) % 256);
    const form = new FormData();
    form.append('model', 'Whisper-Large-v3');
    form.append('file', new Blob([audio], { type: 'audio/mpeg' }), 'tone.mp3');
    const sent = new Request('http://x/', { method: 'POST', body: form });
    const bytes = Buffer.from(await sent.arrayBuffer());
    const response = await fetch(`${proxy.url}/v1/audio/transcriptions`, { method: 'POST', headers: { authorization: 'Bearer k', 'content-type': sent.headers.get('content-type')! }, body: bytes });
    expect(response.status).toBe(200);
    expect(contentType).toBe(sent.headers.get('content-type'));
    expect(received.equals(bytes)).toBe(true);
  });

  it('streams each item as it comes: the client has the first before the target sends the second', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const { proxy } = await pair((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: {"n":1}\n\n');
      void released.then(() => res.end('data: {"n":2}\n\ndata: [DONE]\n\n'));
    });
    const response = await fetch(`${proxy.url}/x`);
    const reader = response.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toBe('data: {"n":1}\n\n');
    release();
    let rest = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      rest += new TextDecoder().decode(value);
    }
    expect(rest).toBe('data: {"n":2}\n\ndata: [DONE]\n\n');
  });

  it('a head sent before any body byte reaches the client before the target sends the body', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const { proxy } = await pair((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'x-first': 'head' });
      res.flushHeaders();
      void released.then(() => res.end('data: {"n":1}\n\ndata: [DONE]\n\n'));
    });
    // fetch resolves on the head: were it held until the first body byte, this would never resolve.
    const response = await fetch(`${proxy.url}/x`);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-first')).toBe('head');
    release();
    expect(await response.text()).toBe('data: {"n":1}\n\ndata: [DONE]\n\n');
  });

  it('a head that comes with its body leaves with it, in one write', async () => {
    const { proxy } = await pair((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '2' });
      res.end('{}');
    });
    const { hostname, port } = new URL(proxy.url);
    // The first 'data' on the client's socket holds the head and the body: they were not written apart.
    const first = await new Promise<string>((resolve, reject) => {
      const socket = connect({ host: hostname, port: Number(port) }, () => socket.write('GET /x HTTP/1.1\r\nhost: a\r\nconnection: close\r\n\r\n'));
      socket.once('data', (d: Buffer) => (resolve(d.toString('latin1')), socket.destroy()));
      socket.on('error', reject);
    });
    expect(first.startsWith('HTTP/1.1 200 OK\r\n')).toBe(true);
    expect(first.endsWith('\r\n\r\n{}')).toBe(true);
  });

  it('backpressure: while the client does not read, the target is held back (the proxy does not buffer the stream)', async () => {
    const chunk = Buffer.alloc(64 * 1024, 'a');
    const total = 512; // 32 MiB in all
    let stream: Pump | undefined;
    const { proxy } = await pair((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      stream = pump(res, chunk, total, () => res.end());
    });
    const { hostname, port } = new URL(proxy.url);
    const response = await new Promise<import('node:http').IncomingMessage>((resolve, reject) => {
      const req = httpRequest({ host: hostname, port, path: '/bulk' }, resolve);
      req.on('error', reject);
      req.end();
    });
    response.pause();
    await heldBack(stream!);
    // Socket buffers on three hops hold a few MiB at most; 32 MiB were on offer.
    expect(stream!.written * chunk.length).toBeLessThan(12 * 1024 * 1024);
    expect(stream!.written).toBeLessThan(total);
    let received = 0;
    response.on('data', (c: Buffer) => (received += c.length));
    response.resume();
    await new Promise((resolve) => response.on('end', resolve));
    expect(received).toBe(total * chunk.length);
  });
});
