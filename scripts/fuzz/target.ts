/**
 * The runner's side of the process under fuzz: starts it (node with tsx's loader, as the npm
 * scripts run the CLI), waits for its URLs, asks for its event-loop report, and notices when it dies.
 * @module
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ApiName } from '../../src/contract/apis.js';

export interface TargetUrls {
  server: string;
  proxy: Record<ApiName, string>;
  strictProxy: Record<ApiName, string>;
}

export interface LoopStall {
  /** When it ended (epoch ms). */
  at: number;
  stallMs: number;
  /** CPU time (user + system, all threads) the process used over the stall. */
  cpuMs: number;
}

export interface LoopReport {
  maxDelayMs: number;
  stalls: LoopStall[];
}

export type TargetMessage = ({ type: 'ready'; urls: TargetUrls }) | ({ type: 'loop' } & LoopReport);

export interface FuzzTarget {
  urls: TargetUrls;
  /** Set once the process has exited: its exit code or signal. */
  readonly exited: string | undefined;
  /** The loop's report since the previous one (then reset). */
  loop(): Promise<LoopReport>;
  /** Resolves when the process has exited (a crash). */
  onExit: Promise<string>;
  close(): Promise<void>;
  /** The last lines it wrote to stderr (what a crash said). */
  stderr(): string;
}

const script = fileURLToPath(new URL('./target-process.ts', import.meta.url));
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

export function startTarget(): Promise<FuzzTarget> {
  const child: ChildProcess = fork(script, [], { execArgv: ['--import', tsx], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  let exited: string | undefined;
  const onExit = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve((exited = signal ?? `exit code ${code}`))));
  return new Promise((resolve, reject) => {
    const onEarlyExit = (reason: string) => reject(new Error(`the fuzz target exited before it was ready (${reason}): ${stderr}`));
    void onExit.then(onEarlyExit);
    child.once('message', (message: TargetMessage) => {
      if (message.type !== 'ready') return;
      resolve({
        urls: message.urls,
        get exited() {
          return exited;
        },
        onExit,
        stderr: () => stderr,
        loop: () =>
          new Promise<LoopReport>((done, fail) => {
            if (exited) return fail(new Error(`the fuzz target has exited (${exited})`));
            const onMessage = (reply: TargetMessage) => {
              if (reply.type !== 'loop') return;
              child.off('message', onMessage);
              done({ maxDelayMs: reply.maxDelayMs, stalls: reply.stalls });
            };
            child.on("message", onMessage);
            child.send({ type: 'loop' });
          }),
        close: async () => {
          if (exited) return;
          child.disconnect();
          await Promise.race([onExit, new Promise((r) => setTimeout(r, 3000).unref())]);
          if (!exited) child.kill('SIGKILL');
        },
      });
    });
  });
}
