/** What `startProxy` takes, and the defaults that change what is sent or received, named once. @module */
import type { ApiName } from '../contract/apis.js';
import type { ProxyRecord } from './records.js';

export interface ProxyOptions {
  /** Which spec the traffic is checked against. */
  api: ApiName;
  /** Where requests go: origin plus an optional base path, which every request path is appended to. */
  target: string | URL;
  /**
   * PEM certificates of CAs an https target's certificate may chain to, trusted on top of Node's
   * built-in list and NODE_EXTRA_CA_CERTS (a private CA of an intranet host).
   */
  targetCa?: readonly string[];
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Answer a request that breaks the spec with the API's own error instead of forwarding it. */
  strict?: boolean;
  /** Milliseconds to wait for the target's response headers; then 504 in the API's error shape. */
  upstreamTimeoutMs?: number;
  /** Milliseconds a client has to send a request's head, from its first byte (or the connection's start); then 408 and the connection closes. */
  headersTimeoutMs?: number;
  /**
   * Milliseconds a request body that --strict holds whole for its check may take to come, from the
   * end of its head; then 408 in the API's error shape and the connection closes. (A body that is
   * not held goes on as it comes: the target's own timeout applies to it.)
   */
  bodyTimeoutMs?: number;
  /** Milliseconds a client connection may sit idle between answered requests before it is closed. */
  idleTimeoutMs?: number;
  /** Largest body (request or non-streamed response) copied for checking; larger ones are forwarded unchecked. */
  checkLimitBytes?: number;
  /** Bodies of this size or more are parsed and checked in a worker thread, off the event loop. */
  offLoopCheckBytes?: number;
  /**
   * Start that worker (and load the form parser) before listening (default), so that loading them
   * is not work of the first exchange that needs them; false starts it with the first body it checks, a big one or an invalid small one (a
   * process that starts many proxies, as tests do, pays for the workers it uses).
   */
  checkWorkerAtStart?: boolean;
  /** Where violations, upstream faults and the summary go, one record per call (the key already removed). */
  record: (record: ProxyRecord) => void;
}

export const defaultProxyOptions = {
  host: '127.0.0.1',
  port: 8090,
  // Long enough for a loaded inference service to start answering; the target's own stalls after
  // the headers are streams pausing, which the proxy leaves alone.
  upstreamTimeoutMs: 60_000,
  // node:http's own defaults, which the proxy had while it was built on node:http: a slow or silent
  // client cannot hold a connection (and the target connection it opened) for long.
  headersTimeoutMs: 60_000,
  idleTimeoutMs: 5_000,
  // node:http's requestTimeout, the whole request's time limit the target would apply with its defaults.
  bodyTimeoutMs: 300_000,
  // The reference server's default body limit: an upload that big is still checked.
  checkLimitBytes: 26_214_400,
  // About 10-60 ms of parsing and validation on the loop (a quarter-megabyte body of many small
  // messages, this machine, loaded); the worker's round trip costs more than that below it.
  offLoopCheckBytes: 262_144,
} as const;
