/**
 * The SambaNova Cloud API's contract, browser-safe: its types (openapi-typescript), validators by
 * operation, stream map and operations table, all from generated/sambanova-cloud/. Each operation's
 * validators are also exported under its operationId: importing one by name keeps a bundle to
 * that operation (`validators` holds them all); so is each operations table entry, as
 * `<operationId>_operation` (`operationTable` holds them all).
 * @module
 */
export type * from '../../generated/sambanova-cloud/schema.js';
export * from '../../generated/sambanova-cloud/validators.js';
export { operationValidators as validators } from '../../generated/sambanova-cloud/validators.js';
export { streams } from '../../generated/sambanova-cloud/streams.js';
export type { StreamItems, StreamingOperationId } from '../../generated/sambanova-cloud/streams.js';
export * from '../../generated/sambanova-cloud/operations.js';
export { typedParams } from '../../generated/sambanova-cloud/typed-params.js';
