/**
 * One request and its answer on Node's HTTP objects. Headers gathered on the way (CORS, request id,
 * a handler's own) go out in a single `writeHead`, the cheapest way Node has to send them.
 * @module
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Arrival } from './operations/types.js';

export interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  /** The path as sent, still percent-encoded, without the query. */
  pathname: string;
  /** Headers every answer to this request carries. */
  headers: OutgoingHttpHeaders;
  /** Taken first thing, so that reported times (to first token, latency) include the server's whole work. */
  arrival: Arrival;
}

export function exchangeOf(req: IncomingMessage, res: ServerResponse, headers: OutgoingHttpHeaders = {}): Exchange {
  const url = req.url ?? '/';
  const query = url.indexOf('?');
  return { req, res, pathname: query === -1 ? url : url.slice(0, query), headers, arrival: { monotonicMs: performance.now(), epochMs: Date.now() } };
}

/**
 * Sends a whole answer. With Content-Length: `writeHead` without it makes Node frame the body as
 * chunked, which halves the requests per second a small answer gets. A client already gone is left alone.
 */
export function reply(exchange: Exchange, status: number, contentType: string, body: string | Uint8Array | readonly Uint8Array[], headers?: OutgoingHttpHeaders): void {
  const { res } = exchange;
  if (res.destroyed || res.headersSent) return;
  const all = exchange.headers;
  all['content-type'] = contentType;
  all['content-length'] = typeof body === 'string' ? Buffer.byteLength(body) : 'byteLength' in body ? body.byteLength : body.reduce((sum, piece) => sum + piece.byteLength, 0);
  if (headers) Object.assign(all, headers);
  res.writeHead(status, all);
  if (typeof body === 'string' || 'byteLength' in body) return void res.end(body);
  // A large answer in pieces (see json-text.ts), handed to the socket in one write without joining them.
  res.cork();
  for (const piece of body) res.write(piece);
  res.end();
  res.uncork();
}

/**
 * Aborted when the client goes away before the answer is complete. Made on first use: most requests
 * never wait, and an AbortController costs more than the rest of a small request.
 */
export function clientGone(res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  if (res.destroyed && !res.writableFinished) controller.abort(new Error('the client closed the connection'));
  else res.once('close', () => res.writableFinished || controller.abort(new Error('the client closed the connection')));
  return controller.signal;
}
