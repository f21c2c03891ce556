/** What a client and each call can be told, and the defaults, named once. @module */

/** What a hook sees of a request: never its headers or body, so never the key. */
export interface RequestEvent {
  operationId: string;
  method: string;
  url: string;
  /** 1 for the first try, 2 for the first retry, ... */
  attempt: number;
}

export interface ResponseEvent extends RequestEvent {
  status: number;
  requestId: string | undefined;
  /** From sending the request to the answer's head. */
  durationMs: number;
}

export interface RetryEvent {
  operationId: string;
  /** The attempt about to be made (2 for the first retry). */
  attempt: number;
  delayMs: number;
  /** Why: the typed error of the failed attempt. */
  error: Error;
}

/** A stream item or an answer that breaks the spec, reported in `warn` mode. */
export interface ValidationWarning {
  operationId: string;
  what: 'item' | 'response';
  /** Position of the item in its stream. */
  index?: number;
  problems: readonly string[];
}

/** For logging and tracing; a hook that throws does not break the call (its error is ignored). */
export interface ClientHooks {
  onRequest?(event: RequestEvent): void;
  onResponse?(event: ResponseEvent): void;
  onRetry?(event: RetryEvent): void;
  /** `validate: 'warn'` reports here (default: `console.warn`). */
  onValidationWarning?(warning: ValidationWarning): void;
}

/** `off`: no check. `warn`: report to `onValidationWarning` and go on. `throw`: a `StreamError` (`invalid-item`) or `InvalidResponseError`. */
export type ValidationMode = 'off' | 'warn' | 'throw';

/**
 * Checks a payload the service sent against the spec: the violations as one line each, or
 * `undefined` when it is valid. `specValidator(api)` from `sambakit/client/validation` builds one
 * from the generated validators (kept out of the client's own import so a browser bundle that does
 * not validate does not carry them).
 */
export type PayloadValidator = (target: { operationId: string; status: number; mediaType: string }, value: unknown) => readonly string[] | undefined;

export interface ClientOptions {
  /** Sent as each operation's security scheme says (`Authorization: Bearer`, or the `key` header on SambaStudio's native APIs). */
  apiKey?: string;
  baseURL?: string;
  /** A fetch implementation (default: the global one, looked up at call time). */
  fetch?: (request: Request) => Promise<Response>;
  /** Headers sent with every request. */
  headers?: Record<string, string>;
  /** Retries after the first try, on connection errors, 408, 409, 429 and 5xx. @default 2 */
  maxRetries?: number;
  /** The whole call, retries and stream included, in milliseconds. @default 600_000 */
  timeout?: number;
  /** Longest wait for the answer's first data and between two reads of a stream, in milliseconds; a stall is reported at most an eighth of it late. @default 60_000 */
  stallTimeout?: number;
  /** Checks of stream items and answers against the spec. @default 'off' */
  validate?: ValidationMode;
  validator?: PayloadValidator;
  hooks?: ClientHooks;
  /**
   * Keep what a stream received for `ItemStream.received` and for the errors that end it
   * (`StreamError.items`): the body's bytes are kept (small reads copied into shared blocks), and
   * decoded again into items only when asked for. The cost is the kept memory: fresh pages the size of
   * the body (docs/client.md). Off, a very long stream holds no memory; the errors then carry only
   * the count. @default true
   */
  keepItems?: boolean;
}

export interface RequestOptions {
  signal?: AbortSignal;
  /** Path parameters over the client's defaults (SambaStudio: `{ project_id, endpoint_id }`). */
  pathParams?: Record<string, string>;
  headers?: Record<string, string>;
  maxRetries?: number;
  timeout?: number;
  stallTimeout?: number;
  validate?: ValidationMode;
  keepItems?: boolean;
}

export const clientDefaults = {
  maxRetries: 2,
  // Ten minutes: a long generation at a slow pace still ends within it.
  timeout: 600_000,
  // A minute without a byte: longer than any first token of a loaded endpoint seen in the research, far shorter than Node's 300 s body timeout.
  stallTimeout: 60_000,
  validate: 'off',
  keepItems: true,
  /** Where SambaNova Cloud is served; the path after it is the spec's server base path (`/v1`). */
  cloudHost: 'https://api.sambanova.ai',
  /** An LMI container's own port, as DJL serving listens by default. */
  lmiHost: 'http://localhost:8080',
} as const;
