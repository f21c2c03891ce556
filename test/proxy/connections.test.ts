/**
 * One target connection per client connection, answers passed on as the target sent them and
 * paired with their requests on the side: pipelined requests, HEAD, interim 1xx heads,
 * close-delimited answers, and --strict refusals in line with the target's answers; clients too
 * slow to send a head, or idle after their answers, are closed.
 */
import { connect } from 'node:net';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { heldBack, pump, rawTarget, settled, withProxy, type TestProxy } from './helpers.js';

const key = 'sk-proxy-connections-RECOGNISABLE-91e2';
const auth = `authorization: Bearer ${key}\r\n`;

const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function proxyFor(url: string, options: Parameters<typeof withProxy>[2] = {}): Promise<TestProxy> {
  const proxy = await withProxy('sambanova-cloud', url, options);
  closers.push(() => proxy.close());
  return proxy;
}

async function httpTarget(handler: Parameters<typeof rawTarget>[0]): Promise<string> {
  const target = await rawTarget(handler);
  closers.push(() => target.close());
  return target.url;
}

/**
 * Writes `text` on one connection (then closes its side, with `halfClose`) and reads until `done`
 * says the answer is all there, or the proxy ends the connection.
 */
function exchange(proxy: TestProxy, text: string, done: (answer: string) => boolean, halfClose = false): Promise<string> {
  const { hostname, port } = new URL(proxy.url);
  return new Promise((resolve, reject) => {
    let answer = '';
    const socket = connect({ host: hostname, port: Number(port) }, () => (halfClose ? socket.end(text) : socket.write(text)));
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString('latin1');
      if (done(answer)) {
        socket.destroy();
        resolve(answer);
      }
    });
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

const statusLines = (answer: string) => answer.match(/HTTP\/1\.1 \d{3}[^\r]*/g) ?? [];
const chat = JSON.stringify({ model: 'Meta-Llama-3.3-70B-Instruct', messages: [{ role: 'user', content: 'hi' }], max_tokens: 4 });
const post = (path: string, body: string) => `POST ${path} HTTP/1.1\r\nhost: p\r\n${auth}content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

describe('one connection to the target per client connection', () => {
  it('pipelined requests are answered in order, and each answer is checked against its own request', async () => {
    const url = await httpTarget((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': `${req.method} ${req.url}` }).end('{}'));
    });
    const proxy = await proxyFor(url);
    const text = `GET /v1/models HTTP/1.1\r\nhost: p\r\n${auth}\r\n${post('/v1/chat/completions', chat)}`;
    const answer = await exchange(proxy, text, (a) => statusLines(a).length === 2 && a.endsWith('{}'));
    expect(statusLines(answer)).toEqual(['HTTP/1.1 200 OK', 'HTTP/1.1 200 OK']);
    await settled(proxy);
    const violations = proxy.violations();
    expect(violations.length).toBeGreaterThan(1);
    // `{}` breaks both answers' schemas: each record names its own operation and its own answer's id.
    for (const v of violations) {
      expect(v.direction).toBe('response');
      expect(v.upstreamRequestId).toBe(v.operation === 'listModels' ? 'GET /v1/models' : 'POST /v1/chat/completions');
    }
    expect(new Set(violations.map((v) => v.operation))).toEqual(new Set(['listModels', 'createChatCompletion']));
    expect(proxy.summary()).toMatchObject({ requests: 2, completed: 2 });
  });

  it('an answer to HEAD has no body, whatever its Content-Length says; the next answer on the connection follows it', async () => {
    const url = await httpTarget((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '2' });
      res.end(req.method === 'HEAD' ? undefined : '{}');
    });
    const proxy = await proxyFor(url);
    const text = `HEAD /anything HTTP/1.1\r\nhost: p\r\n\r\nGET /anything HTTP/1.1\r\nhost: p\r\n\r\n`;
    const answer = await exchange(proxy, text, (a) => statusLines(a).length === 2 && a.endsWith('{}'));
    expect(statusLines(answer)).toEqual(['HTTP/1.1 200 OK', 'HTTP/1.1 200 OK']);
    await settled(proxy);
    expect(proxy.summary()).toMatchObject({ requests: 2, completed: 2 });
  });

  it('an interim 103 reaches the client before the final answer, which is paired with the request', async () => {
    const url = await httpTarget((_req, res) => {
      res.writeEarlyHints({ link: '</style.css>; rel=preload' });
      res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'final' }).end('{}');
    });
    const proxy = await proxyFor(url);
    const answer = await exchange(proxy, `GET /v1/models HTTP/1.1\r\nhost: p\r\n${auth}\r\n`, (a) => a.endsWith('{}'));
    expect(statusLines(answer)).toEqual(['HTTP/1.1 103 Early Hints', 'HTTP/1.1 200 OK']);
    await settled(proxy);
    expect(proxy.violations().length).toBeGreaterThan(0);
    expect(proxy.violations().every((v) => v.upstreamRequestId === 'final' && v.operation === 'listModels')).toBe(true);
  });

  it('an answer delimited by the close of its connection goes on whole and is checked, not taken for a cut', async () => {
    const models = JSON.stringify({ object: 'list', data: 'not a list' });
    const sockets = new Set<Socket>();
    const server: Server = createServer((socket) => {
      sockets.add(socket);
      socket.once('data', () => socket.end(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n${models}`));
    });
    await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
    closers.push(() => new Promise((resolve) => (sockets.forEach((s) => s.destroy()), server.close(resolve))));
    const proxy = await proxyFor(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    const answer = await exchange(proxy, `GET /v1/models HTTP/1.1\r\nhost: p\r\n${auth}\r\n`, () => false);
    expect(answer.endsWith(`\r\n\r\n${models}`)).toBe(true);
    await settled(proxy);
    expect(proxy.faults()).toEqual([]);
    expect(proxy.violations()).toMatchObject([{ direction: 'response', operation: 'listModels', pointer: '/body/data' }]);
  });

  it.each([false, true])('--strict: a refusal takes its place in line between the target\'s answers, and the target never sees the refused request (client half-closed: %s)', async (halfClose) => {
    const seen: string[] = [];
    const url = await httpTarget((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"object":"list","data":[]}'));
    });
    const proxy = await proxyFor(url, { strict: true });
    const invalid = JSON.stringify({ model: 'Meta-Llama-3.3-70B-Instruct', messages: [{ role: 'robot', content: 'x' }] });
    const get = `GET /v1/models HTTP/1.1\r\nhost: p\r\n${auth}\r\n`;
    const text = `${get}${post('/v1/chat/completions', invalid)}${get}`;
    // Half-closed, the client gets every answer all the same, then the end of the connection.
    const answer = await exchange(proxy, text, (a) => !halfClose && statusLines(a).length === 3 && a.endsWith('"data":[]}'), halfClose);
    expect(statusLines(answer)).toEqual(['HTTP/1.1 200 OK', 'HTTP/1.1 400 Bad Request', 'HTTP/1.1 200 OK']);
    expect(seen).toEqual(['GET /v1/models', 'GET /v1/models']);
    await settled(proxy);
    expect(proxy.summary()).toMatchObject({ requests: 3, completed: 3, rejected: 1 });
    expect(JSON.stringify(proxy.records)).not.toContain(key);
  });

  it('an upload the target does not read holds the client back (the proxy does not buffer the body)', async () => {
    const total = 512; // chunks of 64 KiB: 32 MiB on offer
    const chunk = Buffer.alloc(64 * 1024, 'a');
    let received = 0;
    let reading!: () => void;
    const sockets = new Set<Socket>();
    const server: Server = createServer((socket) => {
      sockets.add(socket);
      // Not read until the test says so; then read whole and answered.
      socket.pause();
      reading = () => {
        socket.on('data', (data: Buffer) => {
          received += data.length;
          if (received > total * chunk.length) socket.end('HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n');
        });
        socket.resume();
      };
    });
    await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
    closers.push(() => new Promise((resolve) => (sockets.forEach((s) => s.destroy()), server.close(resolve))));
    const proxy = await proxyFor(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    const { hostname, port } = new URL(proxy.url);
    const socket = connect({ host: hostname, port: Number(port) });
    closers.push(async () => void socket.destroy());
    let answer = '';
    const answered = new Promise<void>((resolve) => socket.on('data', (d: Buffer) => (answer += d.toString('latin1'))).on('end', resolve));
    socket.write(`POST /upload HTTP/1.1\r\nhost: p\r\ncontent-length: ${total * chunk.length}\r\nconnection: close\r\n\r\n`);
    const upload = pump(socket, chunk, total);
    await heldBack(upload);
    // Socket buffers on two hops hold a few MiB at most; 32 MiB were on offer.
    expect(upload.written * chunk.length).toBeLessThan(12 * 1024 * 1024);
    expect(upload.written).toBeLessThan(total);
    reading();
    await answered;
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    // Head and body, all of it (the target answers only then).
    expect(received).toBeGreaterThan(total * chunk.length);
  });
});

