/**
 * Server-Sent Events decoding on top of eventsource-parser: a push decoder (`createSSEDecoder`) and an
 * async iterator over a body (`iterateSSE`).
 * @module
 */
import { createParser, type EventSourceMessage, type ParseError } from 'eventsource-parser';
import { StreamBufferLimitError } from './errors.js';
import { BatchIterator, type Output, type PushDecoder } from './internal/batch-iterator.js';
import { TextInput } from './internal/text-input.js';
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

/** Decoded event whose `raw` is only written out when someone reads it (error reports), not per event. */
class DecodedEvent implements ServerSentEvent {
  readonly data: string;
  readonly event: string | undefined;
  readonly id: string | undefined;

  constructor(message: EventSourceMessage) {
    this.data = message.data;
    this.event = message.event;
    this.id = message.id;
  }

  get raw(): string {
    return encodeSSE(this);
  }
}

/**
 * A push decoder for SSE: feed it byte or text chunks and it calls `onEvent` per event. Line
 * splitting (LF, CR, CRLF, also split across chunks) is eventsource-parser's `feed`, which measured as
 * fast as a hand-written loop; its TransformStream is slower and is not used
 * (shared/research/perf-baselines.md §4).
 *
 * @example
 * const sse = createSSEDecoder({ onEvent: (e) => console.log(e.event, e.data) });
 * sse.feed('event: ping\ndata: 1\n\n'); // logs "ping 1"
 */
export function createSSEDecoder(options: SSEDecoderOptions): SSEDecoder {
  const { onEvent } = options;
  return createSSEMessageDecoder({ ...options, onMessage: (message) => onEvent(new DecodedEvent(message)) });
}

/**
 * `createSSEDecoder` handing out the parser's own message objects, without `raw`: one object less
 * per event for a decoder that only reads the fields (the stream items decoder). Not in the public entry.
 */
export function createSSEMessageDecoder(options: Omit<SSEDecoderOptions, 'onEvent'> & { onMessage: (message: EventSourceMessage) => void }): SSEDecoder {
  const { onMessage, onIgnoredLine, maxBufferSize } = options;
  let input = new TextInput();
  const parser = createParser({
    onEvent: onMessage,
    onRetry: options.onRetry,
    onComment: options.onComment,
    onError(error: ParseError) {
      if (error.type === 'max-buffer-size-exceeded') throw new StreamBufferLimitError(maxBufferSize ?? Infinity, 'event');
      onIgnoredLine?.(error.line ?? '', error.type);
    },
    maxBufferSize: maxBufferSize === Infinity ? undefined : maxBufferSize,
  });
  return {
    feed(chunk) {
      // The BOM is dropped by TextInput; eventsource-parser only knows how to drop it from a first chunk.
      const text = input.decode(chunk);
      if (text !== '') parser.feed(text);
    },
    end() {
      const rest = input.end();
      if (rest !== '') parser.feed(rest);
      // The first LF ends a cut line (or completes a trailing CR), the second dispatches a pending event.
      parser.feed('\n\n');
    },
    reset() {
      input = new TextInput();
      parser.reset();
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
  return new BatchIterator(body, decoder, options.signal);
}
