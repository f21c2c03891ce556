/**
 * The child processes of a server bench: every one tracked so that none outlives the bench (normal
 * end, error, Ctrl-C or the MAX_MINUTES deadline), forked TypeScript children that report where they
 * listen, and `sambakit serve` spawned as users run it.
 * @module
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ListeningMessage, MemoryReport, MemoryRequest, PaceReport, PaceRequest } from './messages.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const children = new Set<ChildProcess>();

export function track<T extends ChildProcess>(child: T): T {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** SIGKILL to every tracked child still running. */
export function killChildren(): void {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

/** Kills the tracked children on exit and on SIGINT/SIGTERM. */
export function killChildrenOnExit(): void {
  process.once('exit', killChildren);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      killChildren();
      process.exit(130);
    });
  }
}

/** As killChildrenOnExit, and ends the bench after `maxMinutes`. */
export function guardChildren(bench: string, maxMinutes: number): void {
  killChildrenOnExit();
  setTimeout(() => {
    process.stderr.write(`${bench}: still running after ${maxMinutes} min (MAX_MINUTES); stopping\n`);
    killChildren();
    process.exit(1);
  }, maxMinutes * 60_000).unref();
}

export function waitExit(child: ChildProcess, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve();
    }, timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Forks one of the TypeScript children under bench/server (through tsx's loader) and waits for its `listening` message. */
export function forkServer(script: string, options: ForkOptions = {}): Promise<{ child: ChildProcess; url: string }> {
  return forkBenchChild(`server/${script}`, options);
}

interface ForkOptions {
  env?: Record<string, string>;
  execArgv?: string[];
  /** Another checkout whose bench/ the script is taken from (and which it runs in): a baseline measured side by side. */
  root?: string;
}

/** Forks a TypeScript child at `script` under bench/ (through tsx's loader) and waits for its `listening` message. */
export async function forkBenchChild(script: string, options: ForkOptions = {}): Promise<{ child: ChildProcess; url: string }> {
  const at = options.root ?? root;
  const child = track(
    fork(`${at}bench/${script}`, [], {
      cwd: at,
      execArgv: [...(options.execArgv ?? []), '--import', 'tsx'],
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    }),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start in 60 s`)), 60_000);
    const onMessage = (message: ListeningMessage) => {
      if (message.type !== 'listening') return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(message.url);
    };
    child.on('message', onMessage);
    child.once('exit', (code) => reject(new Error(`${script} exited with code ${code}`)));
  });
  return { child, url };
}

export async function closeForked(child: ChildProcess): Promise<void> {
  if (child.connected) child.send({ type: 'close' });
  await waitExit(child, 10_000);
}

export interface ServeChild {
  child: ChildProcess;
  url: string;
  startS: number;
  /** Lines of request log read from its stdout so far. */
  lines(): number;
  stderr(): string;
}

/**
 * `node [nodeArgs] dist/cli/index.js serve --port 0 [serveArgs]`, as `npm start` runs it (request log
 * on stdout, read and counted here); with `ipc`, an IPC channel too (for bench/server/memory-probe.mjs).
 * From this tree's dist/, or from `root`'s (another checkout, built, measured side by side).
 */
export async function spawnServe(options: { serveArgs?: string[]; nodeArgs?: string[]; ipc?: boolean; root?: string } = {}): Promise<ServeChild> {
  const started = performance.now();
  const child = track(
    spawn(process.execPath, [...(options.nodeArgs ?? []), 'dist/cli/index.js', 'serve', '--port', '0', ...(options.serveArgs ?? [])], {
      cwd: options.root ?? root,
      stdio: options.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
    }),
  );
  let lines = 0;
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`sambakit serve did not print "listening on" in 60 s: ${stderr}`)), 60_000);
    child.stdout!.setEncoding('utf8').on('data', (s: string) => {
      lines += s.split('\n').length - 1;
      out += s;
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        out = '';
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`sambakit serve exited with code ${code}: ${stderr.trim().split('\n')[0] ?? ''}`));
    });
  });
  return { child, url, startS: (performance.now() - started) / 1000, lines: () => lines, stderr: () => stderr };
}

export async function stopServe(child: ChildProcess): Promise<void> {
  child.kill('SIGTERM');
  await waitExit(child, 10_000);
}

/** Node arguments that load the memory probe into a server child (`--expose-gc`, so that it can collect before measuring). */
export const memoryProbeArgs = ['--expose-gc', '--import', new URL('./memory-probe.mjs', import.meta.url).href];

/** Asks a child carrying the memory probe for its memory. */
export function askMemory(child: ChildProcess, gc: boolean): Promise<MemoryReport> {
  const request: MemoryRequest = { type: 'memory', gc };
  return askProbe<MemoryReport>(child, request, 'memory-report', 'the memory probe');
}

/** Sends `request` to a probe preloaded into `child` and waits (20 s at most) for its answer of type `answer`. */
function askProbe<T extends { type: string }>(child: ChildProcess, request: object, answer: T['type'], probe: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.off('message', onMessage);
      reject(new Error(`${probe} did not answer in 20 s`));
    }, 20_000);
    const onMessage = (message: T) => {
      if (message.type !== answer) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(message);
    };
    child.on('message', onMessage);
    child.send(request);
  });
}

/** Asks a child carrying the memory probe to write a V8 heap snapshot to `path`; resolves with where it was written. */
export function heapSnapshot(child: ChildProcess, path: string): Promise<string> {
  return new Promise((resolve) => {
    const onMessage = (message: { type: string; path: string }) => {
      if (message.type !== 'snapshot-written') return;
      child.off('message', onMessage);
      resolve(message.path);
    };
    child.on('message', onMessage);
    child.send({ type: 'snapshot', path });
  });
}

/** Node arguments that load bench/server/pace-probe.mjs into a server child (with an IPC channel). */
export const paceProbeArgs = ['--import', new URL('./pace-probe.mjs', import.meta.url).href];

/** Asks a child carrying the pace probe for its figures since the last ask; it then records until the next ask if `record`. */
export function askPace(child: ChildProcess, fromEpochMs: number, record: boolean): Promise<PaceReport> {
  const request: PaceRequest = { type: 'pace', fromEpochMs, record };
  return askProbe<PaceReport>(child, request, 'pace-report', 'the pace probe');
}
