/**
 * Cases built, and checked by sambakit/validate, in a worker thread, so that the runner's own
 * thread only sends and reads. A multi-megabyte case took seconds of that thread to build and
 * check on the loaded machine, and while its loop is held the uploads in flight stop (their bytes
 * are written only when it turns): the server then rightly cut them as stalled, and the case
 * failed with EPIPE for the runner's own stall.
 * @module
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ApiName } from '../../src/contract/apis.js';
import type { FuzzCase } from './cases.js';
import type { ValidatorFailure } from './fuzz-validators.js';

export interface CaseJob {
  api: ApiName;
  seed: number;
  index: number;
  /** Also check the case with sambakit/validate. */
  validators: boolean;
}

export interface PreparedCase {
  fuzz: FuzzCase;
  validatorFailures: ValidatorFailure[];
}

export type CaseReply = { id: number; prepared: PreparedCase } | { id: number; error: string };

const script = new URL('./case-thread-worker.ts', import.meta.url).href;
// The worker loads TypeScript through tsx's API itself: under vitest the host has no tsx loader to pass on.
const tsxApi = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
const boot = `import { register } from ${JSON.stringify(tsxApi)};\nregister();\nawait import(${JSON.stringify(script)});\n`;

export class CaseThread {
  private readonly worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`), { execArgv: [] });
  private readonly waiting = new Map<number, { resolve: (prepared: PreparedCase) => void; reject: (error: Error) => void }>();
  private next = 0;

  constructor() {
    this.worker.on('message', (reply: CaseReply) => {
      const waiter = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      if ('error' in reply) waiter?.reject(new Error(reply.error));
      else waiter?.resolve(reply.prepared);
    });
    this.worker.on('error', (error) => this.failAll(error));
    this.worker.on('exit', (code) => this.failAll(new Error(`the case thread exited (code ${code})`)));
  }

  prepare(job: CaseJob): Promise<PreparedCase> {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ id, job });
    });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }

  private failAll(error: Error): void {
    for (const waiter of this.waiting.values()) waiter.reject(error);
    this.waiting.clear();
  }
}
