/**
 * The DJL LMI API's contract, browser-safe: its types (openapi-typescript), validators by operation,
 * stream map and operations table, all from generated/lmi/.
 * @module
 */
export type * from '../../generated/lmi/schema.js';
export { operationValidators as validators } from '../../generated/lmi/validators.js';
export type { Validator } from '../../generated/lmi/validators.js';
export { streams } from '../../generated/lmi/streams.js';
export type { StreamItems, StreamingOperationId } from '../../generated/lmi/streams.js';
export { operationTable, serverBasePaths } from '../../generated/lmi/operations.js';
export type { OperationId } from '../../generated/lmi/operations.js';
export { typedParams } from '../../generated/lmi/typed-params.js';
