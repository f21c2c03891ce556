/**
 * Request problems that the schema cannot see (a conversation string that is not JSON, an image
 * that is not an image, audio at the wrong sample rate, a prompt over the context limit): thrown
 * where they are found, with the field they are about, and turned into the native error body
 * (`error-styles.ts` renders it, `detail-error` included) by the one wrapper every handler uses.
 * @module
 */
import type { Problem, ProblemKind } from '../../error-styles.js';
import { violation } from '../../../validate/violations.js';
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

/** A field's pointer (`/body/instances/0/image_content`) as the pipeline names fields: `instances.0.image_content`. */
export function dottedField(path: string): string {
  return path.replace(/^\/body\//, '').replace(/\//g, '.');
}

/** The native error answer's problem: the message says field, what came and what was expected; the violation records the same. */
export function nativeProblem(init: NativeProblemInit): Problem {
  const status = init.status ?? 422;
  const kind: ProblemKind = status === 413 ? 'too_large' : status === 415 ? 'media_type' : 'invalid_request';
  return {
    kind,
    status,
    message: `${init.path}: ${init.received}; expected ${init.expected}.`,
    param: dottedField(init.path),
    violations: [violation(init.path, init.rule, init.expected, init.received)],
  };
}

/** A request problem found deep in a handler, thrown to the one wrapper that answers it. */
export class NativeRequestError extends Error {
  override name = 'NativeRequestError';
  readonly problem: Problem;
  /** The field at fault, as a JSON Pointer. */
  readonly path: string;
  readonly status: number;

  constructor(init: NativeProblemInit | Problem) {
    const problem = 'kind' in init ? init : nativeProblem(init);
    super(problem.message);
    this.problem = problem;
    this.path = problem.violations?.[0]?.path ?? '';
    this.status = problem.status ?? 422;
  }

  toResult(): OperationResult {
    return { kind: 'error', problem: this.problem };
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
