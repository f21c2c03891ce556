/**
 * The reference server's options, with every default written once here. Defaults that change what is
 * sent are documented in the README's server section.
 * @module
 */
import type { ApiName } from '../contract/apis.js';

export interface ServerOptions {
  /** Only this key passes; without it any non-empty key passes (the banner says so). */
  apiKey?: string;
  /** Delay before the first token of an answer, in milliseconds. @default 200 */
  ttftMs?: number;
  /** Pace of tokens after the first one. @default 50 */
  tokensPerSecond?: number;
  /** Seed of the fake model; the same seed and request give the same answer. @default 0 */
  seed?: number;
  /** Largest request body accepted (413 beyond it). @default 26214400 (25 MiB: audio uploads) */
  bodyLimitBytes?: number;
  /**
   * Time a client gets to send a request's headers, from the moment its connection is open or its
   * previous request answered; past it the server answers 408 and closes the connection (slow or
   * silent clients cannot hold connections open). @default 10000
   */
  headersTimeoutMs?: number;
  /**
   * Time a client gets to send a whole request, headers and body; past it 408 and the connection
   * is closed. At least `headersTimeoutMs`. @default 120000 (25 MiB at about 1.7 Mbit/s)
   */
  requestTimeoutMs?: number;
  /** Longest pause between two pieces of a request body; past it 408 and the connection is closed. @default 10000 */
  bodyIdleTimeoutMs?: number;
  /**
   * Context length of the SambaStudio endpoint, in tokens, for its native and OpenAI-compatible APIs
   * alike (an endpoint serves one model): prompt plus tokens to generate must stay under it on the
   * native APIs (the vendor's parameter table) and within it on chat. SambaNova Cloud models take
   * theirs from the catalogue. @default 2048 (the only figure the vendor documents)
   */
  sambastudioContextTokens?: number;
  /** Context length of the LMI model (DJL's `max_model_len`), in tokens. @default 32768 (sambakit's choice: LMI takes it from the model) */
  lmiContextTokens?: number;
  /** Origins allowed to call from a browser: a list, `*`, or false for no CORS headers. @default '*' */
  cors?: readonly string[] | '*' | false;
  /**
   * Check every response and stream item the server emits against the spec: `off`, `log` (a log
   * line per violation), or `throw` (the response fails: 500, or the stream is cut). Tests use `throw`.
   * @default 'off'
   */
  checkResponses?: 'off' | 'log' | 'throw';
  /** Which APIs to serve. @default all three */
  apis?: readonly ApiName[];
  /** Where log lines go, one per request (the key is never logged). */
  log?: (line: string) => void;
  /** Called with every response violation found when checkResponses is not `off`. */
  onResponseViolation?: (report: ResponseViolationReport) => void;
  /** Aborting it ends every open stream with an in-stream error (set by startServer for SIGINT/SIGTERM). */
  shutdownSignal?: AbortSignal;
}

export interface ResponseViolationReport {
  api: ApiName;
  operationId: string;
  where: string;
  violations: Array<{ path: string; rule: string; expected: string; received: unknown }>;
}

type OptionalOptions = 'apiKey' | 'log' | 'onResponseViolation' | 'shutdownSignal';
export type ResolvedServerOptions = Required<Omit<ServerOptions, OptionalOptions>> & Pick<ServerOptions, OptionalOptions>;

export const defaultServerOptions = {
  ttftMs: 200,
  tokensPerSecond: 50,
  seed: 0,
  bodyLimitBytes: 25 * 1024 * 1024,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 120_000,
  bodyIdleTimeoutMs: 10_000,
  sambastudioContextTokens: 2048,
  lmiContextTokens: 32768,
  cors: '*',
  checkResponses: 'off',
  apis: ['sambastudio', 'sambanova-cloud', 'lmi'],
} as const satisfies Partial<ServerOptions>;

export function resolveServerOptions(options: ServerOptions): ResolvedServerOptions {
  const resolved = { ...defaultServerOptions, ...stripUndefined(options) } as ResolvedServerOptions;
  for (const [name, min] of [['ttftMs', 0], ['tokensPerSecond', 0.001], ['bodyLimitBytes', 1], ['headersTimeoutMs', 1], ['requestTimeoutMs', 1], ['bodyIdleTimeoutMs', 1], ['sambastudioContextTokens', 2], ['lmiContextTokens', 2]] as const) {
    const value = resolved[name];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min) throw new RangeError(`${name} must be a number >= ${min}, got ${String(value)}`);
  }
  for (const name of ['seed', 'sambastudioContextTokens', 'lmiContextTokens'] as const) {
    if (!Number.isInteger(resolved[name])) throw new RangeError(`${name} must be an integer, got ${String(resolved[name])}`);
  }
  if (resolved.requestTimeoutMs < resolved.headersTimeoutMs) {
    throw new RangeError(`requestTimeoutMs (${resolved.requestTimeoutMs}) must be at least headersTimeoutMs (${resolved.headersTimeoutMs}): the headers are part of the request`);
  }
  return resolved;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
