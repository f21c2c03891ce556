/** The proxy on a random loopback port in front of a target, with every record it reports kept. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import { connect as connectTcp, type AddressInfo, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import type { ApiName } from '../../src/contract/apis.js';
import { startProxy, type ProxyOptions, type ProxyRecord, type RunningProxy } from '../../src/proxy/index.js';

export interface TestProxy extends RunningProxy {
  records: ProxyRecord[];
  /** Records of one kind, for short assertions. */
  violations(): Extract<ProxyRecord, { kind: 'violation' }>[];
  faults(): Extract<ProxyRecord, { kind: 'upstream-fault' }>[];
}

export async function withProxy(api: ApiName, target: string, options: Partial<Omit<ProxyOptions, 'api' | 'target' | 'record'>> = {}): Promise<TestProxy> {
  const records: ProxyRecord[] = [];
  // Check workers start with the first body checked there (a big one, or an invalid small one): a file starting a dozen proxies (each worker
  // loading every validator, compiled by tsx) would spend its hooks' time on workers it never uses.
  const proxy = await startProxy({ api, target, port: 0, record: (r) => records.push(r), checkWorkerAtStart: false, ...options });
  return Object.assign(proxy, {
    records,
    violations: () => records.filter((r): r is Extract<ProxyRecord, { kind: 'violation' }> => r.kind === 'violation'),
    faults: () => records.filter((r): r is Extract<ProxyRecord, { kind: 'upstream-fault' }> => r.kind === 'upstream-fault'),
  });
}

/** Records without what differs from one exchange to the next (times, ids). */
export function comparableRecords(records: readonly ProxyRecord[]): unknown[] {
  return records.map((record) => {
    const { time: _time, ...rest } = record as ProxyRecord & { requestId?: string; upstreamRequestId?: string };
    delete rest.requestId;
    delete rest.upstreamRequestId;
    return rest;
  });
}

/**
 * Records are written when an exchange's checks end, just after its last byte went to the client:
 * waits until every exchange the proxy has taken is over (or fails after 20 s, saying how far it got).
 */
export async function settled(proxy: TestProxy): Promise<void> {
  for (let waited = 0; ; waited += 5) {
    const { requests, completed } = proxy.summary();
    if (completed === requests) return;
    if (waited > 20_000) throw new Error(`proxy: ${completed} of ${requests} exchanges over after 20 s`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A plain node:http target for what the reference server cannot show (echoes, held streams). */
export async function rawTarget(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** How far a pump got: copies written, and whether the last write found the sink full. */
export interface Pump {
  written: number;
  blocked: boolean;
}

/** Writes `total` copies of `chunk` to `sink` as fast as it takes them (waiting for each drain), then calls `done`. */
export function pump(sink: { write(chunk: Buffer): boolean; once(event: 'drain', listener: () => void): unknown }, chunk: Buffer, total: number, done: () => void = () => {}): Pump {
  const state: Pump = { written: 0, blocked: false };
  const next = (): void => {
    while (state.written < total) {
      state.written++;
      if (!sink.write(chunk)) {
        state.blocked = true;
        sink.once('drain', () => {
          state.blocked = false;
          next();
        });
        return;
      }
    }
    done();
  };
  next();
  return state;
}

/** Waits until `state` stays blocked at the same count: every buffer on the way is full. */
export async function heldBack(state: Pump): Promise<void> {
  let last = -1;
  while (!(state.blocked && state.written === last)) {
    last = state.written;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The test CA and server certificates of test/fixtures/tls (see its README: valid for 100 years). */
export const tlsFixtures = new URL('../fixtures/tls/', import.meta.url);

/**
 * A TLS terminator on a random loopback port in front of `target` (an http URL): each TLS
 * connection is piped to a TCP connection of its own, so the target is served as https with the
 * certificate `cert` of test/fixtures/tls (`localhost`: 127.0.0.1 and localhost; `wrong-host`:
 * wrong.example only). `servernames` lists the SNI names the clients sent.
 */
export async function tlsTerminator(target: string, cert: 'localhost' | 'wrong-host' = 'localhost'): Promise<{ port: number; servernames: Array<string | false | null>; close(): Promise<void> }> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  const servernames: Array<string | false | null> = [];
  const server = createTlsServer({ key: readFileSync(new URL(`${cert}.key`, tlsFixtures)), cert: readFileSync(new URL(`${cert}.pem`, tlsFixtures)) }, (secure) => {
    servernames.push(secure.servername);
    const plain = connectTcp({ host: hostname, port: Number(port) });
    for (const socket of [secure, plain]) {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      socket.on('error', () => {});
    }
    secure.pipe(plain).pipe(secure);
    secure.once('close', () => plain.destroy());
    plain.once('close', () => secure.destroy());
  });
  // A handshake the client refuses (an unknown CA, a wrong name) ends in an error here too.
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  return {
    port: (server.address() as AddressInfo).port,
    servernames,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}
