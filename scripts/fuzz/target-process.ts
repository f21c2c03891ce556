/**
 * The process under fuzz (a child of the fuzz runner, started as the CLI starts servers): the
 * reference server as `sambakit serve` runs it, and one `sambakit proxy` per API in front of it, plain
 * and `--strict`. It watches its own event loop and reports over IPC: the largest delay Node's
 * `monitorEventLoopDelay` saw, and every stall over the threshold with the CPU time the process
 * spent during it (a stall the process spent computing is a block; one without CPU time is the
 * machine's load).
 * @module
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { apiNames, apis } from '../../src/contract/apis.js';
import { startProxy } from '../../src/proxy/index.js';
import { startServer } from '../../src/server/index.js';
import { fuzzApiKey } from './spec-operations.js';
import type { LoopStall, TargetMessage, TargetUrls } from './target.js';

const tickMs = 10;
const reportStallsOverMs = 50;

const histogram = monitorEventLoopDelay({ resolution: tickMs });
histogram.enable();
let stalls: LoopStall[] = [];
let last = performance.now();
let lastCpuMs = cpuMs();
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}
// One CPU reading per tick: the watch itself should cost the loop as little as it can.
setInterval(() => {
  const now = performance.now();
  const cpu = cpuMs();
  const stallMs = now - last - tickMs;
  if (stallMs > reportStallsOverMs) stalls.push({ at: Date.now(), stallMs: Math.round(stallMs), cpuMs: Math.round(cpu - lastCpuMs) });
  last = now;
  lastCpuMs = cpu;
}, tickMs);

const send = (message: TargetMessage) => process.send?.(message);

const server = await startServer({ host: '127.0.0.1', port: 0, apiKey: fuzzApiKey, ttftMs: 0, tokensPerSecond: 100_000, log: () => {} });
const proxies = await Promise.all(
  apiNames.flatMap((api) =>
    [false, true].map(async (strict) => {
      const proxy = await startProxy({ api, target: server.url + apis[api].mount, port: 0, strict, record: () => {} });
      return { api, strict, url: proxy.url };
    }),
  ),
);
const urls: TargetUrls = {
  server: server.url,
  proxy: Object.fromEntries(proxies.filter((p) => !p.strict).map((p) => [p.api, p.url])) as TargetUrls['proxy'],
  strictProxy: Object.fromEntries(proxies.filter((p) => p.strict).map((p) => [p.api, p.url])) as TargetUrls['strictProxy'],
};

process.on('message', (message: { type: 'loop' }) => {
  if (message.type !== 'loop') return;
  send({ type: 'loop', maxDelayMs: histogram.max / 1e6, stalls });
  histogram.reset();
  stalls = [];
});
process.on('disconnect', () => process.exit(0));
send({ type: 'ready', urls });
