/**
 * One call of one operation, start to end: the request built (a JSON or, through the client's
 * encoders, multipart body; the URL with path and query parameters through the encoders, which use
 * openapi-fetch's serializers), the key added as the operation's security says, then tries until an
 * answer comes or the retries run out, each try timed, each failure turned into a typed error.
 * What to do with a successful answer (read JSON, open a stream) is the caller's `consume`.
 * @module
 */
import { CallTimer } from './call-timer.js';
import type { OperationInfo } from '../contract/index.js';
import { APIConnectionError, APIError, SambakitClientError, apiErrorFor } from './errors.js';
import { clientDefaults, type ClientOptions, type RequestOptions } from './options.js';
import { redactSecret } from './redact.js';
import type { RequestEncoders } from './request-encoders.js';
import { backoffMs, isRetryableStatus, maxServerDelayMs } from './retry.js';

/** Parameters and body of one call, as openapi-fetch takes them. */
export interface CallInput {
  params?: { path?: Record<string, unknown>; query?: Record<string, unknown>; header?: Record<string, unknown> };
  body?: unknown;
}

/** A successful answer's head, and the call's clock, which keeps running while the body is read. */
export interface Answer {
  response: Response;
  timer: CallTimer;
  requestId: string | undefined;
  operationId: string;
  /**
   * Sends the call again within its retry policy (the same tries count, backoff, hooks and clock)
   * after `failure` cut this answer: for a stream whose body failed before its first item. Throws
   * the typed error when the failure is not retryable or the tries are used up. Absent: an answer
   * that cannot be asked for again (a body handed over by its owner).
   */
  retry?: (failure: unknown) => Promise<Answer>;
}

export interface CallPlan {
  operation: OperationInfo;
  input: CallInput;
  options: RequestOptions | undefined;
  /** Builds a multipart body; JSON (`JSON.stringify`, what openapi-fetch's default body serializer does without headers) otherwise. */
  serializeBody?: (body: unknown) => FormData;
  /** Stall limit applies from sending: true for streams. A whole JSON answer may take long to compute before its head. */
  stallBeforeHead: boolean;
}

export class Transport {
  readonly #options: ClientOptions;
  readonly #baseUrl: string;
  readonly #defaultPath: Record<string, unknown>;
  readonly #encoders: RequestEncoders | undefined;

  /** Without `encoders`, every path is sent as the table gives it (the client calls no operation with path or query parameters). */
  constructor(options: ClientOptions, defaultBaseURL: string, defaultPath: Record<string, unknown> = {}, encoders?: RequestEncoders) {
    this.#options = options;
    this.#defaultPath = defaultPath;
    this.#encoders = encoders;
    this.#baseUrl = (options.baseURL ?? defaultBaseURL).replace(/\/+$/, '');
  }

  get options(): ClientOptions {
    return this.#options;
  }

  /**
   * Sends the call and hands a successful answer to `consume`, which then owns the answer's timer
   * (it stops it when it is done reading). A failure of `consume` that is a connection error (a
   * JSON body cut on its way) is retried like a failed request. A stream's `consume` returns before
   * reading; its body, cut before the first item, is retried through `answer.retry`, and once an
   * item has come nothing is retried.
   */
  async call<R>(plan: CallPlan, consume: (answer: Answer) => Promise<R>): Promise<R> {
    const { options } = plan;
    const maxRetries = options?.maxRetries ?? this.#options.maxRetries ?? clientDefaults.maxRetries;
    const url = this.#url(plan);
    const timer = new CallTimer(
      options?.signal,
      options?.timeout ?? this.#options.timeout ?? clientDefaults.timeout,
      options?.stallTimeout ?? this.#options.stallTimeout ?? clientDefaults.stallTimeout,
    );
    let attempt = 1;
    const send = (): Promise<Answer> => this.#send(plan, url, timer, attempt, retry);
    // Every retry of the call, whichever part of it failed, goes through here: one count of tries.
    const retry = async (failure: unknown): Promise<Answer> => {
      for (;;) {
        await this.#backOff(plan, timer, failure, attempt++, maxRetries);
        try {
          return await send();
        } catch (thrown) {
          failure = thrown;
        }
      }
    };
    try {
      let answer = await send().catch(retry);
      for (;;) {
        try {
          return await consume(answer);
        } catch (thrown) {
          answer = await retry(thrown);
        }
      }
    } catch (error) {
      timer.stop();
      throw error;
    }
  }

