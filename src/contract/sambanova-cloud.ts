/**
 * The SambaNova Cloud API's contract, browser-safe: its types (openapi-typescript), validators by operation,
 * stream map and operations table, all from generated/sambanova-cloud/.
 * @module
 */
export type * from '../../generated/sambanova-cloud/schema.js';
export { operationValidators as validators } from '../../generated/sambanova-cloud/validators.js';
export type { Validator } from '../../generated/sambanova-cloud/validators.js';
export { streams } from '../../generated/sambanova-cloud/streams.js';
export type { StreamItems, StreamingOperationId } from '../../generated/sambanova-cloud/streams.js';
export { operationTable, serverBasePaths } from '../../generated/sambanova-cloud/operations.js';
export type { OperationId } from '../../generated/sambanova-cloud/operations.js';
export { typedParams } from '../../generated/sambanova-cloud/typed-params.js';
