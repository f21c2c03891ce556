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
  cors: '*',
  checkResponses: 'off',
  apis: ['sambastudio', 'sambanova-cloud', 'lmi'],
} as const satisfies Partial<ServerOptions>;

export function resolveServerOptions(options: ServerOptions): ResolvedServerOptions {
  const resolved = { ...defaultServerOptions, ...stripUndefined(options) } as ResolvedServerOptions;
  for (const [name, min] of [['ttftMs', 0], ['tokensPerSecond', 0.001], ['bodyLimitBytes', 1]] as const) {
    const value = resolved[name];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min) throw new RangeError(`${name} must be a number >= ${min}, got ${String(value)}`);
  }
  if (!Number.isInteger(resolved.seed)) throw new RangeError(`seed must be an integer, got ${String(resolved.seed)}`);
  return resolved;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
