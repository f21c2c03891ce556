/**
 * The load generator of the server bench, in its own process so that autocannon's work does not
 * share an event loop with the server under test. Forked by bench/server.bench.ts; runs one
 * autocannon measurement per `load` message and answers with a summary.
 * @module
 */
import autocannon from 'autocannon';
import type { LoadFailure, LoadRequest, LoadResult } from './messages.js';

process.on('message', (message: LoadRequest) => {
  if (message.type !== 'load') return;
  const cpuBefore = process.cpuUsage();
  autocannon({
    url: message.url,
    connections: message.connections,
    duration: message.durationS,
    pipelining: 1,
    method: message.method,
    headers: message.headers,
    body: message.body,
  }).then(
    (result) => {
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
    },
    (error: unknown) => {
      const reply: LoadFailure = { type: 'error', message: error instanceof Error ? error.message : String(error) };
      process.send!(reply);
    },
  );
});
process.on('disconnect', () => process.exit(0));