describe('slow and silent clients', () => {
  /** Resolves with what the proxy sent on `socket` once it closes the connection. */
  const closedBy = (socket: Socket) =>
    new Promise<string>((resolve) => {
      let got = '';
      socket.on('data', (chunk: Buffer) => (got += chunk.toString('latin1')));
      socket.on('error', () => {});
      socket.on('close', () => resolve(got));
    });

  it('closes connections that send no head, or half of one, within the headers timeout (408), serving others meanwhile', async () => {
    const url = await httpTarget((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
    });
    const proxy = await proxyFor(url, { headersTimeoutMs: 500 });
    const { hostname, port } = new URL(proxy.url);
    const open = (first?: string) => {
      const socket = connect({ host: hostname, port: Number(port) }, () => first && socket.write(first));
      return closedBy(socket);
    };
    const silent = Array.from({ length: 100 }, () => open());
    const halfHeads = Array.from({ length: 100 }, () => open('POST /chat/completions HTTP/1.1\r\nhost: p\r\n'));
    const served = await fetch(`${proxy.url}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: chat });
    expect(served.status).toBe(200);
    expect(await served.text()).toBe('{}');
    expect(new Set(await Promise.all(silent))).toEqual(new Set(['HTTP/1.1 408 Request Timeout\r\ncontent-length: 0\r\nconnection: close\r\n\r\n']));
    expect(new Set(await Promise.all(halfHeads))).toEqual(new Set(['HTTP/1.1 408 Request Timeout\r\ncontent-length: 0\r\nconnection: close\r\n\r\n']));
  });

  it('closes a kept connection left idle after its answer, once the answer is whole (the target would keep it a minute)', async () => {
    const target = await rawTarget((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json', 'content-length': '14' }).end('{"whole":true}'));
    });
    closers.push(() => target.close());
    target.server.keepAliveTimeout = 60_000;
    const proxy = await proxyFor(target.url, { idleTimeoutMs: 300 });
    const { hostname, port } = new URL(proxy.url);
    const socket = connect({ host: hostname, port: Number(port) }, () => socket.write(post('/chat/completions', chat)));
    const got = await closedBy(socket);
    expect(statusLines(got)).toEqual(['HTTP/1.1 200 OK']);
    expect(got.endsWith('{"whole":true}')).toBe(true);
  });

  /** Writes a request head announcing `body`, then the body a piece at a time, one piece every `everyMs`, until it is all sent or the connection closes. */
  const trickle = (proxy: TestProxy, body: string, pieces: number, everyMs: number) => {
    const { hostname, port } = new URL(proxy.url);
    const socket = connect({ host: hostname, port: Number(port) });
    const closed = closedBy(socket);
    const size = Math.ceil(body.length / pieces);
    let at = 0;
    socket.write(`POST /v1/chat/completions HTTP/1.1\r\nhost: p\r\n${auth}content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n`);
    const timer = setInterval(() => {
      if (socket.destroyed || at >= body.length) return clearInterval(timer);
      socket.write(body.slice(at, (at += size)));
    }, everyMs);
    socket.once('close', () => clearInterval(timer));
    return closed;
  };

  it('--strict: a held body trickled past the body timeout gets 408 in the API\'s shape and its connection closes, while another request is served', async () => {
    const seen: string[] = [];
    const url = await httpTarget((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        seen.push(body);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    const proxy = await proxyFor(url, { strict: true, bodyTimeoutMs: 500 });
    // 1,000 pieces, one every 50 ms: the client would take most of a minute, if it were let.
    const cut = trickle(proxy, chat.padEnd(20_000, ' '), 1000, 50);
    const served = await fetch(`${proxy.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: chat });
    expect(served.status).toBe(200);
    await served.text();
    const answer = await cut;
    expect(statusLines(answer)).toEqual(['HTTP/1.1 408 Request Timeout']);
    expect(answer).toContain('\r\nconnection: close\r\n');
    const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as { error: { message: string; type: string; code: string }; request_id: string };
    expect(body.error).toMatchObject({ type: 'invalid_request_error', code: 'request_timeout', message: 'Request timeout: the request body did not come whole within 500 ms.' });
    // The target saw the served request only: the held body never went on.
    expect(seen).toEqual([chat]);
    await settled(proxy);
    const unchecked = proxy.records.filter((r) => r.kind === 'unchecked');
    expect(unchecked).toMatchObject([{ direction: 'request', requestId: body.request_id, message: 'the body did not come whole within 500 ms (--strict holds it for its check); answered 408 and closed the connection' }]);
    expect(JSON.stringify(proxy.records)).not.toContain(key);
  });

  it('without --strict a trickled body goes on as it comes, with no time limit of the proxy\'s (the target\'s own applies)', async () => {
    const url = await httpTarget((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const answer = JSON.stringify({ got: body.length });
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(answer.length), connection: 'close' }).end(answer);
      });
    });
    const proxy = await proxyFor(url, { bodyTimeoutMs: 100 });
    // Ten pieces 60 ms apart: the body takes well past the 100 ms a held one would get.
    const answer = await trickle(proxy, chat, 10, 60);
    expect(statusLines(answer)).toEqual(['HTTP/1.1 200 OK']);
    expect(answer.endsWith(JSON.stringify({ got: chat.length }))).toBe(true);
  });
});
