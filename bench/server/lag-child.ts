/**
 * A reference server whose event loop is watched, for bench/large-body.bench.ts: `startServer` from
 * the source tree given as the first argument (this worktree, or a baseline checkout), and a 1 ms
 * interval timer whose gaps the parent resets before each request and reads after its answer. A
 * gap is one turn of the loop held by work: its wall time counts the time the process was not
 * scheduled too (the machine is shared), its CPU time (process.cpuUsage over the gap, GC threads
 * included) does not, so the CPU figure is the one to read under load.
 * @module
 */
import type * as Serve from '../../src/server/serve.js';

export type LagRequest = { type: 'reset' } | { type: 'read' };
export type LagMessage = { type: 'listening'; port: number } | { type: 'lag'; worstWallMs: number; worstCpuMs: number };

const root = process.argv[2]!;
const { startServer } = (await import(new URL('src/server/serve.ts', `file://${root.replace(/\/?$/, '/')}`).href)) as typeof Serve;
const server = await startServer({ host: '127.0.0.1', port: 0, ttftMs: 0, tokensPerSecond: 1e9, checkResponses: 'off' });

let worstWallMs = 0;
let worstCpuMs = 0;
let lastWall = performance.now();
let lastCpu = process.cpuUsage();
setInterval(() => {
  const wall = performance.now();
  const cpu = process.cpuUsage(lastCpu);
  worstWallMs = Math.max(worstWallMs, wall - lastWall);
  worstCpuMs = Math.max(worstCpuMs, (cpu.user + cpu.system) / 1000);
  lastWall = wall;
  lastCpu = process.cpuUsage();
}, 1);

process.send!({ type: 'listening', port: server.port } satisfies LagMessage);
process.on('message', (message: LagRequest) => {
  if (message.type === 'reset') {
    worstWallMs = 0;
    worstCpuMs = 0;
  } else process.send!({ type: 'lag', worstWallMs, worstCpuMs } satisfies LagMessage);
});
process.on('disconnect', () => void server.close().then(() => process.exit(0)));
