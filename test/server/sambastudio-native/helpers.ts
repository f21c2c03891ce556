/**
 * Shared helpers of the native API suites: one real server per suite (SambaStudio only, a fixed
 * key, every emitted body and stream item checked against the spec after each test), requests
 * with the `key` header, typed parameter builders and stream readers built on `src/streams`.
 */
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { ServeOptions } from '../../../src/server/index.js';
import { iterateStreamItems, type StreamItem } from '../../../src/streams/index.js';
import { withServer, type TestServer } from '../../helpers/server.js';

export const KEY = 'native-key-3f9a';

/** A server for the enclosing suite; `server.violations` must be empty after every test. */
export function nativeServer(options: ServeOptions = {}): () => TestServer {
  let server: TestServer | undefined;
  beforeAll(async () => {
    server = await withServer({ apis: ['sambastudio'], apiKey: KEY, ...options });
  });
  afterEach(() => {
    expect(server!.violations).toEqual([]);
  });
  afterAll(async () => {
    await server?.close();
  });
  return () => server!;
}

export type Headers = Record<string, string>;

/** POST a JSON body with the endpoint key. */
export function postJson(server: TestServer, path: string, body: unknown, headers: Headers = {}, signal?: AbortSignal): Promise<Response> {
  return fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { key: KEY, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    signal,
  });
}

/** POST and read the JSON answer, expecting `status`. */
export async function call<T = any>(server: TestServer, path: string, body: unknown, headers: Headers = {}, status = 200): Promise<T> {
  const response = await postJson(server, path, body, headers);
  const text = await response.text();
  expect(response.status, text).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  return JSON.parse(text) as T;
}

/** Typed parameter builders: `{type, value}` with the value as text, as the native APIs take them. */
export const typed = {
  int: (value: number | string) => ({ type: 'int', value: String(value) }),
  float: (value: number | string) => ({ type: 'float', value: String(value) }),
  bool: (value: boolean | string) => ({ type: 'bool', value: String(value) }),
  str: (value: string) => ({ type: 'str', value }),
  list: (value: string) => ({ type: 'list', value }),
};

export const sseFraming = { framing: 'sse', errorEvents: ['error_event'] } as const;
export const jsonlFraming = { framing: 'jsonl' } as const;

/** Every item of a streamed answer, with when each arrived (ms after the request was sent). */
export interface TimedItem<T> {
  item: StreamItem<T>;
  atMs: number;
}

export async function streamItems<T = any>(response: Response, framing: typeof sseFraming | typeof jsonlFraming): Promise<StreamItem<T>[]> {
  return (await timedStreamItems<T>(response, framing, performance.now())).map((timed) => timed.item);
}

export async function timedStreamItems<T = any>(response: Response, framing: typeof sseFraming | typeof jsonlFraming, sentAtMs: number): Promise<TimedItem<T>[]> {
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe(framing.framing === 'sse' ? 'text/event-stream' : 'application/jsonl');
  const out: TimedItem<T>[] = [];
  for await (const item of iterateStreamItems<T>(response.body!, framing)) out.push({ item, atMs: performance.now() - sentAtMs });
  return out;
}

/** The values of data items (error items fail the test). */
export function values<T>(items: StreamItem<T>[]): T[] {
  return items.map((item) => {
    expect(item.kind, JSON.stringify(item.value)).toBe('item');
    return item.value as T;
  });
}
