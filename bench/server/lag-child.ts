/**
 * A reference server whose event loop is watched, for bench/large-body.bench.ts: `startServer` from
 * the source tree given as the first argument (this worktree, or a baseline checkout), in the check
 * mode given as the second (`off` when absent; `log` checks every answer against the spec), and the
 * longest loop turn (loop-gaps.ts), which the parent resets before each request and reads after its answer.
 * @module
 */
import type * as Serve from '../../src/server/serve.js';
import { watchLoopGaps } from './loop-gaps.js';

export type LagRequest = { type: 'reset' } | { type: 'read' };
export type LagMessage = { type: 'listening'; port: number } | { type: 'lag'; worstWallMs: number; worstCpuMs: number };

const root = process.argv[2]!;
const { startServer } = (await import(new URL('src/server/serve.ts', `file://${root.replace(/\/?$/, '/')}`).href)) as typeof Serve;
const checkResponses = (process.argv[3] ?? 'off') as 'off' | 'log';
// A violation would be the server's bug: said, so that a bench run shows it.
const server = await startServer({ host: '127.0.0.1', port: 0, ttftMs: 0, tokensPerSecond: 1e9, checkResponses, log: (line) => line.startsWith('response violation') && process.stderr.write(`${line.slice(0, 400)}\n`) });

const gaps = watchLoopGaps();

process.send!({ type: 'listening', port: server.port } satisfies LagMessage);
process.on('message', (message: LagRequest) => {
  if (message.type === 'reset') gaps.reset();
  else {
    const { worstWallMs, worstCpuMs } = gaps.worst();
    process.send!({ type: 'lag', worstWallMs, worstCpuMs } satisfies LagMessage);
  }
});
process.on('disconnect', () => void server.close().then(() => process.exit(0)));
