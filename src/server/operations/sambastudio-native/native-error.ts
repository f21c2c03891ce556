/**
 * Request problems that the schema cannot see (a conversation string that is not JSON, an image
 * that is not an image, audio at the wrong sample rate, a prompt over the context limit): thrown
 * where they are found, with the field they are about, and turned into the native error body
 * (`error-styles.ts` renders it, `detail-error` included) by the one wrapper every handler uses.
 * @module
 */
import type { ProblemKind } from '../../error-styles.js';
import { violation, type Violation } from '../../../validate/violations.js';
import type { OperationHandler, OperationRequest, OperationResult } from '../types.js';

export interface NativeProblemInit {
  /** JSON Pointer of the field, prefixed by where it was found (`/body/instances/0/image_content`). */
  path: string;
  /** What the field must hold, in words. */
  expected: string;
  /** What was found, in words (never the whole value: an upload can be megabytes). */
  received: string;
  /** The JSON Schema keyword closest to the broken rule, for the violation record. */
  rule: string;
  /** 422 unless the spec documents another status for this case (413 too long, 415 wrong format). */
  status?: 413 | 415 | 422;
}

export class NativeRequestError extends Error {
  override name = 'NativeRequestError';
  readonly path: string;
  readonly status: 413 | 415 | 422;
  readonly violation: Violation;

  constructor(init: NativeProblemInit) {
    super(`${init.path}: ${init.received}; expected ${init.expected}.`);
    this.path = init.path;
    this.status = init.status ?? 422;
    this.violation = violation(init.path, init.rule, init.expected, init.received);
  }

  toResult(): OperationResult {
    const kind: ProblemKind = this.status === 413 ? 'too_large' : this.status === 415 ? 'media_type' : 'invalid_request';
    // The pipeline names fields in dotted form (`instances.0.image_content`); so do we.
    const param = this.path.replace(/^\/body\//, '').replace(/\//g, '.');
    return { kind: 'error', problem: { kind, status: this.status, message: this.message, param, violations: [this.violation] } };
  }
}

/** A handler whose `NativeRequestError`s become the API's error answer; anything else is a bug and propagates. */
export function answeringProblems(handler: OperationHandler): OperationHandler {
  return async (request: OperationRequest) => {
    try {
      return await handler(request);
    } catch (error) {
      if (error instanceof NativeRequestError) return error.toResult();
      throw error;
    }
  };
}
