/**
 * The shapes every API's generated operations share, seen without any one API's literal types:
 * what code handling any operation (the server's routes, sambakit/validate) works with. Types only.
 * @module
 */
import type { ErrorObject } from 'ajv';
import type { ApiName } from './apis.js';
import type { OperationInfo } from '../../generated/sambastudio/operations.js';

export type { OperationInfo, SecurityScheme, StreamFraming } from '../../generated/sambastudio/operations.js';

/** A generated validator seen without its type: it leaves the errors of its last call in `errors` (only the first with `firstErrorOnly`). */
export interface ValidateFunction {
  (data: unknown, firstErrorOnly?: boolean): boolean;
  errors?: ErrorObject[] | null;
  /** The verdict, and whether it vouches for `data` keeping within the size limits (generated runtime.js says how). */
  within(data: unknown, maxDepth: number, maxMembers: number): 'within' | 'accepted' | 'rejected' | 'unknown';
  /** The explain build alone: every violation in `errors`. */
  explain(data: unknown): boolean;
}

/**
 * One operation's validators, as `validators/<operationId>.js` exports them: its API and table entry,
 * then parameters (`{path, query, header}` in one object), request bodies by media type, responses
 * by status and media type (a streamed media type's validator checks one item).
 */
export interface OperationValidators {
  readonly api: ApiName;
  readonly operation: OperationInfo;
  readonly parameters?: ValidateFunction;
  readonly request: { readonly [mediaType: string]: ValidateFunction };
  readonly responses: { readonly [status: string]: { readonly [mediaType: string]: ValidateFunction } };
}
