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
import type { ApiName } from '../contract/index.js';
import type { PayloadValidator } from './options.js';
import { formatViolation, toViolations } from '../validate/violations.js';

export function specValidator(api: ApiName): PayloadValidator {
  return (target, value) => {
    const check = responseValidator(api, target.operationId, target.status, target.mediaType);
    if (!check || check(value)) return undefined;
    return toViolations(check.errors, value).map(formatViolation);
  };
}
