/**
 * Where the check of a whole body (a request, or an answer that is not streamed) runs. A big body
 * is parsed and checked in a worker thread: a 14 MB body takes 200-900 ms to parse and validate,
 * and every other exchange through the proxy would wait that long (issue 15: no loop turn past 100
 * ms). A small one gets its verdict on the event loop, at once, from the accept build alone; when
 * it is invalid, its violations are found in the worker: describing every one costs more than the
 * body's size tells (a 4 KB Responses request of 1,000 wrong input items held the loop 20-180 ms).
 *
 * One worker checks the bodies one after another, in the order they came. It is started with the
 * proxy, before it listens (loading it and the validators took 36-58 ms of the loop's time and a
 * core besides, which the first big body's exchange and every other one in flight waited for
 * under fuzz), or, when asked, by the first big body. A worker that dies fails the checks it held,
 * and the next big body starts another. `close` ends it once the checks it holds have answered:
 * nothing of the proxy outlives its `close()`.
 * @module
 */
import type { IncomingHttpHeaders } from 'node:http';
import { Worker } from 'node:worker_threads';
import type { ValidateOptions, Violation } from '../validate/index.js';
import { joined, lengthOf, shared } from './body-copy.js';
import { checkWeight, InflatedPastLimit, type Encoding } from './content-decoding.js';
import { checkRequest, checkResponse, type AnswerFacts, type OperationMatch, type RequestFacts } from './exchange-check.js';

/** The operation a body is checked against, as the worker finds it again. */
interface OperationRef {
  api: OperationMatch['api'];
  operationId: string;
  params: Record<string, string>;
}

/** A check for the worker: the body's bytes, in parts in shared memory, read by the worker, never written. */
export type CheckJob = { operation: OperationRef; body: readonly Uint8Array[]; encoding: Encoding; decodedLimit: number } & (
  | { kind: 'request'; url: string; headers: IncomingHttpHeaders }
  | { kind: 'response'; status: number; contentType: string | undefined }
);

export interface CheckMessage {
  id: number;
  job: CheckJob;
}

/** `inflatedPast`: the error was an InflatedPastLimit of that limit (made again on the loop's side). */
export type CheckAnswer = { id: number; violations: Violation[] } | { id: number; error: string; inflatedPast?: number } | { ready: true };

type Done = (violations: Violation[]) => void;
type Failed = (error: Error) => void;

/** Facts of a body, the body as the parts `BodyCopy` kept (joined only for a check on the event loop). */
type InParts<Facts extends { body: Buffer }> = Omit<Facts, 'body'> & { body: readonly Buffer[] };

/**
 * The worker's module. From the built package it is plain JavaScript beside this one; run from the
 * TypeScript source (tests, `tsx` scripts), the worker needs tsx's loader, which Node 20 does not
 * pass on to workers: it registers it first, then loads the module.
 */
function startWorker(): Worker {
  const source = import.meta.url.endsWith('.ts');
  const entry = new URL(source ? './check-worker.ts' : './check-worker.js', import.meta.url);
  if (!source) return new Worker(entry);
  const tsx = import.meta.resolve('tsx/esm/api');
  return new Worker(`import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(entry.href)}); });`, { eval: true });
}

export class BodyChecks {
  #worker: Worker | undefined;
  readonly #pending = new Map<number, { done: Done; failed: Failed }>();
  /** Called when the last pending check has answered (or failed), once `close` waits for it. */
  #drained: (() => void) | undefined;
  #nextId = 0;
  #closed = false;

  /** Bodies of `offLoopBytes` or more are checked in the worker. */
  constructor(private readonly offLoopBytes: number) {}

  /** Checks a request; then calls `done` with its violations (at once for a small JSON body), or `failed` with why it could not be checked. */
  request(match: OperationMatch, facts: InParts<RequestFacts>, done: Done, failed: Failed): void {
    const { headers, body, encoding, decodedLimit } = facts;
    const inWorker = () => this.#send({ kind: 'request', operation: refOf(match), url: facts.url.href, headers, body, encoding, decodedLimit }, done, failed);
    if (checkWeight(lengthOf(body), encoding) >= this.offLoopBytes) return inWorker();
    this.#onLoop((options) => checkRequest(match, { ...facts, body: joined(body) }, options), inWorker, done, failed);
  }

