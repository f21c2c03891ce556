import { fork } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { forkBenchChild, track, waitExit } from '../server/children.js';
import type { LoadResult } from '../server/messages.js';
import { summariseProfile } from '../server/profile.js';
import { readProc } from '../server/procstat.js';

const dir = process.env.PROF_DIR ?? '/tmp/px/prof';
const target = await forkBenchChild('proxy/target-child.ts');
const proxy = await forkBenchChild('proxy/proxy-child.ts', { env: { TARGET: target.url }, execArgv: process.env.NOPROF ? [] : ['--cpu-prof', `--cpu-prof-dir=${dir}`] });
const loader = track(fork('bench/server/load-child.ts', [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
const body = JSON.stringify({ model: 'Meta-Llama-3.3-70B-Instruct', messages: [{ role: 'user', content: 'Why is the sky blue?' }], max_tokens: 16, temperature: 0 });
const load = (url: string, s: number) => new Promise<LoadResult>((resolve) => { loader.once('message', (m: LoadResult) => resolve(m)); loader.send({ type: 'load', url, connections: 50, durationS: s, method: 'POST', headers: { authorization: 'Bearer x', 'content-type': 'application/json' }, body }); });
const url = `${proxy.url}/cloud/v1/chat/completions`;
await load(url, 2);
for (let i = 0; i < Number(process.env.RUNS ?? 2); i++) {
  const b = [readProc(proxy.child.pid!)!.cpuMs, readProc(target.child.pid!)!.cpuMs];
  const r = await load(url, Number(process.env.SECS ?? 5));
  const a = [readProc(proxy.child.pid!)!.cpuMs, readProc(target.child.pid!)!.cpuMs];
  console.log(`req/s ${r.requestsPerSecond.toFixed(0)} proxy ${((a[0]! - b[0]!) / r.completed).toFixed(4)} ms/exchange target ${((a[1]! - b[1]!) / r.completed).toFixed(4)}`);
}
loader.disconnect();
proxy.child.send({ type: 'close' });
target.child.send({ type: 'close' });
await waitExit(proxy.child, 20000);
if (!process.env.NOPROF) {
  const file = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).sort().at(-1)!;
  const s = summariseProfile(`${dir}/${file}`, 30);
  console.log(`busy ${s.busyMs.toFixed(0)} idle ${s.idleMs.toFixed(0)}`);
  for (const t of s.top) console.log(`${t.percent.toFixed(1)}%\t${t.name}\t${t.where}`);
  console.log('--- inclusive');
  for (const t of s.inclusive.slice(0, 30)) console.log(`${t.percent.toFixed(1)}%\t${t.name}\t${t.where}`);
}
process.exit(0);
