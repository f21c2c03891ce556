/**
 * A process under fuzz (a child of the fuzz runner, started as the CLI starts servers), in one of
 * three roles, each a process of its own as users run them: the reference server as `sambakit serve`
 * runs it, or one `sambakit proxy` per API in front of it (`proxy` plain, `strict-proxy` with
 * `--strict`). Each has a heap and an event loop of its own, so a block is told apart by the process
 * that stalled. It watches its loop (loop-watch.ts) once it listens, and reports over IPC.
 * @module
 */
import { apiNames, apis } from '../../src/contract/apis.js';
import { startProxy } from '../../src/proxy/index.js';
import { startServer } from '../../src/server/index.js';
import { watchLoop } from './loop-watch.js';
import { fuzzApiKey } from './spec-operations.js';
import type { TargetMessage, TargetRole } from './target.js';

const [role, serverUrl] = process.argv.slice(2) as [TargetRole, string | undefined];
const watch = watchLoop();
const send = (message: TargetMessage) => process.send?.(message);

let urls: Record<string, string>;
if (role === 'server') {
  const server = await startServer({ host: '127.0.0.1', port: 0, apiKey: fuzzApiKey, ttftMs: 0, tokensPerSecond: 100_000, log: () => {} });
  urls = { server: server.url };
} else {
  if (!serverUrl) throw new Error(`the ${role} process needs the server's URL`);
  const strict = role === 'strict-proxy';
  const proxies = await Promise.all(apiNames.map(async (api) => [api, (await startProxy({ api, target: serverUrl + apis[api].mount, port: 0, strict, record: () => {} })).url] as const));
  urls = Object.fromEntries(proxies);
}

// Watched from here on: stalls while starting (loading modules, the proxies' check workers) came
// before the process listened, when nobody could wait for it.
watch.report();
const readyAt = Date.now();
process.on('message', (message: { type: 'loop' }) => {
  if (message.type !== 'loop') return;
  const report = watch.report();
  send({ type: 'loop', ...report, stalls: report.stalls.filter((stall) => stall.at > readyAt) });
});
process.on('disconnect', () => process.exit(0));
send({ type: 'ready', urls });
