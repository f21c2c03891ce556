/**
 * A streamed body's pieces written straight to the socket (src/server/chunked-write.ts): the same
 * bytes as `res.write` for every kind of client (keep-alive, HTTP/1.0, HEAD, pipelined), and the
 * lean stream writer sending each token as one framed write, on real HTTP over raw sockets.
 */
import { createServer, type ServerResponse } from 'node:http';
import { connect, Socket, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { drainSource, writeBodyText } from '../../src/server/chunked-write.js';
import { useServer } from '../helpers/server.js';
import { chatBody, jsonHeaders, key, paths } from './openai-chat/helpers.js';

/** Sends `request` on a new connection and reads until `done(text)` or the connection ends. */
function exchange(port: number, request: string, done: (text: string) => boolean = () => false): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let text = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      text += chunk;
      if (done(text)) {
        socket.destroy();
        resolve(text);
      }
    });
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
    socket.write(request);
  });
}

const pieces = ['data: {"a":1}\n\n', 'data: {"content":"héllo ✓ 𝄞"}\n\n', '', 'x'.repeat(70_000), 'data: [DONE]\n\n'];

/** A `node:http` server answering every request with `pieces`, written by `write`, no Date header. */
async function piecesServer(write: (res: ServerResponse, text: string) => unknown): Promise<{ port: number; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.sendDate = false;
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      // The first piece carries the head, as the stream writers send it.
      res.write(pieces[0]!);
      for (const piece of pieces.slice(1)) write(res, piece);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const get = (version: string, extra = '') => `GET /s HTTP/${version}\r\nhost: x\r\n${extra}\r\n`;
const lastChunk = (count: number) => (text: string) => text.split('\r\n0\r\n\r\n').length > count;

describe('writeBodyText: the bytes of res.write', () => {
  const clients: Array<[string, string, ((text: string) => boolean) | undefined]> = [
    ['HTTP/1.1, two requests on one kept connection', get('1.1') + get('1.1'), lastChunk(2)],
    ['HTTP/1.1, the second pipelined request closes', get('1.1') + get('1.1', 'connection: close\r\n'), undefined],
    ['HTTP/1.0 (no chunked framing)', get('1.0'), undefined],
    ['HEAD (no body)', 'HEAD /s HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n', undefined],
  ];
  const servers: Array<{ close: () => Promise<void> }> = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  for (const [name, request, done] of clients) {
    it(name, async () => {
      const direct = await piecesServer(writeBodyText);
      const node = await piecesServer((res, text) => res.write(text));
      servers.push(direct, node);
      const [got, want] = await Promise.all([exchange(direct.port, request, done), exchange(node.port, request, done)]);
      expect(got).toBe(want);
      expect(want.length).toBeGreaterThan(0);
    });
  }

  it('a reader that stops reading: writes wait for the drain where drainSource says, then the body arrives whole', async () => {
    const piece = 'y'.repeat(1 << 20);
    const count = 48;
    let waits = 0;
    const server = createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('first');
      let sent = 0;
      const more = () => {
        while (sent < count) {
          sent++;
          if (!writeBodyText(res, piece)) {
            waits++;
            drainSource(res).once('drain', more);
            return;
          }
        }
        res.end();
      };
      more();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push({ close: () => new Promise((resolve) => server.close(() => resolve())) });
    const socket = connect({ host: '127.0.0.1', port: (server.address() as AddressInfo).port });
    socket.pause();
    socket.write(get('1.1', 'connection: close\r\n'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    let bytes = 0;
    await new Promise<void>((resolve, reject) => {
      socket.on('data', (chunk: Buffer) => (bytes += chunk.length));
      socket.on('end', resolve);
      socket.on('error', reject);
      socket.resume();
    });
    expect(waits).toBeGreaterThan(0);
    expect(bytes).toBeGreaterThan(count * piece.length);
  });

  it('frames each piece with its length in bytes, not characters', async () => {
    const direct = await piecesServer(writeBodyText);
    servers.push(direct);
    const text = Buffer.from(await exchange(direct.port, get('1.1', 'connection: close\r\n')), 'latin1').toString('utf8');
    expect(text).toContain(`\r\n${Buffer.byteLength(pieces[1]!).toString(16)}\r\n${pieces[1]}\r\n`);
  });
});

describe('the lean stream writer', () => {
  const lean = useServer({ apiKey: key, seed: 11, checkResponses: 'off' });
  const request = (version: string, extra: Record<string, unknown> = { max_tokens: 8 }, tokensPerSecond = '200') => {
    const body = JSON.stringify(chatBody({ stream: true, ...extra }));
    const headers = Object.entries({ ...jsonHeaders, 'content-length': String(Buffer.byteLength(body)), 'x-sambakit-ttft-ms': '0', 'x-sambakit-tokens-per-second': tokensPerSecond }).map(([k, v]) => `${k}: ${v}\r\n`);
    return `POST ${paths.cloud} HTTP/${version}\r\nhost: x\r\n${headers.join('')}\r\n${body}`;
  };

  it('writes each token after the first as one framed piece on the socket', async () => {
    const written: string[] = [];
    const write = Socket.prototype.write;
    // Every socket write of the test's process, the server's included: its chunks' are kept.
    Socket.prototype.write = function (this: Socket, chunk: unknown, ...rest: unknown[]) {
      if (typeof chunk === 'string' && chunk.includes('"object":"chat.completion.chunk"')) written.push(chunk);
      return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
    } as typeof write;
    try {
      await exchange(lean.port, request('1.1', { max_tokens: 8 }, '20'), lastChunk(1));
    } finally {
      Socket.prototype.write = write;
    }
    // The first goes with the head through `res.write`, the last with the end through `res.end`; a
    // loaded machine may send tokens that came due together in one piece.
    const tokens = written.slice(1, -1);
    expect(tokens.length).toBeGreaterThanOrEqual(3);
    for (const piece of tokens) expect(piece).toMatch(/^[0-9a-f]+\r\ndata: \{.*\}\n\n\r\n$/s);
  });

  it('a kept connection: a second streamed request on it is answered whole', async () => {
    const text = await exchange(lean.port, request('1.1') + request('1.1'), lastChunk(2));
    expect(text.match(/HTTP\/1\.1 200/g)).toHaveLength(2);
    expect(text.match(/data: \[DONE\]\n\n\r\n0\r\n\r\n/g)).toHaveLength(2);
  });

  it('an HTTP/1.0 client gets the stream without chunked framing, ended by the close', async () => {
    const text = await exchange(lean.port, request('1.0'));
    const [head, body] = text.split('\r\n\r\n', 2) as [string, string];
    expect(head).not.toMatch(/transfer-encoding/i);
    expect(text.slice(head.length + 4)).toMatch(/^data: \{[^\r]*data: \[DONE\]\n\n$/s);
    expect(body.startsWith('data: {')).toBe(true);
  });

});
