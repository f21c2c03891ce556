/**
 * The DJL LMI API's contract, browser-safe: its types (openapi-typescript), validators by
 * operation, stream map and operations table, all from generated/lmi/. Each operation's
 * validators are also exported under its operationId: importing one by name keeps a bundle to
 * that operation (`validators` holds them all); so is each operations table entry, as
 * `<operationId>_operation` (`operationTable` holds them all).
 * @module
 */
export type * from '../../generated/lmi/schema.js';
export * from '../../generated/lmi/validators.js';
export { operationValidators as validators } from '../../generated/lmi/validators.js';
export { streams } from '../../generated/lmi/streams.js';
export type { StreamItems, StreamingOperationId } from '../../generated/lmi/streams.js';
export * from '../../generated/lmi/operations.js';
export { typedParams } from '../../generated/lmi/typed-params.js';
