/**
 * A bare hop (no checks, no records) in front of TARGET, in its own process: the floor of each hop
 * design the proxy could be built on, measured by bench/proxy.bench.ts beside the proxy itself
 * (HOPS=pipe,connection,connection-parsed,undici,node-http). What sambakit's proxy costs above the floor of its own hop is
 * what its checks and bookkeeping cost; what one floor costs above another is the hop's own.
 *
 * - `pipe`: one target connection per client connection, the bytes piped both ways and nothing
 *   looked at (Host is not even rewritten; the reference server does not mind): the floor of any
 *   extra process on the path.
 * - `connection`: one target connection per client connection, bytes written on in the tick they
 *   are read; only the request head is scanned (for Host and the body's length, so that the next
 *   head is found); the answer is not parsed at all. Handles what the bench sends (Content-Length
 *   bodies, no pipelining), not HTTP at large.
 * - `connection-parsed`: the same connection per connection, with both directions parsed by
 *   http-parser-js (the parser of sambakit's hop, src/proxy/connection-hop.ts): each request head rebuilt from
 *   the parsed head (Host replaced, hop-by-hop headers left out) and its body written on as the parser
 *   hands it over; each answer written on as read, then parsed to observe it (status, headers, body
 *   chunks, end), as the checks would need it.
 * - `undici`: node:http's server, undici's `Pool.dispatch` with a raw handler (sambakit's hop until session 9).
 * - `node-http`: node:http's server and client, piped.
 * @module
 */
import { createServer as createHttpServer, request as httpRequest, Agent } from 'node:http';
import { connect, createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { Pool, type Dispatcher } from 'undici';
import { HTTPParser } from 'http-parser-js';
import { forwardedHeaders, rawHeader } from '../../src/proxy/headers.js';
import type { CloseMessage, ListeningMessage } from '../server/messages.js';

const target = new URL(process.env.TARGET!);
const hop = process.env.HOP ?? 'connection';
const headEnd = Buffer.from('\r\n\r\n');
const contentLength = /\r\ncontent-length:[ \t]*(\d+)/i;
const crlf = Buffer.from('\r\n');
const hostLine = /\r\nhost:[^\r]*/i;

function pipeRelay(client: Socket): void {
  const upstream = connect(Number(target.port), target.hostname);
  client.setNoDelay(true);
  upstream.setNoDelay(true);
  client.pipe(upstream).pipe(client);
  const close = () => {
    client.destroy();
    upstream.destroy();
  };
  client.once('close', close).on('error', close);
  upstream.once('close', close).on('error', close);
}

/** Forwards one client connection's requests, rewriting each head's Host, onto its own target connection. */
function relay(client: Socket): void {
  const upstream = connect(Number(target.port), target.hostname);
  client.setNoDelay(true);
  upstream.setNoDelay(true);
  let head: Buffer | undefined;
  let bodyLeft = 0;
  const onData = (chunk: Buffer) => {
    let at = 0;
    while (at < chunk.length) {
      if (bodyLeft > 0) {
        const take = Math.min(bodyLeft, chunk.length - at);
        upstream.write(at === 0 && take === chunk.length ? chunk : chunk.subarray(at, at + take));
        bodyLeft -= take;
        at += take;
        continue;
      }
      const pending: Buffer = head ? Buffer.concat([head, chunk.subarray(at)]) : chunk.subarray(at);
      const end = pending.indexOf(headEnd);
      if (end < 0) {
        head = pending;
        return;
      }
      head = undefined;
      const text = pending.toString('latin1', 0, end + 2);
      upstream.write(`${text.replace(hostLine, `\r\nHost: ${target.host}`)}\r\n`, 'latin1');
      bodyLeft = Number(contentLength.exec(text)?.[1] ?? 0);
      chunk = pending;
      at = end + 4;
    }
  };
  client.on('data', onData);
  upstream.pipe(client);
  const close = () => {
    client.destroy();
    upstream.destroy();
  };
  client.once('close', close).on('error', close);
  upstream.once('close', close).on('error', close);
}

/** As `relay`, with both directions parsed: the floor of a connection-level hop with its checks' parsing. */
function parsedRelay(client: Socket): void {
  const upstream = connect(Number(target.port), target.hostname);
  client.setNoDelay(true);
  upstream.setNoDelay(true);
  const requests = new HTTPParser(HTTPParser.REQUEST);
  requests[HTTPParser.kOnHeadersComplete] = (info) => {
    const head = [`${HTTPParser.methods[info.method as unknown as number]} ${info.url} HTTP/1.1`];
    const headers = forwardedHeaders(info.headers, target.host);
    for (let i = 0; i < headers.length; i += 2) head.push(`${headers[i]}: ${headers[i + 1]}`);
    const chunked = rawHeader(info.headers, 'transfer-encoding') !== undefined;
    if (chunked) head.push('Transfer-Encoding: chunked');
    upstream.write(`${head.join('\r\n')}\r\n\r\n`, 'latin1');
    sendBody = chunked ? (chunk) => upstream.write(Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, crlf])) : (chunk) => upstream.write(chunk);
    endBody = chunked ? () => upstream.write('0\r\n\r\n') : () => {};
  };
  let sendBody = (_chunk: Buffer): unknown => undefined;
  let endBody = (): unknown => undefined;
  requests[HTTPParser.kOnBody] = (chunk, offset, length) => sendBody(chunk.subarray(offset, offset + length));
  requests[HTTPParser.kOnMessageComplete] = () => endBody();
  // What the checks would be handed, tallied so that the parse has a use that cannot be optimised away.
  let observed = 0;
  const answers = new HTTPParser(HTTPParser.RESPONSE);
  answers[HTTPParser.kOnHeadersComplete] = (info) => void (observed += info.statusCode + (rawHeader(info.headers, 'content-type')?.length ?? 0));
  answers[HTTPParser.kOnBody] = (_chunk, _offset, length) => void (observed += length);
  answers[HTTPParser.kOnMessageComplete] = () => void observed++;
  const close = () => {
    client.destroy();
    upstream.destroy();
  };
  client.on('data', (chunk: Buffer) => requests.execute(chunk) instanceof Error && close());
  upstream.on('data', (chunk: Buffer) => {
    if (!client.write(chunk)) upstream.pause();
    answers.execute(chunk);
  });
  client.on('drain', () => upstream.resume());
  client.once('close', close).on('error', close);
  upstream.once('close', close).on('error', close);
}

