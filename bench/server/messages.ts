/** Messages between the server bench and its child processes (over the fork IPC channel). @module */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A server child says where it listens. */
export interface ListeningMessage {
  type: 'listening';
  url: string;
}

/** The parent asks a server child to close and exit (so that `--cpu-prof` can write its profile). */
export interface CloseMessage {
  type: 'close';
}

/** The parent asks the load child for one autocannon run. */
export interface LoadRequest {
  type: 'load';
  url: string;
  connections: number;
  durationS: number;
  method: 'POST';
  headers: Record<string, string>;
  body: string;
}

/** What the load child reports back for one run. */
export interface LoadResult {
  type: 'result';
  requestsPerSecond: number;
  completed: number;
  durationS: number;
  latencyP50: number;
  latencyP99: number;
  latencyMax: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodes: Record<string, number>;
  /** CPU time the load generator used during the run, in ms (user + system). */
  cpuMs: number;
}

export interface LoadFailure {
  type: 'error';
  message: string;
}

/**
 * Runs a bare baseline server as a bench child: listens on a free loopback port, reports it to the
 * parent, closes and exits when asked (or when the parent goes away).
 */
export function serveAsChild(server: Server): void {
  server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => {
    const { port } = server.address() as AddressInfo;
    const message: ListeningMessage = { type: 'listening', url: `http://127.0.0.1:${port}` };
    process.send!(message);
  });
  process.on('message', (message: CloseMessage) => {
    if (message.type !== 'close') return;
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
  process.on('disconnect', () => process.exit(0));
}
