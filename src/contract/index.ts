/**
 * The one import point for generated/: the three APIs' contracts side by side, for code that serves
 * or checks all of them (the reference server, the CLI). Browser-safe, but it loads every API: code
 * that needs one API imports `./<api>.js` instead.
 * @module
 */
import type { ErrorObject } from 'ajv';
import type { ApiName } from './apis.js';
import * as lmi from './lmi.js';
import * as cloud from './sambanova-cloud.js';
import * as sambastudio from './sambastudio.js';

export { apiNames, apis, isApiName, type ApiInfo, type ApiName } from './apis.js';
export type { OperationInfo, SecurityScheme, StreamFraming } from '../../generated/sambastudio/operations.js';

/** A generated validator seen without its type: it leaves the errors of its last call in `errors`. */
export interface ValidateFunction {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

/** An operation's validators: parameters (`{path, query, header}` in one object), request bodies by media type, responses by status and media type. */
export interface OperationValidators {
  readonly parameters?: ValidateFunction;
  readonly request: { readonly [mediaType: string]: ValidateFunction };
  readonly responses: { readonly [status: string]: { readonly [mediaType: string]: ValidateFunction } };
}

export const contracts = { sambastudio, 'sambanova-cloud': cloud, lmi } as const satisfies Record<ApiName, unknown>;

/** Each API's contract module, by name. */
export type Contracts = typeof contracts;
