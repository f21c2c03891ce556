/**
 * The worker thread of `body-checks.ts`: parses and checks the big bodies it is sent, one after
 * another, with the same checks as the event loop runs on small ones (so a refusal under --strict
 * has the same violations, and so the same bytes, wherever it was checked).
 * @module
 */
import { parentPort } from 'node:worker_threads';
import { getOperation } from '../validate/index.js';
import { settle, type CheckAnswer, type CheckJob, type CheckMessage } from './body-checks.js';
import { joined } from './body-copy.js';
import { InflatedPastLimit } from './content-decoding.js';
import { checkRequest, checkResponse, type OperationMatch } from './exchange-check.js';

const port = parentPort;
if (!port) throw new Error('check-worker runs in a worker thread, started by body-checks.ts');

function check(job: CheckJob): ReturnType<typeof checkRequest> {
  const { api, operationId, params } = job.operation;
  const match: OperationMatch = { api, operationId, params, validators: getOperation(api, operationId), alternatives: [] };
  // Joined here, off the event loop (the proxy copied the body into these parts as it came).
  const body = joined(job.body);
  const { encoding, decodedLimit } = job;
  if (job.kind === 'request') return checkRequest(match, { url: new URL(job.url), headers: job.headers, body, encoding, decodedLimit });
  return checkResponse(match, { status: job.status, contentType: job.contentType, encoding, body, decodedLimit });
}

// Loaded (validators included): the proxy listens once this is said (body-checks.ts, start).
port.postMessage({ ready: true } satisfies CheckAnswer);

port.on('message', ({ id, job }: CheckMessage) => {
  const answer = (reply: CheckAnswer) => port.postMessage(reply);
  settle(
    () => check(job),
    (violations) => answer({ id, violations }),
    (error) => answer({ id, error: error.message, ...(error instanceof InflatedPastLimit ? { inflatedPast: error.limit } : {}) }),
  );
});
