/**
 * @module Small readings of request bodies that several Cloud operations share: which output budget
 * field a request used (for the model check and its error's `param`), and the answer to a request
 * whose client left while its whole answer was being paced.
 */
import type { OperationRequest, OperationResult } from '../../types.js';

/** The first of `fields` that holds a number, as `{value, param}` for `checkCloudModel`; undefined when none does. */
export function outputBudget(body: Record<string, unknown>, fields: readonly string[]): { value: number; param: string } | undefined {
  for (const param of fields) {
    const value = body[param];
    if (typeof value === 'number') return { value, param };
  }
  return undefined;
}

/**
 * The result for a whole answer whose pacing was cut by `error`: the client went away (nobody reads
 * the answer; the pipeline still needs one), or a real failure, which is rethrown.
 */
export function abortedAnswer(error: unknown, request: OperationRequest): OperationResult {
  if (!request.signal.aborted) throw error;
  request.options.log?.(`${request.route.operationId} ${request.requestId} stopped: the client went away`);
  return { kind: 'error', problem: { kind: 'server', message: 'The client closed the request before the answer was ready.' } };
}
