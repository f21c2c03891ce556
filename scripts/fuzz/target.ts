/**
 * The runner's side of the processes under fuzz: starts the server, then the plain and the strict
 * proxies in front of it (node with tsx's loader, as the npm scripts run the CLI; each a process of
 * its own), waits for their URLs, asks for their event-loop reports, and notices when one dies (the
 * others are then stopped: a restart starts all three afresh).
 * @module
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ApiName } from '../../src/contract/apis.js';
import type { LoopReport, LoopStall } from './loop-watch.js';

export type { LoopReport } from './loop-watch.js';

/** The processes under fuzz. */
export type TargetRole = 'server' | 'proxy' | 'strict-proxy';

export interface TargetUrls {
  server: string;
  proxy: Record<ApiName, string>;
  strictProxy: Record<ApiName, string>;
}

/** A stall of one process under fuzz. */
export interface TargetStall extends LoopStall {
  process: TargetRole;
}

export interface TargetLoopReport {
  maxDelayMs: number;
  stalls: TargetStall[];
  heapMB: Partial<Record<TargetRole, number>>;
}

export type TargetMessage = { type: 'ready'; urls: Record<string, string> } | ({ type: 'loop' } & LoopReport);

export interface FuzzTarget {
  urls: TargetUrls;
  /** Set once a process has exited: which, and its exit code or signal. */
  readonly exited: string | undefined;
  /** Every process's loop report since the previous one (then reset): the largest delay of any, all stalls, and each one's heap now. */
  loop(): Promise<TargetLoopReport>;
  /** Resolves when a process has exited (a crash). */
  onExit: Promise<string>;
  close(): Promise<void>;
  /** The last lines the processes wrote to stderr (what a crash said). */
  stderr(): string;
}

const script = fileURLToPath(new URL('./target-process.ts', import.meta.url));
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

interface Child {
  role: TargetRole;
  process: ChildProcess;
  urls: Record<string, string>;
  stderr: () => string;
  exited: () => string | undefined;
  onExit: Promise<string>;
}

function startChild(role: TargetRole, args: string[], execArgv: readonly string[]): Promise<Child> {
  const child = fork(script, [role, ...args], { execArgv: ['--import', tsx, ...execArgv], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  let exited: string | undefined;
  const onExit = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve((exited = `${role} ${signal ?? `exit code ${code}`}`))));
  return new Promise((resolve, reject) => {
    void onExit.then((reason) => reject(new Error(`the fuzz target exited before it was ready (${reason}): ${stderr}`)));
    child.once('message', (message: TargetMessage) => {
      if (message.type === 'ready') resolve({ role, process: child, urls: message.urls, stderr: () => stderr, exited: () => exited, onExit });
    });
  });
}

function loopOf(child: Child): Promise<LoopReport & { stalls: TargetStall[] }> {
  return new Promise((done, fail) => {
    const exited = child.exited();
    if (exited) return fail(new Error(`the fuzz target has exited (${exited})`));
    const onMessage = (reply: TargetMessage) => {
      if (reply.type !== 'loop') return;
      child.process.off('message', onMessage);
      done({ maxDelayMs: reply.maxDelayMs, heapMB: reply.heapMB, stalls: reply.stalls.map((stall) => ({ ...stall, process: child.role })) });
    };
    child.process.on('message', onMessage);
    child.process.send({ type: 'loop' });
  });
}

async function stop(child: Child, graceMs: number): Promise<void> {
  if (child.exited()) return;
  if (child.process.connected) child.process.disconnect();
  await Promise.race([child.onExit, new Promise((r) => setTimeout(r, graceMs).unref())]);
  if (!child.exited()) child.process.kill('SIGKILL');
}

/**
 * Starts the three processes. With `cpuProfDir`, each runs under `node --cpu-prof` and writes its
 * profiles (one per thread) into `<cpuProfDir>/<role>/` as it exits.
 */
export async function startTarget({ cpuProfDir }: { cpuProfDir?: string } = {}): Promise<FuzzTarget> {
  const execArgv = (role: TargetRole) => (cpuProfDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${join(cpuProfDir, role)}`]);
  // A long run's profile takes seconds to write on the loaded machine: killed before, it is lost.
  const graceMs = cpuProfDir === undefined ? 3000 : 60_000;
  const stopAll = (children: Child[]) => Promise.all(children.map((child) => stop(child, graceMs)));
  const server = await startChild('server', [], execArgv('server'));
  let children: Child[] = [server];
  try {
    const proxies = (['proxy', 'strict-proxy'] as const).map((role) => startChild(role, [server.urls.server!], execArgv(role)));
    children = [server, ...(await Promise.all(proxies))];
  } catch (error) {
    await stopAll(children);
    throw error;
  }
  const [, proxy, strictProxy] = children as [Child, Child, Child];
  let exited: string | undefined;
  const onExit = Promise.race(children.map((c) => c.onExit)).then((reason) => {
    exited = reason;
    // One died: the others go too, so a restart starts all three afresh.
    void stopAll(children);
    return reason;
  });
  return {
    urls: { server: server.urls.server!, proxy: proxy.urls as TargetUrls['proxy'], strictProxy: strictProxy.urls as TargetUrls['strictProxy'] },
    get exited() {
      return exited;
    },
    onExit,
    stderr: () => children.map((c) => c.stderr() && `[${c.role}] ${c.stderr()}`).join(''),
    loop: async () => {
      const reports = await Promise.all(children.map(loopOf));
      return {
        maxDelayMs: Math.max(...reports.map((r) => r.maxDelayMs)),
        stalls: reports.flatMap((r) => r.stalls),
        heapMB: Object.fromEntries(children.map((c, i) => [c.role, reports[i]!.heapMB])),
      };
    },
    close: async () => {
      await stopAll(children);
    },
  };
}
