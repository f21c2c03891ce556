/**
 * Checks a whole stream: an SSE or JSON-lines transcript, a fetch body, or any async iterable of
 * chunks, item by item as it arrives (constant memory: nothing is kept but the violations). Framing
 * counts as much as the items: the terminator must come where the API sends one, nothing may follow
 * it, every item must be JSON, and in-stream error events are recognised as such.
 * @module
 */
import type { OperationValidators } from '../contract/operation.js';
import { createStreamItemsDecoder } from '../streams/stream-items.js';
import { isStreamError, StreamBufferLimitError, StreamEndedEarlyError, StreamParseError } from '../streams/errors.js';
import type { StreamItem, StreamSource } from '../streams/types.js';
import { bareMediaType, schemaViolations, streamItemValidator, type ValidateOptions, type ValidationResult } from './check.js';
import { checkSize } from './limits.js';
import { violation, type Violation } from './violations.js';

export interface StreamValidationResult extends ValidationResult {
  /** Items read, in-stream error items included (the terminator is not an item). */
  items: number;
  /**
   * In-stream error items, as sent: SSE events the spec names as errors (`event` is the name), and
   * items holding the spec's `errorProperty` (`event` only if the server named the event). Each is
   * checked against the item schema like any item, and ends the stream legitimately (no terminator
   * needs to follow).
   */
  errorItems: Array<{ index: number; event?: string; value: unknown }>;
  /** Whether the terminator came (always false for a stream that has none). */
  terminated: boolean;
  /** More violations were found than `maxViolations`; the rest were not kept. */
  truncated: boolean;
}

export interface StreamValidateOptions extends ValidateOptions {
  /** Which of the operation's streamed media types; defaults to its only one. */
  mediaType?: string;
  /**
   * Violations kept; the check goes on to the end of the stream either way.
   * @default 1000
   */
  maxViolations?: number;
  /** Longest unfinished line or event held, in characters (as in `sambakit/streams`). */
  maxBufferSize?: number;
}

export interface StreamValidator {
  /** Checks the items a chunk completes. */
  push(chunk: Uint8Array | string): void;
  /** The stream ended: framing checks, and the result. */
  end(): StreamValidationResult;
  /** The reader left before the end (a client that went away): the result for the items read so far, without the end's checks (terminator, an unfinished last item). */
  stop(): StreamValidationResult;
}

/** Push form, for code that sees the chunks go by (a proxy checking a stream while forwarding it). */
export function createStreamValidator(operation: OperationValidators, options: StreamValidateOptions = {}): StreamValidator {
  const validate = streamItemValidator(operation, options.mediaType);
  const mediaType = bareMediaType(options.mediaType ?? Object.keys(operation.operation.streams)[0]!);
  const framing = operation.operation.streams[mediaType]!;
  const maxViolations = options.maxViolations ?? 1000;
  const violations: Violation[] = [];
  const errorItems: StreamValidationResult['errorItems'] = [];
  let truncated = false;
  let items = 0;
  let terminated = false;
  let broken = false;
  const trailing: string[] = [];
  let trailingCount = 0;
  const reportTrailing = () => {
    for (const data of trailing) report([violation(`/items/${items + trailingCount++}`, 'afterTerminator', `nothing after the terminator ${JSON.stringify(framing.terminator)}`, data)]);
    trailing.length = 0;
  };
  const report = (found: Violation[]) => {
    for (const v of found) {
      if (violations.length < maxViolations) violations.push(v);
      else truncated = true;
    }
  };
  const onItem = (item: StreamItem<unknown, unknown>) => {
    items = item.index + 1;
    const at = `/items/${item.index}`;
    if (item.kind === 'error') errorItems.push({ index: item.index, ...(item.event === undefined ? {} : { event: item.event }), value: item.value });
    const tooLarge = checkSize(item.value, at, options.limits);
    if (tooLarge) return report([tooLarge]);
    const found = schemaViolations(validate, item.value, at, options.firstViolationOnly === true);
    if (found) report(found);
    if (framing.eventFromType && item.kind === 'item') {
      const type = (item.value as { type?: unknown } | null)?.type;
      if (item.event !== type) report([violation(`${at}/type`, 'event', `the SSE event name to equal the item's type (event: ${String(type)})`, item.event === undefined ? 'no event name' : `event: ${item.event}`)]);
    }
  };
  const decoder = createStreamItemsDecoder(framing, {
    onItem,
    onTerminator: () => {
      terminated = true;
    },
    // Heard while a chunk is decoded, before its items are delivered: reported once they are.
    onAfterTerminator: (data) => trailing.push(data),
    ...(options.maxBufferSize === undefined ? {} : { maxBufferSize: options.maxBufferSize }),
  });
  const fail = (error: unknown) => {
    broken = true;
    report(framingViolations(error));
  };
  const result = (): StreamValidationResult => ({ valid: violations.length === 0, violations, items, errorItems, terminated, truncated });
  return {
    push(chunk) {
      if (broken) return;
      try {
        decoder.feed(chunk);
      } catch (error) {
        fail(error);
      }
      reportTrailing();
    },
    end() {
      if (!broken) {
        try {
          decoder.end();
        } catch (error) {
          fail(error);
        }
        reportTrailing();
      }
      return result();
    },
    stop: result,
  };
}

/** Reads `source` to its end and checks it. A string or bytes is a whole transcript. */
export async function validateStream(operation: OperationValidators, source: string | Uint8Array | StreamSource, options: StreamValidateOptions = {}): Promise<StreamValidationResult> {
  const validator = createStreamValidator(operation, options);
  if (typeof source === 'string' || source instanceof Uint8Array) {
    validator.push(source);
    return validator.end();
  }
  const iterable: AsyncIterable<Uint8Array | string> = Symbol.asyncIterator in source ? source : readableChunks(source);
  try {
    for await (const chunk of iterable) validator.push(chunk);
  } catch (error) {
    // The source failed (a dropped connection): what came is checked, the cut is said, and why.
    const result = validator.end();
    const reason = error instanceof Error ? `${error.message}${error.cause instanceof Error ? ` (${error.cause.message})` : ''}` : String(error);
    return { ...result, valid: false, violations: [...result.violations, violation('', 'read', 'the stream to be read to its end', reason)] };
  }
  return validator.end();
}

async function* readableChunks(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

/** What the stream decoder threw, as violations at the item where it happened. */
function framingViolations(error: unknown): Violation[] {
  if (error instanceof StreamEndedEarlyError) {
    const cut = violation(`/items/${error.itemCount}`, 'terminator', `the terminator ${JSON.stringify(error.terminator)} to end the stream`, 'the end of the stream');
    return error.cause instanceof StreamParseError ? [parseViolation(error.cause), cut] : [cut];
  }
  if (error instanceof StreamParseError) return [parseViolation(error)];
  if (error instanceof StreamBufferLimitError) return [violation('', 'maxBufferSize', `lines or events of at most ${error.limit} characters`, 'a longer one')];
  if (isStreamError(error)) return [violation('', error.type, 'a well-framed stream', error.message)];
  throw error;
}

function parseViolation(error: StreamParseError): Violation {
  return violation(`/items/${error.index}`, 'json', 'an item of JSON text', error.raw);
}
