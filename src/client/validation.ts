/**
 * `sambakit/client/validation`: a `PayloadValidator` for a client from the generated validators,
 * so `validate: 'warn' | 'throw'` checks every stream item and answer against the spec. Its own
 * entry point: a client that does not validate does not load (or bundle) the validators.
 *
 * @example
 * const cloud = new SambaNovaCloud({ apiKey, validate: 'throw', validator: specValidator('sambanova-cloud') });
 * @module
 */
import { responseValidator } from './contract-validators.js';
import type { ApiName, ValidateFunction } from '../contract/index.js';
import type { PayloadValidator } from './options.js';
import { formatViolation, toViolations } from '../validate/violations.js';

export function specValidator(api: ApiName): PayloadValidator {
  // A stream asks about the same target for every item: the last target's validator is kept rather
  // than looked up again per item (four keyed lookups and a status string, bench/RESULTS.md, session 11).
  let last: { operationId: string; status: number; mediaType: string; check: ValidateFunction | undefined } | undefined;
  return (target, value) => {
    const { operationId, status, mediaType } = target;
    if (last?.operationId !== operationId || last.status !== status || last.mediaType !== mediaType) {
      last = { operationId, status, mediaType, check: responseValidator(api, operationId, status, mediaType) };
    }
    const { check } = last;
    if (!check || check(value)) return undefined;
    return toViolations(check.errors, value).map(formatViolation);
  };
}
