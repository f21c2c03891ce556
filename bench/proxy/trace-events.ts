/**
 * Timestamps of one process's part in a stream's first token, for bench/proxy/ttft-trace.ts: when a
 * request head was parsed, when the proxy dispatched it, wrote it upstream, got the answer's head and
 * first chunk, and when the first byte went down to the client. Clock: `performance.timeOrigin +
 * performance.now()` (ms since the epoch, sub-ms), comparable across the processes of one machine.
 * Exchanges are joined across processes by TCP port (each stream of a wave has its own connection).
 * Installed only when TRACE=1; it wraps node:http and undici prototypes, which the bench never does.
 * @module
 */
import { subscribe } from 'node:diagnostics_channel';
import { ServerResponse, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { Pool, type Dispatcher } from 'undici';

export interface TraceEvent {
  at: number;
  /** CPU time of this process so far (user + system, ms): steps inside one process read in it are less stretched by load than wall time. */
  cpu: number;
  /** The TCP port of the client of the connection the event is on (remote port of the server side). */
  port: number;
  event: 'head' | 'dispatch' | 'sent-upstream' | 'upstream-head' | 'upstream-data' | 'first-write';
  /** For `sent-upstream`: the proxy's local port to the target (the target's `head` port). */
  upstreamPort?: number;
}

export interface TraceRequest {
  type: 'trace';
}

export interface TraceReply {
  type: 'trace';
  events: TraceEvent[];
}

const now = () => performance.timeOrigin + performance.now();
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

export function installTrace(): void {
  const events: TraceEvent[] = [];
  subscribe('http.server.request.start', (message) => {
    const { request } = message as { request: IncomingMessage };
    events.push({ at: now(), cpu: cpuMs(), port: request.socket.remotePort ?? 0, event: 'head' });
  });
  const written = new WeakSet<ServerResponse>();
  const write = ServerResponse.prototype.write;
  ServerResponse.prototype.write = function (this: ServerResponse, ...args: unknown[]) {
    if (!written.has(this)) {
      written.add(this);
      events.push({ at: now(), cpu: cpuMs(), port: this.socket?.remotePort ?? 0, event: 'first-write' });
    }
    return (write as (...a: unknown[]) => boolean).apply(this, args);
  } as typeof write;

  // The proxy's side: each dispatch is tied to its client's port through the response it writes to.
  const portOf = new WeakMap<object, { port?: number; pending: TraceEvent[] }>();
  const dispatch = Pool.prototype.dispatch;
  let current: { port?: number; pending: TraceEvent[] } | undefined;
  const note = (entry: { port?: number; pending: TraceEvent[] }, event: TraceEvent['event'], upstreamPort?: number) => {
    const e: TraceEvent = { at: now(), cpu: cpuMs(), port: entry.port ?? 0, event, ...(upstreamPort ? { upstreamPort } : {}) };
    if (entry.port === undefined) entry.pending.push(e);
    else events.push(e);
  };
  ServerResponse.prototype.writeHead = new Proxy(ServerResponse.prototype.writeHead, {
    apply(target, self: ServerResponse, args) {
      if (current && current.port === undefined) {
        current.port = self.socket?.remotePort ?? 0;
        for (const e of current.pending) events.push({ ...e, port: current.port });
        current.pending = [];
      }
      return Reflect.apply(target, self, args) as ServerResponse;
    },
  });
  Pool.prototype.dispatch = function (this: Pool, options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler) {
    const entry = { pending: [] as TraceEvent[] } as { port?: number; pending: TraceEvent[] };
    let seenData = false;
    const wrapped = Object.assign(Object.create(handler) as Dispatcher.DispatchHandler, {
      onHeaders: (...args: Parameters<NonNullable<Dispatcher.DispatchHandler['onHeaders']>>) => {
        note(entry, 'upstream-head');
        current = entry;
        try {
          return handler.onHeaders!(...args);
        } finally {
          current = undefined;
        }
      },
      onData: (chunk: Buffer) => {
        if (!seenData) note(entry, 'upstream-data');
        seenData = true;
        return handler.onData!(chunk);
      },
    });
    portOf.set(wrapped, entry);
    note(entry, 'dispatch');
    return dispatch.call(this, options, wrapped);
  };
  subscribe('undici:client:sendHeaders', (message) => {
    const { request, socket } = message as { request: Record<symbol, unknown>; socket: Socket };
    const key = Object.getOwnPropertySymbols(request).find((s) => s.description === 'handler');
    const entry = key && portOf.get(request[key] as object);
    if (entry) note(entry, 'sent-upstream', socket.localPort);
  });
  process.on('message', (message: TraceRequest) => {
    if (message.type !== 'trace') return;
    const reply: TraceReply = { type: 'trace', events: events.splice(0) };
    process.send!(reply);
  });
}
