/**
 * The SambaStudio API's contract, browser-safe: its types (openapi-typescript), validators by
 * operation, stream map and operations table, all from generated/sambastudio/. Each operation's
 * validators are also exported under its operationId: importing one by name keeps a bundle to
 * that operation (`validators` holds them all); so is each operations table entry, as
 * `<operationId>_operation` (`operationTable` holds them all).
 * @module
 */
export type * from '../../generated/sambastudio/schema.js';
export * from '../../generated/sambastudio/validators.js';
export { operationValidators as validators } from '../../generated/sambastudio/validators.js';
export { streams } from '../../generated/sambastudio/streams.js';
export type { StreamItems, StreamingOperationId } from '../../generated/sambastudio/streams.js';
export * from '../../generated/sambastudio/operations.js';
export { typedParams } from '../../generated/sambastudio/typed-params.js';
