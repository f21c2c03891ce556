/**
 * `sambakit/validate`: checks requests, responses, single stream items and whole streams against
 * the SambaStudio, SambaNova Cloud and DJL LMI specs, with readable violations. Browser-safe.
 *
 * Two ways to name the operation:
 * - its validators from the contract layer (`import { createChatCompletion } from
 *   'sambakit/contract/sambanova-cloud'`): a bundle then holds that operation only;
 * - `getOperation(api, operationId)` or `findOperation(method, url)`: any operation of any API (these
 *   load every API's validators).
 * @module
 */
export { validateRequest, validateResponse, validateStreamItem, type ValidationResult, type ValidateOptions, type RequestInput, type ResponseInput, type HeadersInput } from './check.js';
export { validateStream, createStreamValidator, type StreamValidationResult, type StreamValidateOptions, type StreamValidator } from './stream.js';
export { validateWebRequest, validateWebResponse, type WebRequestOptions } from './web.js';
export { getOperation, findOperation, UnknownOperationError, type OperationMatch } from './lookup.js';
export { formatViolation, type Violation } from './violations.js';
export { defaultSizeLimits, type SizeLimits } from './limits.js';
export type { OperationValidators, OperationInfo } from '../contract/operation.js';
