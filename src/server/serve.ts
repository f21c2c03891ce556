/** Runs the reference server on a Node HTTP listener. @module */
import { setMaxListeners } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequestListener, type AppOptions } from './app.js';
import { answerClientError } from './client-error.js';
import { resolveServerOptions } from './options.js';
import { PortInUseError } from './port-in-use.js';

export interface ServeOptions extends AppOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
}

export interface RunningServer {
  url: string;
  host: string;
  port: number;
  close(): Promise<void>;
}

export { PortInUseError };

/** How long open streams get to send their closing error before connections are dropped. */
const shutdownGraceMs = 250;

export function startServer(options: ServeOptions = {}): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const shutdown = new AbortController();
  // Every open stream listens for shutdown on this one signal.
  setMaxListeners(0, shutdown.signal);
  const listener = createRequestListener({ ...options, shutdownSignal: shutdown.signal });
  const { headersTimeoutMs, requestTimeoutMs } = resolveServerOptions(options);
  return new Promise((resolve, reject) => {
    const server: Server = createServer(
      {
        headersTimeout: headersTimeoutMs,
        requestTimeout: requestTimeoutMs,
        // Node looks for connections past these timeouts every 30 s by default: a slow client would
        // hold its connection up to that much longer than the timeout says.
        connectionsCheckingInterval: Math.min(1000, Math.ceil(headersTimeoutMs / 4)),
      },
      listener,
    );
    server.on('clientError', (error, socket) => answerClientError(error, socket, { headersTimeoutMs, requestTimeoutMs }));
    const onError = (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(host, options.port ?? 0) : error);
    };
    server.once('error', onError);
    // A backlog above Node's 511, so a burst of connections (a load test, many streams) is queued
    // rather than dropped and retried by the kernel seconds later.
    server.listen({ host, port: options.port ?? 0, backlog: 4096 }, () => {
      const info = server.address() as AddressInfo;
      server.off('error', onError);
      const shownHost = host.includes(':') ? `[${host}]` : host;
      resolve({
        url: `http://${shownHost}:${info.port}`,
        host,
        port: info.port,
        close: () =>
          new Promise<void>((done) => {
            shutdown.abort();
            server.close(() => done());
            server.closeIdleConnections();
            setTimeout(() => server.closeAllConnections(), shutdownGraceMs).unref();
          }),
      });
    });
  });
}
