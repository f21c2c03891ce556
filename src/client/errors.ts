/**
 * Every error the clients throw. One base class (`SambakitClientError`), `APIError` and its
 * subclasses by HTTP status for answers the service refused, `APIConnectionError` and
 * `APITimeoutError` when no (complete) answer came, and `StreamError` for a stream that broke.
 * None of them holds the API key, the request headers or the request body.
 * Fields are `declare`d and set by the constructors: a field declared plainly would be written out
 * once more, as an initializer, in every browser bundle.
 * @module
 */
import { redactSecret } from './redact.js';

/** Fields every client error carries, so logs can be correlated with the service's own. */
export interface ErrorContext {
  /** The operation that was called (`createChatCompletion`). */
  operationId?: string;
  /** The id the service gave the request (`x-request-id` header, or `request_id` in the body). */
  requestId?: string;
}

export class SambakitClientError extends Error {
  override name = 'SambakitClientError';
  declare readonly operationId: string | undefined;
  declare readonly requestId: string | undefined;

  constructor(message: string, context: ErrorContext = {}, options?: { cause?: unknown }) {
    // An absent cause stays absent: no own `cause: undefined` on the error.
    super(message, options?.cause === undefined ? undefined : options);
    this.operationId = context.operationId;
    this.requestId = context.requestId;
  }
}

/**
 * The service answered with an error status. `body` is the parsed error body in the API's own shape
 * (JSON parsed; plain text kept as a string); `headers` are the response headers.
 */
export class APIError extends SambakitClientError {
  override name = 'APIError';
  declare readonly status: number;
  declare readonly body: unknown;
  declare readonly headers: Headers;
  /** The error's machine code or type when the body names one (`rate_limit_error`, `invalid_request_error`, ...). */
  declare readonly code: string | undefined;

  constructor(init: { status: number; body: unknown; headers: Headers; message: string; code?: string } & ErrorContext) {
    super(init.message, init);
    this.status = init.status;
    this.body = init.body;
    this.headers = init.headers;
    this.code = init.code;
  }
}

export class BadRequestError extends APIError {
  override name = 'BadRequestError';
}
export class AuthenticationError extends APIError {
  override name = 'AuthenticationError';
}
export class PermissionDeniedError extends APIError {
  override name = 'PermissionDeniedError';
}
export class NotFoundError extends APIError {
  override name = 'NotFoundError';
}
export class RequestTimeoutError extends APIError {
  override name = 'RequestTimeoutError';
}
export class ConflictError extends APIError {
  override name = 'ConflictError';
}
export class GoneError extends APIError {
  override name = 'GoneError';
}
export class PayloadTooLargeError extends APIError {
  override name = 'PayloadTooLargeError';
}
export class UnsupportedMediaTypeError extends APIError {
  override name = 'UnsupportedMediaTypeError';
}
/** 422 (SambaStudio native validation) and 424 (LMI validation and model errors). */
export class UnprocessableEntityError extends APIError {
  override name = 'UnprocessableEntityError';
}
export class RateLimitError extends APIError {
  override name = 'RateLimitError';
}
export class InternalServerError extends APIError {
  override name = 'InternalServerError';
}
/**
 * SambaNova Cloud could not parse what the model produced (a malformed tool call, say): the error
 * body carries the raw output under `error_model_output` or `model_output`, kept in `modelOutput`.
 */
export class ModelOutputError extends APIError {
  override name = 'ModelOutputError';
  declare readonly modelOutput: string;

  constructor(init: ConstructorParameters<typeof APIError>[0] & { modelOutput: string }) {
    super(init);
    this.modelOutput = init.modelOutput;
  }
}

const byStatus: Readonly<Record<number, typeof APIError>> = {
  400: BadRequestError,
  401: AuthenticationError,
  403: PermissionDeniedError,
  404: NotFoundError,
  408: RequestTimeoutError,
  409: ConflictError,
  410: GoneError,
  413: PayloadTooLargeError,
  415: UnsupportedMediaTypeError,
  422: UnprocessableEntityError,
  424: UnprocessableEntityError,
  429: RateLimitError,
};

/** No answer came: DNS, refused or reset connection, a body cut before it was whole. */
export class APIConnectionError extends SambakitClientError {
  override name = 'APIConnectionError';
}

/** Which limit ran out: the whole call (`total`), or the wait for the answer's first item or the gap between two items (`stall`). */
export type TimeoutKind = 'total' | 'stall';

export class APITimeoutError extends APIConnectionError {
  override name = 'APITimeoutError';
  declare readonly kind: TimeoutKind;
  /** The limit that ran out, in milliseconds. */
  declare readonly timeoutMs: number;
  /** Stream items received before the timeout. */
  declare readonly itemsReceived: number;

