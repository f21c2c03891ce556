/**
 * Server-Sent Events decoding: a push decoder (`createSSEDecoder`) and an async iterator over a body
 * (`iterateSSE`), on the parser of internal/sse-parser.ts.
 * @module
 */
import { openChunkSource } from './internal/chunk-source.js';
import { BatchIterator, type Output, type PushDecoder } from './internal/batch-iterator.js';
import { SSEParser, type SSEParserHandlers } from './internal/sse-parser.js';
import { encodeSSE } from './sse-encoder.js';
import type { ServerSentEvent, StreamSource } from './types.js';

export interface SSEDecoderOptions {
  onEvent: (event: ServerSentEvent) => void;
  /** A `retry:` field with a valid number of milliseconds. */
  onRetry?: (milliseconds: number) => void;
  /** A comment line (`: text`), without the colon and one space. */
  onComment?: (comment: string) => void;
  /** A line the WHATWG algorithm ignores: an unknown field or a `retry:` that is not a number. */
  onIgnoredLine?: (line: string, reason: 'unknown-field' | 'invalid-retry') => void;
  /**
   * Most characters held for one unfinished line plus the data of one unfinished event; more throws
   * `StreamBufferLimitError` and the decoder must then be reset.
   * @default Infinity
   */
  maxBufferSize?: number;
}

export interface SSEDecoder {
  /** Decodes a chunk; `onEvent` runs for every event it completes, before `feed` returns. */
  feed(chunk: string | Uint8Array): void;
  /**
   * The body ended. An event whose blank line never came is delivered anyway (WHATWG drops it), so
   * that a last event cut just before its blank line is seen, and a caller can tell a cut stream
   * by what it holds rather than by silence.
   */
  end(): void;
  /** Forgets all state, for a new body. */
  reset(): void;
}

const digits = /^\d+$/;

/** Decoded event whose `raw` is only written out when someone reads it (error reports), not per event. */
class DecodedEvent implements ServerSentEvent {
  constructor(
    readonly data: string,
    readonly event: string | undefined,
    readonly id: string | undefined,
  ) {}

  get raw(): string {
    return encodeSSE(this);
  }
}

/**
 * A push decoder for SSE: feed it byte or text chunks and it calls `onEvent` per event. Lines end at
 * LF, CR or CRLF, also split across chunks; a leading BOM is dropped.
 *
 * @example
 * const sse = createSSEDecoder({ onEvent: (e) => console.log(e.event, e.data) });
 * sse.feed('event: ping\ndata: 1\n\n'); // logs "ping 1"
 */
export function createSSEDecoder(options: SSEDecoderOptions): SSEDecoder {
  const { onEvent, onRetry, onComment, onIgnoredLine, maxBufferSize } = options;
  const handlers: SSEParserHandlers = {
    onEvent: (data, event, id) => onEvent(new DecodedEvent(data, event, id)),
    onComment,
    onField(name, value, line) {
      if (name !== 'retry') onIgnoredLine?.(line, 'unknown-field');
      else if (digits.test(value)) onRetry?.(Number(value));
      else onIgnoredLine?.(line, 'invalid-retry');
    },
  };
  let parser = new SSEParser(handlers, maxBufferSize);
  return {
    feed: (chunk) => parser.feed(chunk),
    end: () => parser.end(),
    reset() {
      parser = new SSEParser(handlers, maxBufferSize);
    },
  };
}

export interface IterateSSEOptions extends Omit<SSEDecoderOptions, 'onEvent'> {
  /** Stops reading and cancels the body; the iterator then throws `signal.reason`, as fetch does. */
  signal?: AbortSignal;
}

/**
 * The events of a body, one by one. Reads a chunk only when the events of the previous one are all
 * taken; `break` (or `return()`) cancels the body.
 *
 * @example
 * for await (const event of iterateSSE(response.body!)) console.log(event.event, event.data);
 */
export function iterateSSE(body: StreamSource, options: IterateSSEOptions = {}): AsyncIterableIterator<ServerSentEvent> {
  let out: Output<ServerSentEvent> = [];
  const sse = createSSEDecoder({ ...options, onEvent: (event) => out.push(event) });
  const decoder: PushDecoder<ServerSentEvent> = {
    stopped: false,
    feed(chunk, into) {
      out = into;
      sse.feed(chunk);
    },
    end(into) {
      out = into;
      sse.end();
    },
  };
  return new BatchIterator(openChunkSource(body, options.signal), decoder, options.signal);
}