  /** Throws the failure, typed, unless it may be retried; else waits the backoff of retry number `attempt`. */
  async #backOff(plan: CallPlan, timer: CallTimer, thrown: unknown, attempt: number, maxRetries: number): Promise<void> {
    const { operationId } = plan.operation;
    if (timer.abortedByCaller) throw timer.signal.reason;
    const error = this.#typed(thrown, timer, operationId);
    const headers = error instanceof APIError ? error.headers : undefined;
    const retryable = error instanceof APIError ? isRetryableStatus(error.status) : error instanceof APIConnectionError;
    const delayMs = backoffMs(attempt, headers);
    if (!retryable || attempt > maxRetries || timer.signal.aborted || delayMs > maxServerDelayMs) throw error;
    safely(() => this.#options.hooks?.onRetry?.({ operationId, attempt: attempt + 1, delayMs, error }));
    if (!(await timer.sleep(delayMs))) {
      if (timer.abortedByCaller) throw timer.signal.reason;
      throw timer.timeout({ operationId, itemsReceived: 0, waitingFor: 'a retry' }) ?? error;
    }
  }

  async #send(plan: CallPlan, url: string, timer: CallTimer, attempt: number, retry: (failure: unknown) => Promise<Answer>): Promise<Answer> {
    const { operation, input, options } = plan;
    const headers = new Headers(this.#options.headers);
    for (const [name, value] of Object.entries(options?.headers ?? {})) headers.set(name, value);
    this.#authorize(operation, headers);
    const hooks = this.#options.hooks;
    if (plan.stallBeforeHead) timer.waitForData();
    const body = input.body === undefined ? undefined : plan.serializeBody ? plan.serializeBody(input.body) : JSON.stringify(input.body);
    // FormData sets its own content type, with the boundary.
    if (body !== undefined && !(body instanceof FormData) && !headers.has('content-type')) headers.set('content-type', 'application/json');
    for (const [name, value] of Object.entries(input.params?.header ?? {})) if (value !== undefined && value !== null) headers.set(name, String(value));
    const request = new Request(url, { method: operation.method, headers, body, signal: timer.signal });
    const sentAt = Date.now();
    safely(() => hooks?.onRequest?.({ operationId: operation.operationId, method: request.method, url, attempt }));
    // The global fetch is looked up per request, so a polyfill or test double installed later is used.
    const response = await (this.#options.fetch ?? globalThis.fetch)(request);
    const error = response.ok ? undefined : parsedText(await response.text());
    timer.dataArrived();
    const requestId = response.headers.get('x-request-id') ?? undefined;
    safely(() =>
      hooks?.onResponse?.({ operationId: operation.operationId, method: operation.method, url, attempt, status: response.status, requestId, durationMs: Date.now() - sentAt }),
    );
    if (!response.ok) {
      throw apiErrorFor({ status: response.status, body: error, headers: response.headers, operationId: operation.operationId, requestId }, this.#options.apiKey);
    }
    return { response, timer, requestId, operationId: operation.operationId, retry };
  }

  #authorize(operation: OperationInfo, headers: Headers): void {
    const key = this.#options.apiKey;
    // The first alternative that takes a key is the one the service documents first (Bearer before
    // x-api-key on Messages); an empty one ("no key needed", LMI) is for callers without a key.
    for (const scheme of operation.security.find((alternative) => alternative.length > 0) ?? []) {
      if (!key || headers.has(scheme.headerName)) continue;
      headers.set(scheme.headerName, scheme.kind === 'bearer' ? `Bearer ${key}` : key);
    }
  }

  /** The call's URL; path parameters (the client's defaults under the caller's) and the query only through the encoders. */
  #url({ operation, options, input }: CallPlan): string {
    if (!this.#encoders) return `${this.#baseUrl}${operation.path}`;
    return this.#encoders.url(this.#baseUrl, operation, { path: { ...this.#defaultPath, ...options?.pathParams, ...input.params?.path }, query: input.params?.query });
  }

  /** Any failure of a try as a client error; the caller's own abort is handled before this. */
  #typed(thrown: unknown, timer: CallTimer, operationId: string): SambakitClientError {
    const timeout = timer.timeout({ operationId, itemsReceived: 0, waitingFor: 'the answer' });
    if (timeout) return timeout;
    if (thrown instanceof SambakitClientError) return thrown;
    const reason = thrown instanceof Error ? thrown.message : String(thrown);
    const said = redactSecret(reason, this.#options.apiKey);
    // A cause that names the key (fetch quotes a URL's user:password) is not kept; the message says it without the key.
    return new APIConnectionError(`Connection error: ${said}`, { operationId }, { cause: said === reason ? thrown : undefined });
  }
}

/** An error body: JSON when it parses, else the text (undefined when empty). */
function parsedText(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A hook must not break the call it observes. */
function safely(run: () => void): void {
  try {
    run();
  } catch {
    // Ignored on purpose: see ClientHooks.
  }
}
