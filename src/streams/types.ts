/** Shared types of `sambakit/streams`: stream sources, framing metadata, decoded and outgoing items. @module */

/**
 * Where the bytes of a stream come from: a fetch body (`response.body`), a Node stream or any other
 * async iterable of byte or text chunks. Do not mix bytes and strings in one source: a multibyte
 * character split across a byte chunk and a string chunk cannot be put back together.
 */
export type StreamSource = ReadableStream<Uint8Array> | AsyncIterable<Uint8Array | string>;

/**
 * How the items of one stream are framed on the wire: the `x-sambakit-stream` extension of the spec
 * (docs/spec-conventions.md, "Streams"). Entries of the generated `streams` map, which add `status`,
 * can be passed as they are.
 *
 * @example
 * { framing: 'sse', terminator: '[DONE]', errorEvents: ['error', 'error_event'] }
 */
export interface StreamFramingSpec {
  readonly framing: 'sse' | 'jsonl';
  /** Data that ends the stream and is not an item (SSE `data: [DONE]`). When set, a body that ends without it was cut. */
  readonly terminator?: string;
  /**
   * The stream may also end without `terminator` (one operation whose answers come in two schemas, only one of
   * which sends it: LMI's `/invocations`). A body ending without it is then complete, not cut.
   */
  readonly terminatorOptional?: boolean;
  /** SSE event names whose data is an in-stream error item rather than a regular item. */
  readonly errorEvents?: readonly string[];
  /**
   * An item (SSE data or JSON line, whatever its event name) whose JSON is an object with this member,
   * not null, is an in-stream error item: servers that send `data: {"error": {...}}` (SambaStudio,
   * LMI) then end the stream without the terminator, as after an error event.
   */
  readonly errorProperty?: string;
}

/**
 * One Server-Sent Event as decoded: `event` stays `undefined` when the server named none (browsers
 * report `message`), and multi-line data is joined with `\n` (WHATWG HTML, "Interpreting an event
 * stream").
 */
export interface ServerSentEvent {
  readonly event?: string;
  readonly data: string;
  readonly id?: string;
  /**
   * The event written back as SSE text (`event:`, `id:`, then one `data:` line per line), for error
   * reports. Comments, unknown fields and the original line endings are not kept by the parser.
   */
  readonly raw: string;
}

/** A regular item of a stream: the parsed JSON of one SSE event or one JSON line. */
export interface StreamDataItem<T> {
  readonly kind: 'item';
  readonly value: T;
  /** Position in the stream, counting items and error items from 0 (the terminator and blank lines are not counted). */
  readonly index: number;
  /** The JSON text as received: the SSE event's data, or the line without its `data: ` prefix. */
  readonly raw: string;
  /** SSE event name, if the server sent one (SambaStudio NLP streams name every event). */
  readonly event?: string;
  /** SSE `id`, if the server sent one. */
  readonly id?: string;
}

/**
 * An in-stream error: an SSE event whose name is listed in `errorEvents`, or an item whose JSON object
 * has the framing's `errorProperty` member. `value` is the parsed JSON data, or (error events only)
 * the data text itself when it is not JSON, so a plain-text server message is not lost. Without
 * `errorProperty`, a `data: {"error": …}` event with no error event name stays a `StreamDataItem`.
 */
export interface StreamErrorItem<E = unknown> {
  readonly kind: 'error';
  readonly value: E;
  readonly index: number;
  readonly raw: string;
  /** The SSE event name it came under: one of `errorEvents`, or any (or none) for an `errorProperty` error. */
  readonly event?: string;
  readonly id?: string;
}

/**
 * What `iterateStreamItems` yields. A body cut before its terminator is not a member of this union:
 * it is thrown as `StreamEndedEarlyError`, so a loop that forgets to check cannot mistake a cut
 * stream for a complete one.
 */
export type StreamItem<T, E = unknown> = StreamDataItem<T> | StreamErrorItem<E>;

/**
 * What `encodeStreamItems` writes: the same union without `index` and `raw`, so decoded items can
 * be passed straight through (a proxy). An error item's `event` defaults to the framing's first
 * `errorEvents` name, else none when the framing has an `errorProperty` (a plain data event), else `error`.
 * `json`, when given, is written as it is in place of `JSON.stringify(value)` and must be that text: a producer
 * that has it already (the reference server's chunks, their envelope written once per stream) spares
 * the object's serialization.
 */
export type OutgoingStreamItem<T, E = unknown> =
  | { readonly kind: 'item'; readonly value: T; readonly event?: string; readonly id?: string; readonly json?: string }
  | { readonly kind: 'error'; readonly value: E; readonly event?: string; readonly id?: string; readonly json?: string };
