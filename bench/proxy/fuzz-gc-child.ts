/**
 * The reference server of one tree, for fuzz-gc.ts: started as the fuzz starts its server (under
 * `--trace-gc-nvp`, whose lines go to stdout), watching its loop as the fuzz does; on `report` it
 * sends its loop's stalls, then its heap after a full GC.
 * @module
 */
import { getHeapStatistics } from 'node:v8';

const [tree, watchFrom] = process.argv.slice(2) as [string, string];
const { startServer } = (await import(`${tree}/src/server/index.ts`)) as typeof import('../../src/server/index.js');
const { watchLoop } = (await import(`${watchFrom}/scripts/fuzz/loop-watch.ts`)) as typeof import('../../scripts/fuzz/loop-watch.js');
const { fuzzApiKey } = (await import(`${watchFrom}/scripts/fuzz/spec-operations.ts`)) as typeof import('../../scripts/fuzz/spec-operations.js');

const server = await startServer({ host: '127.0.0.1', port: 0, apiKey: fuzzApiKey, ttftMs: 0, tokensPerSecond: 100_000, log: () => {} });
const watch = watchLoop();
process.on('message', (message: { type: string }) => {
  if (message.type !== 'report') return;
  const { stalls } = watch.report();
  // The stalls first: the full GC below is not the run's.
  (globalThis as { gc?: () => void }).gc?.();
  process.send!({ type: 'report', stalls, heapMB: Math.round(getHeapStatistics().used_heap_size / 2 ** 20) });
});
process.on('disconnect', () => process.exit(0));
process.send!({ type: 'ready', url: server.url });
