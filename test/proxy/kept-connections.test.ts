/**
 * A kept-alive connection to the target that closes just as the proxy reuses it: the request got
 * no answer, and the target may never have read it. The proxy sends it once more, on a fresh
 * connection, when it can (its body was held whole), and says so in its log; otherwise the client
 * gets the 502 it got before.
 *
 * The target here is a raw TCP server that answers the first request of each connection, and
 * drops a connection at the next request it reads on it: the close that crossed the request on the
 * wire, made to happen every time.
 */
import { request as httpRequest } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { settled, withProxy, type TestProxy } from './helpers.js';

const key = 'sk-proxy-kept-RECOGNISABLE-5c07';
const models = JSON.stringify({ object: 'list', data: [{ id: 'Meta-Llama-3.3-70B-Instruct', object: 'model', owned_by: 'x', created: 1 }] });
const chatAnswer = JSON.stringify({
  id: 'c1',
  object: 'chat.completion',
  created: 1,
  model: 'Meta-Llama-3.3-70B-Instruct',
  system_fingerprint: 'fp',
  choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop', logprobs: null }],
  usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
});

type Drop = 'reset' | 'close';

interface DroppingTarget {
  url: string;
  /** Each request the target read whole: its connection's number, its place on that connection, its head line and body. */
  seen: Array<{ connection: number; index: number; line: string; body: string }>;
  close(): Promise<void>;
}

/**
 * Answers the first request of a connection (of every connection when `dropFresh` is off) and drops
 * the connection at any later one, by RST (`reset`: ECONNRESET at the proxy) or FIN (`close`).
 */
async function droppingTarget(drop: Drop, { dropFresh = false } = {}): Promise<DroppingTarget> {
  const seen: DroppingTarget['seen'] = [];
  const sockets = new Set<Socket>();
  let connections = 0;
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    const connection = ++connections;
    let index = 0;
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      for (;;) {
        const end = pending.indexOf('\r\n\r\n');
        if (end === -1) return;
        const head = pending.subarray(0, end).toString('latin1');
        const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
        if (pending.length < end + 4 + length) return;
        const body = pending.subarray(end + 4, end + 4 + length).toString('utf8');
        pending = pending.subarray(end + 4 + length);
        const line = head.split('\r\n')[0]!;
        seen.push({ connection, index: ++index, line, body });
        const dropIt = index > 1 || (dropFresh && connection > 1);
        if (dropIt) {
          if (drop === 'reset') socket.resetAndDestroy();
          else socket.destroy();
          return;
        }
        const answer = line.startsWith('GET') ? models : chatAnswer;
        socket.write(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(answer)}\r\nx-request-id: t-${connection}-${index}\r\n\r\n${answer}`);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

interface Answer {
  status: number;
  body: string;
}

/** One request through the proxy; a body as a list of pieces is sent chunked (the proxy streams it on as it comes). */
function call(proxy: TestProxy, method: 'GET' | 'POST', path: string, body?: string | string[]): Promise<Answer> {
  const { hostname, port } = new URL(proxy.url);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { authorization: `Bearer ${key}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (typeof body === 'string') headers['content-length'] = String(Buffer.byteLength(body));
    const req = httpRequest({ host: hostname, port, path, method, agent: false, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk)).on('end', () => resolve({ status: res.statusCode!, body: text }));
    });
    req.on('error', reject);
    if (Array.isArray(body)) {
      for (const piece of body) req.write(piece);
      req.end();
    } else req.end(body);
  });
}

const chat = JSON.stringify({ model: 'Meta-Llama-3.3-70B-Instruct', messages: [{ role: 'user', content: 'hi' }], max_tokens: 4 });

let target: DroppingTarget | undefined;
let proxy: TestProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  await target?.close();
  proxy = target = undefined;
});