  constructor(init: { kind: TimeoutKind; timeoutMs: number; itemsReceived: number; waitingFor: string } & ErrorContext) {
    const what = init.kind === 'total' ? `the total timeout of ${init.timeoutMs} ms ran out` : `no data for ${init.timeoutMs} ms (stall timeout)`;
    super(`Request timed out: ${what} while waiting for ${init.waitingFor}`, init);
    this.kind = init.kind;
    this.timeoutMs = init.timeoutMs;
    this.itemsReceived = init.itemsReceived;
  }
}

/** Why a stream broke: cut before its end, an item that is not JSON or breaks its schema, or an error the service sent inside the stream. */
export type StreamFailure = 'truncated' | 'malformed-item' | 'invalid-item' | 'error-event';

/**
 * A stream that did not complete. `items` holds every item that arrived before it broke (so a
 * partial answer is never lost, and never mistaken for a whole one; with `keepItems: false` none are
 * kept and the message gives their count); for an in-stream error, `body` is the error as the
 * service sent it.
 */
export class StreamError<T = unknown> extends SambakitClientError {
  override name = 'StreamError';
  declare readonly failure: StreamFailure;
  declare readonly items: readonly T[];
  declare readonly body: unknown;

  constructor(init: { failure: StreamFailure; message: string; items: readonly T[]; body?: unknown; cause?: unknown } & ErrorContext) {
    super(init.message, init, { cause: init.cause });
    this.failure = init.failure;
    this.items = init.items;
    this.body = init.body;
  }
}

/**
 * A success answer the client cannot hand back as its type: a body that is not JSON (cut, or not
 * the media type the operation answers with) or, in `validate: 'throw'` mode, one that breaks the spec.
 */
export class InvalidResponseError extends SambakitClientError {
  override name = 'InvalidResponseError';
  declare readonly status: number;
  /** The body as received (text when it did not parse). */
  declare readonly body: unknown;
  declare readonly problems: readonly string[];

  constructor(init: { status: number; body: unknown; problems: readonly string[]; message: string; cause?: unknown } & ErrorContext) {
    super(init.message, init, { cause: init.cause });
    this.status = init.status;
    this.body = init.body;
    this.problems = init.problems;
  }
}

/** A value the caller passed cannot be sent as the spec requires; thrown before anything is sent. */
export class InvalidRequestError extends SambakitClientError {
  override name = 'InvalidRequestError';
  /** Where the value is (`params.max_tokens_to_generate`, `file`). */
  declare readonly field: string;

  constructor(field: string, message: string, context: ErrorContext = {}) {
    super(message, context);
    this.field = field;
  }
}

/** The message and machine code an error body carries, whatever the API's shape. */
export function describeErrorBody(body: unknown): { message?: string; code?: string; requestId?: string; modelOutput?: string } {
  if (typeof body === 'string') return { message: body.trim() || undefined };
  if (!body || typeof body !== 'object') return {};
  const record = body as Record<string, unknown>;
  const requestId = typeof record.request_id === 'string' ? record.request_id : undefined;
  const inner = record.error;
  // OpenAI-style {error: {message, type, code}}, SambaStudio native {error: {code, details, message}}, Messages {type: 'error', error: {type, message}}.
  if (inner && typeof inner === 'object') {
    const e = inner as Record<string, unknown>;
    const code = typeof e.code === 'string' ? e.code : typeof e.type === 'string' ? e.type : undefined;
    const output = typeof e.error_model_output === 'string' ? e.error_model_output : typeof e.model_output === 'string' ? e.model_output : undefined;
    const details = typeof e.details === 'string' && e.details !== e.message ? e.details : undefined;
    const message = typeof e.message === 'string' ? (details ? `${e.message} (${details})` : e.message) : details;
    return { message, code, requestId, modelOutput: output };
  }
  // {error: "text"} (Cloud simple errors, LMI {code, error}), FastAPI {detail}.
  if (typeof inner === 'string') return { message: inner, code: typeof record.code === 'string' ? record.code : undefined, requestId };
  if (typeof record.detail === 'string') return { message: record.detail, requestId };
  if (typeof record.message === 'string') return { message: record.message, requestId };
  // LMI's own schema: a failed generation has no words for it, only this finish reason.
  if ((record.details as { finish_reason?: unknown } | null | undefined)?.finish_reason === 'error') return { message: 'generation failed (details.finish_reason: error)', requestId };
  return { requestId };
}

/** The typed error for an error answer, with `apiKey` cut from the body wherever the service echoed it. */
export function apiErrorFor(init: { status: number; body: unknown; headers: Headers } & ErrorContext, apiKey: string | undefined): APIError {
  const body = redactSecret(init.body, apiKey);
  const described = describeErrorBody(body);
  const requestId = init.requestId ?? described.requestId;
  const message = `${init.status} ${described.message ?? '(no error message in the body)'}${init.operationId ? ` [${init.operationId}]` : ''}`;
  const full = { ...init, body, requestId, message, code: described.code };
  if (described.modelOutput !== undefined) return new ModelOutputError({ ...full, modelOutput: described.modelOutput });
  const Class = byStatus[init.status] ?? (init.status >= 500 ? InternalServerError : APIError);
  return new Class(full);
}
