/** Runs the proxy on a TCP listener: each client connection is relayed by a ConnectionHop of its own. @module */
import { createServer, type AddressInfo, type Server } from 'node:net';
import { PortInUseError } from '../server/port-in-use.js';
import { BodyChecks } from './body-checks.js';
import { CheckQueue } from './check-queue.js';
import { ConnectionHop, type HopContext } from './connection-hop.js';
import { loadFormParser } from './exchange-check.js';
import { defaultProxyOptions, type ProxyOptions } from './options.js';
import type { SummaryRecord } from './records.js';
import { TrafficSummary } from './summary.js';
import { trustedCas } from './target-connection.js';

export interface RunningProxy {
  url: string;
  host: string;
  port: number;
  target: string;
  /** What went through so far. */
  summary(): SummaryRecord;
  /** Stops listening, drops open connections, and returns the final summary (also sent to `record`). */
  close(): Promise<SummaryRecord>;
}

/** The target as a URL; throws a TypeError naming what is wrong. */
export function parseTarget(target: string | URL): URL {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new TypeError(`--target "${String(target)}" is not a URL (expected http://host[:port][/base])`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`--target must be http:// or https://, got ${url.protocol}`);
  if (url.search || url.hash) throw new TypeError('--target takes no query or fragment');
  if (url.username || url.password) throw new TypeError('--target takes no credentials (send them as the API asks, in headers)');
  return url;
}

export function startProxy(options: ProxyOptions): Promise<RunningProxy> {
  const target = parseTarget(options.target);
  const shownTarget = target.href.replace(/\/$/, '');
  const summary = new TrafficSummary(options.api, shownTarget);
  const bodyChecks = new BodyChecks(options.offLoopCheckBytes ?? defaultProxyOptions.offLoopCheckBytes);
  const context: HopContext = {
    api: options.api,
    target,
    endpoint: { url: target, ca: options.targetCa ? trustedCas(options.targetCa) : undefined },
    basePath: target.pathname.replace(/\/+$/, ''),
    strict: options.strict ?? false,
    headersTimeoutMs: options.headersTimeoutMs ?? defaultProxyOptions.headersTimeoutMs,
    idleTimeoutMs: options.idleTimeoutMs ?? defaultProxyOptions.idleTimeoutMs,
    bodyTimeoutMs: options.bodyTimeoutMs ?? defaultProxyOptions.bodyTimeoutMs,
    upstreamTimeoutMs: options.upstreamTimeoutMs ?? defaultProxyOptions.upstreamTimeoutMs,
    checkLimitBytes: options.checkLimitBytes ?? defaultProxyOptions.checkLimitBytes,
    checks: new CheckQueue(),
    bodyChecks,
    summary,
    record: options.record,
  };
  // The check worker and the form parser are loaded before the first connection, not in the middle of the first exchange that needs them.
  const ready = options.checkWorkerAtStart === false ? Promise.resolve() : Promise.all([bodyChecks.start(), loadFormParser()]);
  return ready.then(() => listen(options, context, bodyChecks, summary, shownTarget));
}

function listen(options: ProxyOptions, context: HopContext, bodyChecks: BodyChecks, summary: TrafficSummary, shownTarget: string): Promise<RunningProxy> {
  const host = options.host ?? defaultProxyOptions.host;
  return new Promise((resolve, reject) => {
    const hops = new Set<ConnectionHop>();
    // Half-open: a client that has sent its last request and closed its side still gets the answers.
    const server: Server = createServer({ allowHalfOpen: true, noDelay: true }, (client) => {
      const hop = new ConnectionHop(context, client);
      hops.add(hop);
      client.once('close', () => hops.delete(hop));
    });
    const onError = (error: NodeJS.ErrnoException) => {
      // The worker started for it would keep the process alive.
      void bodyChecks.close();
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(host, options.port ?? 0) : error);
    };
    server.once('error', onError);
    server.listen({ host, port: options.port ?? defaultProxyOptions.port, backlog: 4096 }, () => {
      server.off('error', onError);
      const info = server.address() as AddressInfo;
      const shownHost = host.includes(':') ? `[${host}]` : host;
      let closed: Promise<SummaryRecord> | undefined;
      resolve({
        url: `http://${shownHost}:${info.port}`,
        host,
        port: info.port,
        target: shownTarget,
        summary: () => summary.snapshot(),
        close: () =>
          (closed ??= new Promise<SummaryRecord>((done) => {
            server.close(() => {
              // Checks still running (of whole bodies, their exchanges answered or just cut) are recorded before the summary.
              void bodyChecks.close().then(() => {
                const final = summary.snapshot();
                options.record(final);
                done(final);
              });
            });
            for (const hop of hops) hop.destroy();
          })),
      });
    });
  });
}