  /** Checks a whole answer, as `request` does. */
  response(match: OperationMatch, facts: InParts<AnswerFacts>, done: Done, failed: Failed): void {
    const { status, contentType, encoding, body, decodedLimit } = facts;
    const inWorker = () => this.#send({ kind: 'response', operation: refOf(match), status, contentType, encoding, body, decodedLimit }, done, failed);
    // A compressed answer's size once decoded is known only after decoding it, which is work for the worker too.
    if (checkWeight(lengthOf(body), encoding) >= this.offLoopBytes) return inWorker();
    this.#onLoop((options) => checkResponse(match, { ...facts, body: joined(body) }, options), inWorker, done, failed);
  }

  /**
   * A small body's check on the loop: the accept build's verdict, and for an invalid body every
   * violation from the worker (the same check as a big body's, so the same violations). Without a
   * worker (`offLoopBytes` infinite) the check is whole, on the loop.
   */
  #onLoop(check: (options?: ValidateOptions) => ReturnType<typeof checkRequest>, inWorker: () => void, done: Done, failed: Failed): void {
    if (!Number.isFinite(this.offLoopBytes)) return settle(check, done, failed);
    settle(() => check({ firstViolationOnly: true }), (violations) => (violations.length === 0 ? done(violations) : inWorker()), failed);
  }

  /** Starts the worker (unless bodies are never checked off the loop) and resolves once it has loaded, or failed to (the next big body then starts another). */
  start(): Promise<void> {
    if (!Number.isFinite(this.offLoopBytes) || this.#closed) return Promise.resolve();
    const worker = (this.#worker ??= this.#start());
    return new Promise((resolve) => {
      const settled = () => {
        worker.off('message', onMessage);
        worker.off('exit', settled);
        resolve();
      };
      const onMessage = (answer: CheckAnswer) => {
        if ('ready' in answer) settled();
      };
      worker.on('message', onMessage);
      worker.once('exit', settled);
    });
  }

  /**
   * Ends the worker once the checks it holds have answered: a body that came whole is checked and its
   * violations recorded (a small invalid one is described there, after its answer may have gone back).
   */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#pending.size > 0) await new Promise<void>((drained) => (this.#drained = drained));
    const worker = this.#worker;
    this.#worker = undefined;
    await worker?.terminate();
  }

  #send(job: CheckJob, done: Done, failed: Failed): void {
    if (this.#closed) return failed(new Error('the proxy is closed'));
    const worker = (this.#worker ??= this.#start());
    const id = this.#nextId++;
    // Shared, not transferred: the body may still be sent on (--strict holds it), and a posted copy would cost a copy of 14 MB on the loop.
    job.body = job.body.map(shared);
    this.#pending.set(id, { done, failed });
    worker.postMessage({ id, job } satisfies CheckMessage);
  }

  #start(): Worker {
    const worker = startWorker();
    worker.on('message', (answer: CheckAnswer) => {
      if ('ready' in answer) return;
      const waiting = this.#pending.get(answer.id);
      if (!waiting) return;
      this.#pending.delete(answer.id);
      if ('error' in answer) waiting.failed(answer.inflatedPast === undefined ? new Error(answer.error) : new InflatedPastLimit(answer.inflatedPast));
      else waiting.done(answer.violations);
      if (this.#pending.size === 0) this.#drained?.();
    });
    const lost = (error: Error) => {
      if (this.#worker !== worker) return;
      this.#worker = undefined;
      this.#failAll(error);
    };
    worker.on('error', (error) => lost(new Error(`the check worker failed: ${error.message}`)));
    worker.on('exit', (code) => lost(new Error(`the check worker exited (code ${code})`)));
    return worker;
  }

  #failAll(error: Error): void {
    const waiting = [...this.#pending.values()];
    this.#pending.clear();
    for (const { failed } of waiting) failed(error);
    this.#drained?.();
  }
}

function refOf(match: OperationMatch): OperationRef {
  return { api: match.api, operationId: match.operationId, params: match.params };
}

/** Runs a check: its violations at once (or, for a form, once it is parsed), or why it failed. */
export function settle(check: () => Violation[] | Promise<Violation[]>, done: Done, failed: Failed): void {
  let result;
  try {
    result = check();
  } catch (error) {
    return failed(asError(error));
  }
  if (Array.isArray(result)) done(result);
  else result.then(done, (error: unknown) => failed(asError(error)));
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
