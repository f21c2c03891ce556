/** A `Response` whose body is an encoded item stream, with the headers streams need. @module */
import { encodeStreamItems, type EncodeStreamItemsOptions, type StreamItemProducer } from './encode-stream-items.js';
import type { StreamFramingSpec } from './types.js';

export interface StreamResponseInit extends EncodeStreamItemsOptions {
  /** @default 200 */
  status?: number;
  /** @default 'text/event-stream' for SSE, 'application/jsonl' for JSON lines (docs/spec-conventions.md) */
  mediaType?: string;
  /** Extra headers; they win over the defaults. */
  headers?: HeadersInit;
}

/**
 * `new Response(encodeStreamItems(…))` with `content-type`, `cache-control: no-cache` (a cached
 * stream is a stale one) and `x-accel-buffering: no` (nginx would otherwise hold the chunks back).
 */
export function createStreamResponse<T, E = unknown>(producer: StreamItemProducer<T, E>, framing: StreamFramingSpec, init: StreamResponseInit = {}): Response {
  const headers = new Headers({
    'content-type': init.mediaType ?? (framing.framing === 'sse' ? 'text/event-stream' : 'application/jsonl'),
    'cache-control': 'no-cache',
    'x-accel-buffering': 'no',
  });
  if (init.headers) new Headers(init.headers).forEach((value, name) => headers.set(name, value));
  return new Response(encodeStreamItems(producer, framing, init), { status: init.status ?? 200, headers });
}
