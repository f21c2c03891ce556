/**
 * Typed items of a stream whatever its framing: SSE or JSON lines in, parsed items out, with the
 * terminator, in-stream error events, invalid JSON and cut streams handled as the spec's
 * `x-sambakit-stream` metadata says.
 * @module
 */
import { StreamEndedEarlyError, StreamParseError } from './errors.js';
import { BatchIterator, type Output, type PushDecoder } from './internal/batch-iterator.js';
import { openChunkSource } from './internal/chunk-source.js';
import { JSONLDecoder } from './jsonl-decoder.js';
import { SSEParser } from './internal/sse-parser.js';
import type { StreamFramingSpec, StreamItem, StreamSource } from './types.js';

export interface StreamItemsOptions {
  /** Stops reading and cancels the body; the iterator then throws `signal.reason`, as fetch does. */
  signal?: AbortSignal;
  /**
   * Most characters held for one unfinished line or event; more throws `StreamBufferLimitError`.
   * `Infinity` turns the limit off.
   * @default 16_777_216 (16 Mi characters)
   */
  maxBufferSize?: number;
}

/** The defaults of `StreamItemsOptions`, written once. */
export const defaultStreamItemsOptions = {
  // Far above any real chunk (a chat chunk is ~200 B), low enough that a server that never ends a line cannot take the process down.
  maxBufferSize: 16 * 1024 * 1024,
} as const satisfies StreamItemsOptions;

/**
 * Where a framing's items go, as their parts: a consumer that reads only the values (the client)
 * makes no object per item, and `iterateStreamItems` makes the `StreamItem`.
 */
export interface ItemReceiver<T, E> {
  take(kind: 'item' | 'error', value: T | E, index: number, raw: string, event: string | undefined, id: string | undefined): void;
}

/** Decodes one framing's items from a body's chunks into a receiver; throws the stream's errors after the items before them. */
export interface ItemDecoder<T, E> {
  feed(chunk: Uint8Array | string, to: ItemReceiver<T, E>): void;
  /** The body ended: throws `StreamEndedEarlyError` if the terminator is missing. */
  end(to: ItemReceiver<T, E>): void;
  /** True once the terminator or an error was seen: further input is ignored. */
  readonly stopped: boolean;
}

/** Makes the item decoder of one framing (`sseItemDecoder`, `jsonlItemDecoder`); a client holds those of the framings its operations stream in. */
export type ItemDecoderFactory = <T, E>(framing: StreamFramingSpec, maxBufferSize: number, hooks?: TerminatorHooks) => ItemDecoder<T, E>;

/**
 * Turns the data texts of a stream into items. Shared by both framings so the rules (terminator,
 * error events, JSON, end of body) are written once.
 */
class ItemSink<T, E> {
  out!: ItemReceiver<T, E>;
  stopped = false;
  atEnd = false;
  #count = 0;
  #sawTerminator = false;
  #sawError = false;
  readonly #terminator: string | undefined;
  /** A terminator whose absence means a cut stream (not one that may be left out). */
  readonly #requiredTerminator: string | undefined;
  readonly #errorEvents: readonly string[] | undefined;
  readonly #errorProperty: string | undefined;
  readonly #hooks: TerminatorHooks;

  constructor(framing: StreamFramingSpec, hooks: TerminatorHooks = {}) {
    this.#terminator = framing.terminator;
    this.#requiredTerminator = framing.terminatorOptional ? undefined : framing.terminator;
    this.#errorEvents = framing.errorEvents?.length ? framing.errorEvents : undefined;
    this.#errorProperty = framing.errorProperty;
    this.#hooks = hooks;
  }

