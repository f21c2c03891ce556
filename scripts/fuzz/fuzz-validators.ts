/**
 * `sambakit/validate` under fuzz: every case's body (parsed as the server would, or any value
 * fast-check makes) through the request, response and stream-item checks of its operation. A check
 * must never throw and must return a verdict with violations that each name a path.
 * @module
 */
import fc from 'fast-check';
import type { ApiName } from '../../src/contract/apis.js';
import { validateRequest, validateResponse, validateStreamItem } from '../../src/validate/index.js';
import { fuzzCase, type FuzzCase } from './cases.js';
import { CaseRandom } from './random.js';
import { fuzzOperations } from './spec-operations.js';

export interface ValidatorFailure {
  id: string;
  operationId: string;
  check: string;
  reason: string;
}

function parsed(bodyBase64: string | undefined): unknown {
  if (bodyBase64 === undefined) return undefined;
  try {
    return JSON.parse(Buffer.from(bodyBase64, 'base64').toString('utf8'));
  } catch {
    return Buffer.from(bodyBase64, 'base64').toString('latin1');
  }
}

/** The checks of one case's body (or a value fast-check makes in its place) that threw or gave no verdict. */
export function validatorFailures(one: FuzzCase, seed: number, index: number): ValidatorFailure[] {
  const failures: ValidatorFailure[] = [];
  const operation = fuzzOperations(one.api).find((o) => o.operationId === one.operationId)!;
  const random = new CaseRandom(seed, 'validators', one.api, index);
  const body = random.chance(0.8) ? parsed(one.bodyBase64) : random.sample(fc.anything({ withNullPrototype: true, withMap: true, withBigInt: true, withTypedArray: true }));
  const status = random.pick([200, 400, 401, 404, 422, 424, 500, 599, 0, -1, Number.NaN]);
  const checks: Array<[string, () => { valid: boolean; violations: Array<{ path: string }> }]> = [
    ['request', () => validateRequest(operation.validators, { body, mediaType: one.headers['content-type'], params: operation.pathParams, headers: one.headers })],
    // A streamed media type is refused with a TypeError by design (validateStream is the call for it).
    ['response', () => validateResponse(operation.validators, { status, body, mediaType: random.pick(['application/json', 'text/plain', 'x/y']) })],
  ];
  // The operation and media type are the caller's code, not input: only the item is fuzzed.
  const streamed = Object.keys(operation.validators.operation.streams ?? {});
  if (streamed.length) checks.push(['stream item', () => validateStreamItem(operation.validators, body, { mediaType: random.pick(streamed) })]);
  for (const [check, run] of checks) {
    try {
      const result = run();
      if (typeof result.valid !== 'boolean' || !Array.isArray(result.violations) || (!result.valid && result.violations.some((v) => typeof v.path !== 'string'))) {
        failures.push({ id: one.id, operationId: one.operationId, check, reason: `not a verdict: ${JSON.stringify(result).slice(0, 200)}` });
      }
    } catch (error) {
      failures.push({ id: one.id, operationId: one.operationId, check, reason: `threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`.slice(0, 300) });
    }
  }
  return failures;
}

/** Cases 0 to `cases` - 1 of a seed through the validators alone. */
export function fuzzValidators(api: ApiName, seed: number, cases: number): ValidatorFailure[] {
  return Array.from({ length: cases }, (_, index) => validatorFailures(fuzzCase(api, seed, index), seed, index)).flat();
}
