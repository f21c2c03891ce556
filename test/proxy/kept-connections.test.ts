/**
 * The proxy's connection to the target mirrors the client's: when the target closes a kept-alive
 * connection just as a request goes on it (its idle timer fired while the request was on the wire),
 * the request got no answer and the target may never have read it. The client's connection is then
 * closed the same way, unanswered, as a direct connection would be, so that the client's own retry
 * decides (it alone knows whether the request may be sent again); the proxy says so in its log. A
 * request that a fresh connection drops gets the 502 in the API's shape.
 *
 * The target here is a raw TCP server that answers the first request of each connection, and
 * drops a connection at the next request it reads on it: the close that crossed the request on the
 * wire, made to happen every time.
 */
import { request as httpRequest } from 'node:http';
import { connect, createServer, type Server, type Socket } from 'node:net';
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
 * Answers the first request of a connection (of the first connection only with `dropFresh`) and drops
 * the connection at any later one, by RST (`reset`: ECONNRESET at the proxy) or FIN (`close`);
 * with `closeAfterAnswer`, closes each connection once its first answer is written.
 */
async function droppingTarget(drop: Drop, { dropFresh = false, closeAfterAnswer = false } = {}): Promise<DroppingTarget> {
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
        // An idle connection closed by its keep-alive timer, made to happen at once.
        if (closeAfterAnswer) socket.end();
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

/** One request on a socket of its own, written by hand: the answer's text, and how the connection ended. */
function rawCall(proxy: TestProxy, text: string): Promise<{ answer: string; ended: 'end' | 'reset' }> {
  const { hostname, port } = new URL(proxy.url);
  return new Promise((resolve) => {
    let answer = '';
    const socket = connect({ host: hostname, port: Number(port) }, () => socket.write(text));
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    socket.on('end', () => resolve({ answer, ended: 'end' }));
    socket.on('error', () => resolve({ answer, ended: 'reset' }));
  });
}

describe('a kept connection that the target closes as it is reused', () => {
  it.each([
    ['reset', 'GET', false],
    ['close', 'GET', false],
    ['reset', 'POST', false],
    ['close', 'POST', false],
    ['reset', 'POST', true],
  ] as const)('(%s, %s, strict %s): the client\'s connection is closed the same way, unanswered, and the close is logged', async (drop, method, strict) => {
    target = await droppingTarget(drop);
    proxy = await withProxy('sambanova-cloud', target.url, { strict });
    const path = method === 'GET' ? '/models' : '/chat/completions';
    const head = (length: number) => `${method} ${path} HTTP/1.1\r\nhost: p\r\nauthorization: Bearer ${key}\r\ncontent-type: application/json\r\ncontent-length: ${length}\r\n\r\n`;
    const request = method === 'GET' ? head(0) : head(Buffer.byteLength(chat)) + chat;
    // Two requests on one client connection: the first is answered, the second dropped with the target's connection.
    const { answer, ended } = await rawCall(proxy, request + request);
    expect(answer.match(/HTTP\/1\.1 /g)).toHaveLength(1);
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    // Closed, by a reset or a close as the proxy saw it (a reset right behind an answer may reach it as a close).
    expect(['end', 'reset']).toContain(ended);
    expect(target.seen.map(({ connection, index }) => [connection, index])).toEqual([
      [1, 1],
      [1, 2],
    ]);
    await settled(proxy);
    expect(proxy.faults()).toEqual([
      expect.objectContaining({ fault: 'closed', operation: method === 'GET' ? 'listModels' : 'createChatCompletion', message: expect.stringMatching(/closed the kept connection before answering/) }),
    ]);
    expect(proxy.summary()).toMatchObject({ requests: 2, completed: 2, violations: 0, upstreamFaults: { closed: 1 } });
    expect(JSON.stringify(proxy.records)).not.toContain(key);
    // The client's next connection gets a fresh one to the target.
    expect((await call(proxy, method, path, method === 'GET' ? undefined : chat)).status).toBe(200);
  });

  it('a request that a fresh connection drops before answering gets the 502 in the API\'s shape', async () => {
    target = await droppingTarget('reset', { dropFresh: true });
    proxy = await withProxy('sambanova-cloud', target.url);
    expect((await call(proxy, 'POST', '/chat/completions', chat)).status).toBe(200);
    const failed = await call(proxy, 'POST', '/chat/completions', chat);
    expect(failed.status).toBe(502);
    expect(JSON.parse(failed.body)).toMatchObject({ error: { type: 'server_error', message: expect.stringMatching(/ECONNRESET/) } });
    await settled(proxy);
    expect(proxy.faults().map((f) => f.fault)).toEqual(['unreachable']);
  });

  it('a target that closes an idle kept connection closes the client\'s the same way', async () => {
    target = await droppingTarget('close', { closeAfterAnswer: true });
    proxy = await withProxy('sambanova-cloud', target.url);
    const { answer, ended } = await rawCall(proxy, `GET /models HTTP/1.1\r\nhost: p\r\nauthorization: Bearer ${key}\r\n\r\n`);
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(ended).toBe('end');
    await settled(proxy);
    expect(proxy.records).toEqual([]);
  });
});
