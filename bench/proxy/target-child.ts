/**
 * The target of the proxy bench: the reference server in its own process (forked by
 * bench/proxy.bench.ts), paced by TTFT_MS and TOKENS_PER_SECOND, response checks off.
 * @module
 */
import { startServer } from '../../src/server/serve.js';
import type { CloseMessage, ListeningMessage } from '../server/messages.js';

const server = await startServer({ host: '127.0.0.1', port: 0, ttftMs: Number(process.env.TTFT_MS ?? 0), tokensPerSecond: Number(process.env.TOKENS_PER_SECOND ?? 1e9), checkResponses: 'off' });
const listening: ListeningMessage = { type: 'listening', url: server.url };
process.send!(listening);
const close = () => void server.close().then(() => process.exit(0));
process.on('message', (message: CloseMessage) => message.type === 'close' && close());
process.on('disconnect', close);
