/**
 * The runner's side of the processes under fuzz: starts the server, then the plain and the strict
 * proxies in front of it (node with tsx's loader, as the npm scripts run the CLI; each a process of
 * its own), waits for their URLs, asks for their event-loop reports, and notices when one dies (the
 * others are then stopped: a restart starts all three afresh).
 * @module
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
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

export type TargetMessage = { type: 'ready'; urls: Record<string, string> } | ({ type: 'loop' } & LoopReport);

export interface FuzzTarget {
  urls: TargetUrls;
  /** Set once a process has exited: which, and its exit code or signal. */
  readonly exited: string | undefined;
  /** Every process's loop report since the previous one (then reset): the largest delay of any, and all stalls. */
  loop(): Promise<{ maxDelayMs: number; stalls: TargetStall[] }>;
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

function startChild(role: TargetRole, args: string[]): Promise<Child> {
  const child = fork(script, [role, ...args], { execArgv: ['--import', tsx], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
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

function loopOf(child: Child): Promise<{ maxDelayMs: number; stalls: TargetStall[] }> {
  return new Promise((done, fail) => {
    const exited = child.exited();
    if (exited) return fail(new Error(`the fuzz target has exited (${exited})`));
    const onMessage = (reply: TargetMessage) => {
      if (reply.type !== 'loop') return;
      child.process.off('message', onMessage);
      done({ maxDelayMs: reply.maxDelayMs, stalls: reply.stalls.map((stall) => ({ ...stall, process: child.role })) });
    };
    child.process.on('message', onMessage);
    child.process.send({ type: 'loop' });
  });
}

async function stop(child: Child): Promise<void> {
  if (child.exited()) return;
  if (child.process.connected) child.process.disconnect();
  await Promise.race([child.onExit, new Promise((r) => setTimeout(r, 3000).unref())]);
  if (!child.exited()) child.process.kill('SIGKILL');
}

export async function startTarget(): Promise<FuzzTarget> {
  const server = await startChild('server', []);
  let children: Child[] = [server];
  try {
    children = [server, ...(await Promise.all([startChild('proxy', [server.urls.server!]), startChild('strict-proxy', [server.urls.server!])]))];
  } catch (error) {
    await Promise.all(children.map(stop));
    throw error;
  }
  const [, proxy, strictProxy] = children as [Child, Child, Child];
  let exited: string | undefined;
  const onExit = Promise.race(children.map((c) => c.onExit)).then((reason) => {
    exited = reason;
    // One died: the others go too, so a restart starts all three afresh.
    void Promise.all(children.map(stop));
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
      return { maxDelayMs: Math.max(...reports.map((r) => r.maxDelayMs)), stalls: reports.flatMap((r) => r.stalls) };
    },
    close: async () => {
      await Promise.all(children.map(stop));
    },
  };
}