describe('a kept connection that the target closes as it is reused', () => {
  it.each([
    ['reset', 'GET', false],
    ['close', 'GET', false],
    ['reset', 'POST', false],
    ['close', 'POST', false],
    ['reset', 'POST', true],
  ] as const)('(%s, %s, strict %s): the request is sent again on a fresh connection, and the retry is logged', async (drop, method, strict) => {
    target = await droppingTarget(drop);
    proxy = await withProxy('sambanova-cloud', target.url, { strict });
    const path = method === 'GET' ? '/models' : '/chat/completions';
    const body = method === 'GET' ? undefined : chat;
    const first = await call(proxy, method, path, body);
    expect(first.status).toBe(200);
    const second = await call(proxy, method, path, body);
    expect(second.status).toBe(200);
    expect(second.body).toBe(first.body);
    // The second request reached the kept connection (dropped there), then a new one, with the same body.
    expect(target.seen.map(({ connection, index }) => [connection, index])).toEqual([
      [1, 1],
      [1, 2],
      [2, 1],
    ]);
    expect(new Set(target.seen.map((s) => `${s.line} ${s.body}`)).size).toBe(1);
    await settled(proxy);
    expect(proxy.faults()).toEqual([
      expect.objectContaining({ fault: 'retried', operation: method === 'GET' ? 'listModels' : 'createChatCompletion', message: expect.stringMatching(/kept connection .*sent again on a fresh connection/) }),
    ]);
    expect(proxy.summary()).toMatchObject({ requests: 2, completed: 2, violations: 0, upstreamFaults: { retried: 1 } });
    expect(JSON.stringify(proxy.records)).not.toContain(key);
  });

  it('is sent again once only: when the fresh connection fails too, the client gets the 502', async () => {
    target = await droppingTarget('reset', { dropFresh: true });
    proxy = await withProxy('sambanova-cloud', target.url);
    expect((await call(proxy, 'POST', '/chat/completions', chat)).status).toBe(200);
    const failed = await call(proxy, 'POST', '/chat/completions', chat);
    expect(failed.status).toBe(502);
    expect(JSON.parse(failed.body)).toMatchObject({ error: { type: 'server_error', message: expect.stringMatching(/ECONNRESET/) } });
    expect(target.seen.map(({ connection, index }) => [connection, index])).toEqual([
      [1, 1],
      [1, 2],
      [2, 1],
    ]);
    await settled(proxy);
    expect(proxy.faults().map((f) => f.fault)).toEqual(['retried', 'unreachable']);
  });

  it('a request that failed on a fresh connection is not sent again', async () => {
    target = await droppingTarget('reset', { dropFresh: true });
    proxy = await withProxy('sambanova-cloud', target.url);
    expect((await call(proxy, 'GET', '/models')).status).toBe(200);
    // Two at once: one takes the kept connection, the other opens a new one; both are dropped.
    const [a, b] = await Promise.all([call(proxy, 'GET', '/models'), call(proxy, 'GET', '/models')]);
    expect([a.status, b.status]).toEqual([502, 502]);
    await settled(proxy);
    // The one on the kept connection was sent again (and failed on its fresh one); the one on a fresh connection was not.
    expect(proxy.faults().map((f) => f.fault).sort()).toEqual(['retried', 'unreachable', 'unreachable']);
    expect(target.seen).toHaveLength(4);
  });

  it('a streamed upload, partly sent on the kept connection, is not sent again: 502', async () => {
    target = await droppingTarget('reset');
    proxy = await withProxy('sambanova-cloud', target.url);
    expect((await call(proxy, 'POST', '/chat/completions', chat)).status).toBe(200);
    const half = Math.floor(chat.length / 2);
    const failed = await call(proxy, 'POST', '/chat/completions', [chat.slice(0, half), chat.slice(half)]);
    expect(failed.status).toBe(502);
    await settled(proxy);
    expect(proxy.faults().map((f) => f.fault)).toEqual(['unreachable']);
    expect(target.seen.filter((s) => s.connection > 1)).toEqual([]);
  });
});
