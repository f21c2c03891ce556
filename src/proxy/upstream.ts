/**
 * The connections to the target: undici's keep-alive pool, and a connection of its own for a
 * request sent again.
 *
 * A kept connection can be closed by the target as it is reused: the target's idle timer fires as
 * the request is on the wire, and the request gets a reset or a close instead of an answer. undici
 * already keeps a connection idle for less than the `Keep-Alive: timeout` the target announces (2 s
 * less), and looks for a close before it reuses one; what is left is the close that crosses the
 * request. Browsers and Go's client send such a request once more, on a fresh connection, when no
 * byte of its answer came; the proxy does the same (forward.ts decides, as only it knows whether
 * the body can be sent again).
 * @module
 */
import type { Socket } from 'node:net';
import { buildConnector, Client, Pool, type Dispatcher } from 'undici';

/** What a lost connection fails a request with: a reset (or a write into one), or undici's "other side closed". */
const lostConnectionCodes = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'UND_ERR_SOCKET']);

/** Socket errors met on a connection that had already brought an answer. */
const onUsedConnection = new WeakSet<Error>();

/** undici's own connector, and a mark on the errors of connections that were in use. */
function markingConnector(): buildConnector.connector {
  const connect = buildConnector({});
  return (options, callback) =>
    connect(options, (...args) => {
      const socket: Socket | null = args[1];
      // Added before undici's own listener, so the mark is there when undici hands the error on.
      socket?.on('error', (error) => {
        if (socket.bytesRead > 0) onUsedConnection.add(error);
      });
      callback(...args);
    });
}

/**
 * No timeouts of undici's own: the wait for a head is --upstream-timeout's, and a stream may be
 * quiet for long, at the target's pace.
 */
const clientOptions = { headersTimeout: 0, bodyTimeout: 0, connect: markingConnector() };

export class Upstream {
  // No cap on connections: the client's own concurrency is the limit.
  readonly #pool: Pool;
  /** Connections opened for one request each, until their answer is over. */
  readonly #own = new Set<Client>();

  constructor(private readonly origin: string) {
    this.#pool = new Pool(origin, { connections: null, ...clientOptions });
  }

  /** Sends on a kept connection, or a new one when none is free. */
  dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    return this.#pool.dispatch(options, handler);
  }

  /** Sends on a new connection of its own, closed once the answer is over. */
  dispatchFresh(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): void {
    const client = new Client(this.origin, clientOptions);
    this.#own.add(client);
    client.dispatch(options, handler);
    const forget = () => void this.#own.delete(client);
    client.close().then(forget, forget);
  }

  /** Drops every connection. */
  async destroy(): Promise<void> {
    await Promise.all([this.#pool.destroy(), ...[...this.#own].map((client) => client.destroy())]);
  }
}

/**
 * Whether a request failed because the kept connection it went on was closed under it: a reset or
 * a close, on a connection that had brought an answer before. Asked only before any byte of the
 * request's own answer was handed on.
 */
export function lostKeptConnection(error: Error & { code?: string; socket?: { bytesRead?: number } | null }): boolean {
  if (error.code === undefined || !lostConnectionCodes.has(error.code)) return false;
  return onUsedConnection.has(error) || (error.socket?.bytesRead ?? 0) > 0;
}
