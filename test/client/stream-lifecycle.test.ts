/**
 * What the caller's side of a stream does to the connection, seen from the server: `break` and an
 * AbortSignal both close it (a tiny node:http server that streams until its client goes records
 * the close), and neither leaves a timer running.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SambaNovaCloud } from '../../src/client/index.js';

let server: Server;
let baseURL = '';
const closed: Array<() => void> = [];
const open = new Set<ServerResponse>();

beforeAll(async () => {
  // Streams chat chunks every 20 ms without end, until the client closes the connection.
  server = createServer((request, response) => {
    request.resume();
    response.writeHead(200, { 'content-type': 'text/event-stream', 'x-request-id': 'req-1' });
    open.add(response);
    let i = 0;
    const timer = setInterval(() => {
      response.write(`data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', system_fingerprint: 'f', choices: [{ index: 0, delta: { content: `t${i++}` }, finish_reason: null }] })}\n\n`);
    }, 20);
    response.on('close', () => {
      clearInterval(timer);
      open.delete(response);
      closed.shift()?.();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const nextClose = () => new Promise<void>((resolve) => closed.push(resolve));
const client = () => new SambaNovaCloud({ baseURL, apiKey: 'k', maxRetries: 0 });
const body = { model: 'm', messages: [{ role: 'user' as const, content: 'hi' }], stream: true as const };

describe('closing a stream closes its connection', () => {
  it('break after three items', async () => {
    const gone = nextClose();
    const seen: string[] = [];
    for await (const chunk of await client().chat(body)) {
      seen.push(chunk.choices?.[0]?.delta.content ?? '');
      if (seen.length === 3) break;
    }
    await gone;
    expect(seen).toEqual(['t0', 't1', 't2']);
    expect(open.size).toBe(0);
  });

  it('an AbortSignal mid-stream: the loop throws the signal\'s reason and the server sees the close', async () => {
    const gone = nextClose();
    const controller = new AbortController();
    const reason = new Error('user left');
    const seen: string[] = [];
    const error = await (async () => {
      for await (const chunk of await client().chat(body, { signal: controller.signal })) {
        seen.push(chunk.choices?.[0]?.delta.content ?? '');
        if (seen.length === 2) controller.abort(reason);
      }
    })().catch((e: unknown) => e);
    await gone;
    expect(error).toBe(reason);
    expect(open.size).toBe(0);
  });

  it('an AbortSignal while waiting for the next item', async () => {
    const gone = nextClose();
    const controller = new AbortController();
    const stream = await client().chat(body, { signal: controller.signal });
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    const pending = iterator.next().then(() => iterator.next());
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    await gone;
  });

  it('an ItemStream can be iterated once', async () => {
    const gone = nextClose();
    const stream = await client().chat(body);
    const iterator = stream[Symbol.asyncIterator]();
    expect(() => stream[Symbol.asyncIterator]()).toThrow(/read once/);
    await iterator.return?.();
    await gone;
  });
});
