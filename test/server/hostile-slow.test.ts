/**
 * Slow and lying clients, with raw sockets against the real server: headers sent a byte at a time,
 * bodies that stall or trickle, a Content-Length far past the limit, and thousands of connections
 * opened and left silent. Each is cut by a timeout or refused at once, and others are still served.
 * The server's timeouts are short here so that the cuts come quickly; nothing asserts a duration.
 */
import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { useServer } from '../helpers/server.js';

const limit = 64 * 1024;
const path = '/cloud/v1/chat/completions';
const chat = JSON.stringify({ model: 'Meta-Llama-3.3-70B-Instruct', messages: [{ role: 'user', content: 'hi' }], max_tokens: 2 });

interface RawClient {
  socket: Socket;
  /** Everything the server sent. */
  received: () => string;
  /** Settles when the server has closed the connection (or it broke). */
  closed: Promise<void>;
}

function open(port: number): Promise<RawClient> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let text = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    const closed = new Promise<void>((done) => socket.once('close', () => done()));
    socket.once('error', () => {});
    socket.once('connect', () => resolve({ socket, received: () => text, closed }));
    socket.once('error', reject);
  });
}

function head(extra: string): string {
  return `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer sk-slow\r\nContent-Type: application/json\r\n${extra}\r\n`;
}

/** Writes `bytes` one at a time, every `everyMs`, until the server closes the connection. */
async function trickle(client: RawClient, bytes: string, everyMs: number): Promise<number> {
  let sent = 0;
  let connected = true;
  void client.closed.then(() => (connected = false));
  while (connected && sent < bytes.length) {
    client.socket.write(bytes[sent++]!);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  return sent;
}

async function chatAnswers(url: string): Promise<number> {
  const response = await fetch(`${url}${path}`, { method: 'POST', headers: { authorization: 'Bearer sk-slow', 'content-type': 'application/json' }, body: chat });
  await response.arrayBuffer();
  return response.status;
}

describe('slow and lying clients', () => {
  const server = useServer({ headersTimeoutMs: 600, requestTimeoutMs: 2500, bodyIdleTimeoutMs: 400, bodyLimitBytes: limit });

  it('headers sent a byte at a time are cut by the headers timeout with 408, and the connection closed', async () => {
    const client = await open(server.port);
    // Far more header bytes than fit in the timeout at this pace.
    const sent = await trickle(client, `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${'X-Slow: a\r\n'.repeat(200)}\r\n`, 50);
    await client.closed;
    expect(sent).toBeLessThan(2000);
    expect(client.received()).toMatch(/^HTTP\/1\.1 408/);
    expect(client.received()).toContain('The request did not arrive in time: its head must come within 600 ms and the whole request within 2500 ms.');
  });

  it('a body that stops coming gets 408 naming the pause, and the connection is closed', async () => {
    const client = await open(server.port);
    client.socket.write(head('Content-Length: 1000\r\n') + chat.slice(0, 10));
    await client.closed;
    const answer = client.received();
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(answer).toMatch(/connection: close/i);
    expect(answer).toContain('The request body stalled: no bytes came for 400 ms');
  });

  it('a body whose next bytes wait unread while the loop is busy past the idle timeout is read, not cut', async () => {
    const client = await open(server.port);
    client.socket.write(head(`Content-Length: ${chat.length}\r\nConnection: close\r\n`) + chat.slice(0, 10));
    // A few turns of the loop: the server reads the head and starts waiting for the body's next bytes.
    for (let turn = 0; turn < 10; turn++) await new Promise((resolve) => setImmediate(resolve));
    client.socket.write(chat.slice(10, 20));
    // Busy past the idle timeout (400 ms): when the loop turns again, the idle timer is due and the
    // bytes above are already waiting on the server's socket. The client never paused.
    const until = Date.now() + 1000;
    while (Date.now() < until);
    for (let turn = 0; turn < 10; turn++) await new Promise((resolve) => setImmediate(resolve));
    client.socket.write(chat.slice(20));
    await client.closed;
    expect(client.received()).toMatch(/^HTTP\/1\.1 200/);
  });

  it('a body trickled steadily (never idle long enough) is cut by the request timeout, and logged as closed, not 200', async () => {
    const logged = server.lines.length;
    const client = await open(server.port);
    client.socket.write(head('Content-Length: 60000\r\n'));
    const sent = await trickle(client, 'x'.repeat(60_000), 100);
    await client.closed;
    expect(sent).toBeLessThan(60_000);
    expect(client.received()).toMatch(/^HTTP\/1\.1 408/);
    expect(client.received()).toContain('the whole request within 2500 ms');
    await expect.poll(() => server.lines.length).toBeGreaterThan(logged);
    expect(server.lines.slice(logged)).toEqual([expect.stringMatching(new RegExp(`^POST ${path} closed \\d+\\.\\d+ms `))]);
  });

  it('bytes that are not HTTP, and a head past the size Node reads, get 400 and 431 saying so', async () => {
    const garbage = await open(server.port);
    garbage.socket.write('HELLO THERE\r\n\r\n');
    await garbage.closed;
    expect(garbage.received()).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n[^]*\r\n\r\nThe request is not valid HTTP\/1\.1: /);
    const huge = await open(server.port);
    huge.socket.write(`GET /cloud/v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    await huge.closed;
    expect(huge.received()).toMatch(/^HTTP\/1\.1 431 [^]*than the \d+ bytes this server reads/);
    expect(await chatAnswers(server.url)).toBe(200);
  });

  it('a Content-Length past the limit gets 413 without the body being sent, and the connection is closed', async () => {
    const client = await open(server.port);
    client.socket.write(head('Content-Length: 1000000000\r\n') + '{"mod');
    await client.closed;
    const answer = client.received();
    expect(answer).toMatch(/^HTTP\/1\.1 413/);
    expect(answer).toContain(`is larger than the limit of ${limit} bytes`);
  });

  it('a chunked body is refused with 413 as soon as its running total passes the limit', async () => {
    const client = await open(server.port);
    client.socket.write(head('Transfer-Encoding: chunked\r\n'));
    const piece = 'x'.repeat(8192);
    let chunks = 0;
    let connected = true;
    void client.closed.then(() => (connected = false));
    // The body never ends: only the limit can stop it.
    while (connected && chunks < 10_000) {
      client.socket.write(`${piece.length.toString(16)}\r\n${piece}\r\n`);
      chunks++;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(chunks).toBeLessThan(10_000);
    expect(client.received()).toMatch(/^HTTP\/1\.1 413/);
  });
});

describe('many silent connections', () => {
  // A headers timeout long enough for a loaded machine to open them all and still serve others.
  const server = useServer({ headersTimeoutMs: 4000, requestTimeoutMs: 8000 });

  it('2,000 silent connections do not stop others from being served, and are closed by the headers timeout', async () => {
    const idle: RawClient[] = [];
    for (let i = 0; i < 2000; i += 100) idle.push(...(await Promise.all(Array.from({ length: 100 }, () => open(server.port)))));
    expect(await chatAnswers(server.url)).toBe(200);
    expect(await Promise.all([chatAnswers(server.url), chatAnswers(server.url)])).toEqual([200, 200]);
    await Promise.all(idle.map((client) => client.closed));
    expect(idle.every((client) => client.socket.destroyed)).toBe(true);
    // Still serving once they are gone.
    expect(await chatAnswers(server.url)).toBe(200);
  });
});
