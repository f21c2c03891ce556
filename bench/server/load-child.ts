/**
 * The load generator of the server benches, in its own process so that autocannon's work does not
 * share an event loop with the server under test. Forked by bench/server.bench.ts and
 * bench/soak.bench.ts; runs one autocannon measurement per `load` (one request, for a duration) or
 * `mixed` (a list of requests cycled, for an amount) message and answers with a summary.
 * @module
 */
import autocannon from 'autocannon';
import { median } from './stats.js';
import type { FamilyTally, LoadFailure, LoadRequest, LoadResult, MixedLoadRequest, MixedLoadResult } from './messages.js';

function fail(error: unknown): void {
  const reply: LoadFailure = { type: 'error', message: error instanceof Error ? error.message : String(error) };
  process.send!(reply);
}

function runLoad(message: LoadRequest): void {
  const cpuBefore = process.cpuUsage();
  autocannon({
    url: message.url,
    connections: message.connections,
    duration: message.durationS,
    pipelining: 1,
    method: message.method,
    headers: message.headers,
    body: message.body,
  }).then((result) => {
    const cpu = process.cpuUsage(cpuBefore);
    const reply: LoadResult = {
      type: 'result',
      requestsPerSecond: result.requests.average,
      completed: result.latency.totalCount,
      durationS: result.duration,
      latencyP50: result.latency.p50,
      latencyP99: result.latency.p99,
      latencyMax: result.latency.max,
      errors: result.errors,
      timeouts: result.timeouts,
      non2xx: result.non2xx,
      statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, stat]) => [code, stat.count])),
      cpuMs: (cpu.user + cpu.system) / 1000,
    };
    process.send!(reply);
  }, fail);
}

/**
 * One autocannon instance per entry of the list, all at once, sharing the connections: each
 * instance's status counts are then exactly its entry's (autocannon's own `requests` list ties a
 * response to the list position it has reached, which a connection reset shifts).
 */
function runMixed(message: MixedLoadRequest): void {
  const cpuBefore = process.cpuUsage();
  const n = message.requests.length;
  const started = performance.now();
  const runs = message.requests.map((spec, i) =>
    autocannon({
      url: `${message.url}${spec.path}`,
      connections: Math.max(1, Math.round(message.connections / n)),
      amount: Math.floor(message.amount / n) + (i < message.amount % n ? 1 : 0),
      pipelining: 1,
      timeout: 60,
      method: spec.method,
      headers: spec.headers,
      body: spec.bodyBase64 === undefined ? undefined : Buffer.from(spec.bodyBase64, 'base64'),
    }).then((result) => ({ spec, result })),
  );
  Promise.all(runs).then((done) => {
    const cpu = process.cpuUsage(cpuBefore);
    const families: Record<string, FamilyTally> = {};
    const statusCodes: Record<string, number> = {};
    for (const { spec, result } of done) {
      const tally = (families[spec.family] ??= { expected: 0, unexpected: 0, serverErrors: 0, errors: 0, samples: [] });
      tally.errors += result.errors + result.timeouts;
      for (const [code, stat] of Object.entries(result.statusCodeStats)) {
        statusCodes[code] = (statusCodes[code] ?? 0) + stat.count;
        if (Math.floor(Number(code) / 100) === spec.expect) {
          tally.expected += stat.count;
          continue;
        }
        tally.unexpected += stat.count;
        if (Number(code) >= 500) tally.serverErrors += stat.count;
        if (tally.samples.length < 3) tally.samples.push(`${spec.method} ${spec.path} → ${code} ×${stat.count}`);
      }
    }
    const results = done.map((d) => d.result);
    const completed = results.reduce((sum, r) => sum + r.latency.totalCount, 0);
    const durationS = (performance.now() - started) / 1000;
    const reply: MixedLoadResult = {
      type: 'mixed-result',
      completed,
      durationS,
      requestsPerSecond: completed / durationS,
      latencyP50: median(results.map((r) => r.latency.p50)),
      latencyP99: Math.max(...results.map((r) => r.latency.p99)),
      errors: results.reduce((sum, r) => sum + r.errors, 0),
      timeouts: results.reduce((sum, r) => sum + r.timeouts, 0),
      statusCodes,
      families,
      cpuMs: (cpu.user + cpu.system) / 1000,
    };
    process.send!(reply);
  }, fail);
}

process.on('message', (message: LoadRequest | MixedLoadRequest) => {
  if (message.type === 'load') runLoad(message);
  else if (message.type === 'mixed') runMixed(message);
});
process.on('disconnect', () => process.exit(0));
