/**
 * One request and its answer on Node's HTTP objects, whatever the path. A request to a spec route
 * is the same object grown by the pipeline's part (`SpecRequest` in spec-request.ts), so every
 * request costs one object. Headers gathered on the way (CORS, request id, a handler's own) go out
 * in a single `writeHead`, the cheapest way Node has to send them.
 * @module
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { credentialsIn, redactText } from '../secrets/credentials.js';

/** When the request arrived (its headers were read), on both clocks; every timing figure counts from here. */
export interface Arrival {
  monotonicMs: number;
  epochMs: number;
}

/** Taken first thing, so that reported times (to first token, latency) include the server's whole work. */
export function arrivalNow(): Arrival {
  return { monotonicMs: performance.now(), epochMs: Date.now() };
}

/** The path as sent, still percent-encoded, without the query. */
export function pathOf(url: string | undefined): string {
  if (url === undefined) return '/';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/** Shorter values are not searched for in what the server quotes back: placeholders sent to a server that takes any key ('test', 'user') would garble messages that use the word. */
const minimumKeyLength = 8;

export class Exchange {
  #signal: AbortSignal | undefined;
  #secrets: readonly string[] | undefined;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    /** The path as sent, still percent-encoded, without the query (`pathOf`). */
    readonly pathname: string,
    readonly arrival: Arrival,
    /** Headers every answer to this request carries. */
    readonly responseHeaders: OutgoingHttpHeaders = {},
    /** The key the server is configured with (`--api-key`), kept out of answers as the request's own credentials are. */
    private readonly ownKey?: string,
  ) {}

  /**
   * `text` without the request's credentials or the server's key. An error may echo what the caller
   * sent, and callers do send a key where it does not belong: as the model, in a path, in a header.
   */
  redact(text: string, json = false): string {
    const secrets = (this.#secrets ??= credentialsIn(this.req.headers, this.ownKey).filter((secret) => secret.length >= minimumKeyLength));
    return secrets.length === 0 ? text : redactText(text, secrets, json);
  }

  /**
   * Sends a whole answer. With Content-Length: `writeHead` without it makes Node frame the body as
   * chunked, which halves the requests per second a small answer gets. A client already gone is left alone.
   */
  reply(status: number, contentType: string, body: string | Uint8Array | readonly Uint8Array[], headers?: OutgoingHttpHeaders): void {
    const { res } = this;
    if (res.destroyed || res.headersSent) return;
    if (status >= 400 && typeof body === 'string') body = this.redact(body, contentType.includes('json'));
    const all = this.responseHeaders;
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
  get signal(): AbortSignal {
    return (this.#signal ??= clientGone(this.res));
  }
}

function clientGone(res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  if (res.destroyed && !res.writableFinished) controller.abort(new Error('the client closed the connection'));
  else res.once('close', () => res.writableFinished || controller.abort(new Error('the client closed the connection')));
  return controller.signal;
}
