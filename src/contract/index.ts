/**
 * The one import point for generated/: the three APIs' contracts side by side, for code that serves
 * or checks all of them (the reference server, the CLI). Browser-safe, but it loads every API: code
 * that needs one API imports `./<api>.js` instead.
 * @module
 */
import type { ApiName } from './apis.js';
import * as lmi from './lmi.js';
import * as cloud from './sambanova-cloud.js';
import * as sambastudio from './sambastudio.js';

export { apiNames, apis, isApiName, type ApiInfo, type ApiName } from './apis.js';
export type { OperationInfo, OperationValidators, SecurityScheme, StreamFraming, ValidateFunction } from './operation.js';

export const contracts = { sambastudio, 'sambanova-cloud': cloud, lmi } as const satisfies Record<ApiName, unknown>;

/** Each API's contract module, by name. */
export type Contracts = typeof contracts;
