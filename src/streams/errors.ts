/**
 * Every error raised by `sambakit/streams`: one base class with a `type` string, one subclass per
 * failure. Fields are `declare`d and set by the constructors, as in src/client/errors.ts.
 * @module
 */

export type StreamErrorType = 'buffer-limit-exceeded' | 'invalid-json' | 'ended-early' | 'invalid-field' | 'not-serializable';

const previewLength = 200;

/** Long text cut for a message, as a JSON string; the full text stays on the error (`raw`, `body`). */
export function preview(text: string): string {
  const shown = text.length > previewLength ? `${text.slice(0, previewLength)}… (${text.length} characters)` : text;
  return JSON.stringify(shown);
}

/** Base class: `type` says what went wrong in a form code can switch on. */
export class StreamError extends Error {
  override name = 'StreamError';
  declare readonly type: StreamErrorType;

  constructor(type: StreamErrorType, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.type = type;
  }
}

/** A line or event grew past the buffer limit before it ended: a stream that never sends a line end would otherwise eat memory. */
export class StreamBufferLimitError extends StreamError {
  override name = 'StreamBufferLimitError';
  /** The limit, in characters. */
  declare readonly limit: number;

  constructor(limit: number, what: 'line' | 'event') {
    super('buffer-limit-exceeded', `Stream ${what} exceeded the buffer limit of ${limit} characters; raise maxBufferSize if items this large are expected`);
    this.limit = limit;
  }
}

/** An item's text is not valid JSON. Raised instead of a bare `SyntaxError` so the report names the item. */
export class StreamParseError extends StreamError {
  override name = 'StreamParseError';
  /** The text that failed to parse, in full. */
  declare readonly raw: string;
  /** Position the item would have had in the stream (see `StreamDataItem.index`). */
  declare readonly index: number;
  /** SSE event name of the item, if any. */
  declare readonly event: string | undefined;

  constructor(init: { raw: string; index: number; event?: string; cause: unknown; atEnd?: boolean }) {
    const reason = init.cause instanceof Error ? init.cause.message : String(init.cause);
    const where = init.atEnd ? ' (the last text of the body: it may have been cut)' : '';
    super('invalid-json', `Stream item ${init.index}${init.event ? ` (event "${init.event}")` : ''} is not valid JSON${where}: ${reason}; text: ${preview(init.raw)}`, { cause: init.cause });
    this.raw = init.raw;
    this.index = init.index;
    this.event = init.event;
  }
}

/** The body ended before the framing's terminator (SSE `[DONE]`): the connection was cut or the server stopped early. */
export class StreamEndedEarlyError extends StreamError {
  override name = 'StreamEndedEarlyError';
  declare readonly terminator: string;
  /** Items (including error items) delivered before the end. */
  declare readonly itemCount: number;

  constructor(init: { terminator: string; itemCount: number; cause?: unknown }) {
    super('ended-early', `Stream ended after ${init.itemCount} item${init.itemCount === 1 ? '' : 's'} without its terminator ${JSON.stringify(init.terminator)}: the connection was cut or the server stopped early`, init.cause === undefined ? undefined : { cause: init.cause });
    this.terminator = init.terminator;
    this.itemCount = init.itemCount;
  }
}

/** An encoder was given something it cannot write without breaking the framing. */
export class StreamEncodeError extends StreamError {
  override name = 'StreamEncodeError';
  /** The offending field (`event`, `id`, `retry`, `value`). */
  declare readonly field: string;

  constructor(type: 'invalid-field' | 'not-serializable', field: string, message: string, options?: { cause?: unknown }) {
    super(type, message, options);
    this.field = field;
  }
}

const streamErrorNames = new Set(['StreamError', 'StreamBufferLimitError', 'StreamParseError', 'StreamEndedEarlyError', 'StreamEncodeError']);

/** True for any error of this module; also checks `name`, so it works across realms and duplicated package copies. */
export function isStreamError(error: unknown): error is StreamError {
  if (error instanceof StreamError) return true;
  return error instanceof Error && streamErrorNames.has(error.name) && typeof (error as { type?: unknown }).type === 'string';
}
