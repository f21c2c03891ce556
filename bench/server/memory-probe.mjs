/**
 * Preloaded (`node --expose-gc --import`) into a server child of the soak bench, which is spawned
 * with an IPC channel: answers each `{ type: 'memory', gc }` message with `process.memoryUsage()`
 * (after a full collection when asked), V8's committed size per heap space and the active handles by type, and each `{ type: 'snapshot',
 * path }` by writing a V8 heap snapshot there (for finding what a leak is made of). Plain JavaScript, so that the
 * server it rides in runs tsc's output without a TypeScript loader. The channel is unref'd, so it
 * never keeps a server alive that would otherwise exit.
 * @module
 */
import process from 'node:process';
import { getHeapSpaceStatistics, writeHeapSnapshot } from 'node:v8';

process.channel?.unref();
process.on('message', (message) => {
  if (message?.type === 'snapshot') {
    process.send?.({ type: 'snapshot-written', path: writeHeapSnapshot(message.path) });
    return;
  }
  if (message?.type !== 'memory') return;
  const collected = message.gc === true && typeof globalThis.gc === 'function';
  if (collected) globalThis.gc();
  const resources = {};
  for (const kind of process.getActiveResourcesInfo()) resources[kind] = (resources[kind] ?? 0) + 1;
  const usage = process.memoryUsage();
  // What V8 has committed per space (new_space's semi-spaces grow under load up to their maximum).
  const spaces = {};
  for (const s of getHeapSpaceStatistics()) spaces[s.space_name] = s.space_size;
  process.send?.({ type: 'memory-report', ...usage, spaces, resources, collected });
});
