/**
 * The worker side of case-thread.ts: builds each case asked for and (when asked) checks it with
 * sambakit/validate, in order.
 * @module
 */
import { parentPort } from 'node:worker_threads';
import { fuzzCase } from './cases.js';
import type { CaseJob, CaseReply } from './case-thread.js';
import { validatorFailures } from './fuzz-validators.js';

parentPort!.on('message', ({ id, job }: { id: number; job: CaseJob }) => {
  let reply: CaseReply;
  try {
    const fuzz = fuzzCase(job.api, job.seed, job.index);
    reply = { id, prepared: { fuzz, validatorFailures: job.validators ? validatorFailures(fuzz, job.seed, job.index) : [] } };
  } catch (error) {
    reply = { id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  parentPort!.postMessage(reply);
});
