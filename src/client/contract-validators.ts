/**
 * The client's window on the generated validators, apart from contract.ts so that only
 * `sambakit/client/validation` loads them.
 * @module
 */
import { contracts, type ApiName, type OperationValidators, type ValidateFunction } from '../contract/index.js';

/** The validator of one success answer or stream item, if the spec has one. */
export function responseValidator(api: ApiName, operationId: string, status: number, mediaType: string): ValidateFunction | undefined {
  const validators = contracts[api].validators as { readonly [operationId: string]: OperationValidators | undefined };
  return validators[operationId]?.responses[String(status)]?.[mediaType];
}