  accept(data: string, event: string | undefined, id: string | undefined): void {
    // After the terminator or an error, the rest of the chunk being decoded is ignored (or only reported).
    if (this.stopped) {
      if (this.#sawTerminator) this.#hooks.onAfterTerminator?.(data);
      return;
    }
    if (data === this.#terminator) {
      this.stopped = true;
      this.#sawTerminator = true;
      this.#hooks.onTerminator?.();
      return;
    }
    const index = this.#count;
    if (event !== undefined && this.#errorEvents?.includes(event)) {
      let value: E;
      try {
        value = JSON.parse(data) as E;
      } catch {
        // Keep a plain-text error message rather than replace it with a parse error.
        value = data as E;
      }
      this.#count++;
      this.#sawError = true;
      this.out.take('error', value, index, data, event, id);
      return;
    }
    let value: T;
    try {
      value = JSON.parse(data) as T;
    } catch (cause) {
      this.stopped = true;
      const error = new StreamParseError({ raw: data, index, event, cause, atEnd: this.atEnd });
      // With a terminator still missing, a broken last item is the visible part of a cut stream.
      if (this.atEnd && this.#requiredTerminator !== undefined) throw new StreamEndedEarlyError({ terminator: this.#requiredTerminator, itemCount: index, cause: error });
      throw error;
    }
    this.#count++;
    if (this.#errorProperty !== undefined && hasErrorMember(value, this.#errorProperty)) {
      this.#sawError = true;
      this.out.take('error', value, index, data, event, id);
      return;
    }
    this.out.take('item', value, index, data, event, id);
  }

  /** The body ended: without the terminator the stream was cut, unless the server reported an error first (then it may just close). */
  finish(): void {
    if (this.#requiredTerminator !== undefined && !this.#sawTerminator && !this.#sawError && !this.stopped) {
      throw new StreamEndedEarlyError({ terminator: this.#requiredTerminator, itemCount: this.#count });
    }
  }
}

/** `{"error": {...}}` for `errorProperty: error`: an own member that is there and not null. */
function hasErrorMember(value: unknown, property: string): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || !Object.hasOwn(value, property)) return false;
  const member = (value as Record<string, unknown>)[property];
  return member !== null && member !== undefined;
}

class SSEItems<T, E> implements ItemDecoder<T, E> {
  readonly #sink: ItemSink<T, E>;
  readonly #sse: SSEParser;

  constructor(framing: StreamFramingSpec, maxBufferSize: number, hooks?: TerminatorHooks) {
    const sink = new ItemSink<T, E>(framing, hooks);
    this.#sink = sink;
    this.#sse = new SSEParser(
      {
        // WHATWG does not dispatch an event with empty data; keep-alives are sent that way too.
        onEvent: (data, event, id) => {
          if (data !== '') sink.accept(data, event, id);
        },
      },
      maxBufferSize,
    );
  }

  get stopped(): boolean {
    return this.#sink.stopped;
  }

  feed(chunk: Uint8Array | string, to: ItemReceiver<T, E>): void {
    this.#sink.out = to;
    this.#sse.feed(chunk);
  }

  end(to: ItemReceiver<T, E>): void {
    this.#sink.out = to;
    this.#sink.atEnd = true;
    this.#sse.end();
    this.#sink.finish();
  }
}

class JSONLItems<T, E> implements ItemDecoder<T, E> {
  readonly #sink: ItemSink<T, E>;
  readonly #lines: JSONLDecoder;

  constructor(framing: StreamFramingSpec, maxBufferSize: number, hooks?: TerminatorHooks) {
    this.#sink = new ItemSink<T, E>(framing, hooks);
    this.#lines = new JSONLDecoder({ maxLineLength: maxBufferSize });
  }

  get stopped(): boolean {
    return this.#sink.stopped;
  }

