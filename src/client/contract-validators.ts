/**
 * The client's window on the generated validators, apart from contract.ts so that only
 * `sambakit/client/validation` loads them.
 * @module
 */
import { validatorsByApi, type ValidateFunction } from '../spec/generated.js';
import type { ApiName } from './contract.js';

/** The validator of one success answer or stream item, if the spec has one. */
export function responseValidator(api: ApiName, operationId: string, status: number, mediaType: string): ValidateFunction | undefined {
  return validatorsByApi[api][operationId]?.responses[String(status)]?.[mediaType];
}
