/**
 * A plain and a strict proxy in front of TARGET, in a process whose longest loop turn is watched
 * (bench/server/loop-gaps.ts), for bench/proxy-checks.bench.ts. OFF_LOOP_BYTES sets the size from
 * which bodies are checked in the worker thread (unset: the default; "Infinity": every body on the loop, as before).
 * The parent resets the watch before each exchange; `read` answers once every check is over.
 * @module
 */
import { startProxy, type RunningProxy } from '../../src/proxy/index.js';
import { watchLoopGaps, type Gaps } from '../server/loop-gaps.js';

export type ProxyLagRequest = { type: 'reset' } | { type: 'read' };
export type ProxyLagMessage = { type: 'listening'; plain: string; strict: string } | ({ type: 'lag' } & Gaps);

// Unset: the proxy's default.
const offLoopCheckBytes = process.env.OFF_LOOP_BYTES ? Number(process.env.OFF_LOOP_BYTES) : undefined;
const start = (strict: boolean) => startProxy({ api: 'sambanova-cloud', target: process.env.TARGET!, port: 0, strict, ...(offLoopCheckBytes === undefined ? {} : { offLoopCheckBytes }), record: () => {} });
const [plain, strict] = await Promise.all([start(false), start(true)]);
const gaps = watchLoopGaps();

/** Every exchange's checks are over (a plain proxy checks after the answer has left). */
async function settled(proxy: RunningProxy): Promise<void> {
  while (proxy.summary().completed < proxy.summary().requests) await new Promise((resolve) => setTimeout(resolve, 5));
}

process.send!({ type: 'listening', plain: plain.url, strict: strict.url } satisfies ProxyLagMessage);
process.on('message', (message: ProxyLagRequest) => {
  if (message.type === 'reset') gaps.reset();
  else void Promise.all([settled(plain), settled(strict)]).then(() => process.send!({ type: 'lag', ...gaps.worst() } satisfies ProxyLagMessage));
});
process.on('disconnect', () => void Promise.all([plain.close(), strict.close()]).then(() => process.exit(0)));