function undiciHop(): Server {
  const pool = new Pool(target.origin, { connections: null, headersTimeout: 0, bodyTimeout: 0 });
  return createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () => {
      const headers = forwardedHeaders(req.rawHeaders, target.host);
      const handler: Dispatcher.DispatchHandler = {
        onConnect() {},
        onHeaders(status, raw, resume) {
          res.writeHead(status, forwardedHeaders(raw.map((b) => b.toString('latin1'))));
          res.on('drain', resume);
          return true;
        },
        onData: (chunk) => res.write(chunk),
        onComplete: () => void res.end(),
        onError: () => void res.destroy(),
      };
      pool.dispatch({ method: req.method!, path: req.url!, headers, body: chunks.length ? Buffer.concat(chunks) : null }, handler);
    });
  }) as unknown as Server;
}

function nodeHttpHop(): Server {
  const agent = new Agent({ keepAlive: true, maxFreeSockets: 256 });
  return createHttpServer((req, res) => {
    const out = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host }, agent }, (answer) => {
      res.writeHead(answer.statusCode!, answer.headers);
      answer.pipe(res);
    });
    out.on('error', () => res.destroy());
    req.pipe(out);
  }) as unknown as Server;
}

const server: Server = hop === 'pipe' ? createTcpServer(pipeRelay) : hop === 'connection' ? createTcpServer(relay) : hop === 'connection-parsed' ? createTcpServer(parsedRelay) : hop === 'undici' ? undiciHop() : nodeHttpHop();
server.listen({ host: '127.0.0.1', port: 0, backlog: 4096 }, () => {
  const address = server.address() as { port: number };
  const listening: ListeningMessage = { type: 'listening', url: `http://127.0.0.1:${address.port}` };
  process.send!(listening);
});
const close = () => process.exit(0);
process.on('message', (message: CloseMessage) => message.type === 'close' && close());
process.on('disconnect', close);
