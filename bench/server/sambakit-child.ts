/**
 * The sambakit reference server for the req/s part of the server bench, in its own process (forked by
 * bench/server.bench.ts, optionally under `--cpu-prof`): `startServer` from dist/ (built by the bench
 * first, so that the code measured is tsc's output, as `npm start` runs it), no log
 * function, response checks off, no pacing delay (ttftMs 0 and a very high tokensPerSecond, so that
 * a non-stream answer is never held back for pacing).
 * @module
 */
import type * as Serve from '../../src/server/serve.js';
import type { CloseMessage, ListeningMessage } from './messages.js';

const { startServer } = (await import(new URL('../../dist/server/serve.js', import.meta.url).href)) as typeof Serve;
const server = await startServer({ host: '127.0.0.1', port: 0, ttftMs: 0, tokensPerSecond: 1e9, checkResponses: 'off' });
const listening: ListeningMessage = { type: 'listening', url: server.url };
process.send!(listening);

let closing = false;
async function close(): Promise<void> {
  if (closing) return;
  closing = true;
  await server.close();
  // A normal exit, so that --cpu-prof writes its profile.
  process.exit(0);
}
process.on('message', (message: CloseMessage) => {
  if (message.type === 'close') void close();
});
process.on('disconnect', () => void close());