  feed(chunk: Uint8Array | string, to: ItemReceiver<T, E>): void {
    this.#sink.out = to;
    for (const text of this.#lines.decode(chunk)) this.#sink.accept(text, undefined, undefined);
  }

  end(to: ItemReceiver<T, E>): void {
    this.#sink.out = to;
    this.#sink.atEnd = true;
    for (const text of this.#lines.flush()) this.#sink.accept(text, undefined, undefined);
    this.#sink.finish();
  }
}

/**
 * A decoder of each framing made at its first use and kept, never fed: V8 drops the shapes (maps) of a
 * decoder's objects in a full collection that finds none alive, and with them the optimized code that
 * names them, so every stream after such a collection decoded slowly until compiled again (bench/RESULTS.md,
 * session 14). One idle decoder keeps the shapes, and the code, alive.
 */
const idle: { sse?: ItemDecoder<unknown, unknown>; jsonl?: ItemDecoder<unknown, unknown> } = {};

export const sseItemDecoder: ItemDecoderFactory = (framing, maxBufferSize, hooks) => {
  idle.sse ??= new SSEItems(framing, maxBufferSize);
  return new SSEItems(framing, maxBufferSize, hooks);
};
export const jsonlItemDecoder: ItemDecoderFactory = (framing, maxBufferSize, hooks) => {
  idle.jsonl ??= new JSONLItems(framing, maxBufferSize);
  return new JSONLItems(framing, maxBufferSize, hooks);
};

/** The item decoder of the framing's kind. */
function itemDecoder<T, E>(framing: StreamFramingSpec, maxBufferSize: number, hooks?: TerminatorHooks): ItemDecoder<T, E> {
  if (framing.framing === 'sse') return sseItemDecoder(framing, maxBufferSize, hooks);
  if (framing.framing === 'jsonl') return jsonlItemDecoder(framing, maxBufferSize, hooks);
  // Reachable from untyped callers or a newer spec; guessing a framing would decode garbage quietly.
  throw new TypeError(`Unknown stream framing ${JSON.stringify((framing as { framing: unknown }).framing)}: expected "sse" or "jsonl"`);
}

/** An item decoder whose items are `StreamItem` objects in a push decoder's output. */
class ItemObjects<T, E> implements PushDecoder<StreamItem<T, E>>, ItemReceiver<T, E> {
  readonly #inner: ItemDecoder<T, E>;
  #out: Output<StreamItem<T, E>> = [];

  constructor(inner: ItemDecoder<T, E>) {
    this.#inner = inner;
  }

  get stopped(): boolean {
    return this.#inner.stopped;
  }

  feed(chunk: Uint8Array | string, out: Output<StreamItem<T, E>>): void {
    this.#out = out;
    this.#inner.feed(chunk, this);
  }

  end(out: Output<StreamItem<T, E>>): void {
    this.#out = out;
    this.#inner.end(this);
  }

  take(kind: 'item' | 'error', value: T | E, index: number, raw: string, event: string | undefined, id: string | undefined): void {
    this.#out.push({ kind, value, index, raw, event, id } as StreamItem<T, E>);
  }
}

/**
 * The items of a stream body, parsed, one by one:
 * - stops at the terminator (not an item) and cancels the rest of the body;
 * - an SSE event named in `errorEvents`, or an item whose object has the `errorProperty` member,
 *   comes as `{ kind: 'error' }`, everything else as `{ kind: 'item' }`;
 * - invalid JSON throws `StreamParseError` (index and text), never a bare `SyntaxError`;
 * - a body that ends before a declared terminator throws `StreamEndedEarlyError` after the items it
 *   did carry, unless an error item came first (a server that reports an error may just close);
 * - a chunk is read only when the items of the previous one are taken; `break` cancels the body.
 * A `terminator` is honoured for JSON lines too, matched against the line's text.
 *
 * @example
 * for await (const item of iterateStreamItems<ChatChunk>(response.body!, streams.chat['text/event-stream'])) {
 *   if (item.kind === 'error') throw new Error(JSON.stringify(item.value));
 *   process.stdout.write(item.value.choices[0]?.delta.content ?? '');
 * }
 */
export function iterateStreamItems<T, E = unknown>(body: StreamSource, framing: StreamFramingSpec, options: StreamItemsOptions = {}): AsyncIterableIterator<StreamItem<T, E>> {
  const decoder = new ItemObjects(itemDecoder<T, E>(framing, options.maxBufferSize ?? defaultStreamItemsOptions.maxBufferSize));
  return new BatchIterator(openChunkSource(body, options.signal), decoder, options.signal);
}

/** What a checker (sambakit/validate) wants to hear about the terminator that a reader just honours. */
export interface TerminatorHooks {
  /** The terminator came. */
  onTerminator?: () => void;
  /** Data (an SSE event's data or a line) that came after the terminator: a framing error a reader ignores. */
  onAfterTerminator?: (data: string) => void;
}

export interface StreamItemsDecoderOptions<T, E> extends TerminatorHooks {
  /** Runs for every item, in order, before `feed()` or `end()` returns (or throws). */
  onItem: (item: StreamItem<T, E>) => void;
  /** As in `StreamItemsOptions`. @default 16_777_216 */
  maxBufferSize?: number;
}

export interface StreamItemsDecoder {
  /** Decodes a chunk. Throws the errors `iterateStreamItems` throws, after delivering the items before them. */
  feed(chunk: Uint8Array | string): void;
  /** The body ended; throws `StreamEndedEarlyError` if the terminator is missing. */
  end(): void;
  /** True once the terminator or an error was seen: further input is ignored. */
  readonly stopped: boolean;
}

/**
 * The push form of `iterateStreamItems`, for code that sees the chunks go by rather than pulling
 * them (a proxy checking a stream while forwarding it).
 */
export function createStreamItemsDecoder<T, E = unknown>(framing: StreamFramingSpec, options: StreamItemsDecoderOptions<T, E>): StreamItemsDecoder {
  const decoder = new ItemObjects(itemDecoder<T, E>(framing, options.maxBufferSize ?? defaultStreamItemsOptions.maxBufferSize, options));
  // With onAfterTerminator the rest of the body is still decoded, to report what follows the terminator.
  const keepReading = options.onAfterTerminator !== undefined;
  const run = (step: (out: StreamItem<T, E>[]) => void) => {
    const out: StreamItem<T, E>[] = [];
    try {
      step(out);
    } finally {
      for (const item of out) options.onItem(item);
    }
  };
  return {
    feed: (chunk) => {
      if (!decoder.stopped || keepReading) run((out) => decoder.feed(chunk, out));
    },
    end: () => run((out) => decoder.end(out)),
    get stopped() {
      return decoder.stopped;
    },
  };
}
