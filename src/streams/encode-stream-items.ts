/**
 * The server side of `iterateStreamItems`: items in, a pull-based `ReadableStream` of framed bytes
 * out, with the terminator at the end.
 * @module
 */
import { itemJSON } from './jsonl-encoder.js';
import { encodeSSE } from './sse-encoder.js';
import type { OutgoingStreamItem, StreamFramingSpec } from './types.js';

type Items<T, E> = AsyncIterable<OutgoingStreamItem<T, E>> | Iterable<OutgoingStreamItem<T, E>>;

/**
 * What `encodeStreamItems` reads from: items, or a function that makes them when the first read
 * comes and gets a signal that is aborted when the reader cancels, so a producer waiting on a timer
 * or an upstream request can stop at once instead of at its next `yield`.
 */
export type StreamItemProducer<T, E = unknown> = Items<T, E> | ((signal: AbortSignal) => Items<T, E>);

export interface EncodeStreamItemsOptions {
  /**
   * The producer threw. Return an item (usually an error item) to write as the last one, then the
   * stream closes without the terminator: the terminator means "complete". Return `undefined` to
   * error the stream instead, which aborts the response mid-body.
   * @default undefined (error the stream)
   */
  onError?: (error: unknown) => OutgoingStreamItem<unknown> | undefined;
}

/**
 * One item as framed text. SSE: the JSON as one `data:` line, under the item's `event` and `id`;
 * an error item's event name defaults to the framing's first `errorEvents` name, else none when the
 * framing knows errors by `errorProperty` (a plain data event), else `error`.
 * JSON lines: the value's JSON and `\n` (`event` and `id` have no place there and are dropped).
 */
export function encodeStreamItem(item: OutgoingStreamItem<unknown>, framing: StreamFramingSpec): string {
  const json = item.json ?? itemJSON(item.value);
  if (framing.framing === 'jsonl') return `${json}\n`;
  const event = item.kind === 'error' ? (item.event ?? framing.errorEvents?.[0] ?? (framing.errorProperty === undefined ? 'error' : undefined)) : item.event;
  // JSON text holds no raw line break, so an event of data alone is one `data:` line: written as
  // `encodeSSE` would, without its scan of the text (which would copy a chunk's text once more).
  if (event === undefined && item.id === undefined) return `data: ${json}\n\n`;
  return encodeSSE({ data: json, event, id: item.id });
}

/**
 * The text around an item's JSON in its framing: `encodeStreamItem(item, framing)` is
 * `before + JSON + after`, for a writer that makes a large item's JSON in pieces.
 */
export function streamItemFrame(item: OutgoingStreamItem<unknown>, framing: StreamFramingSpec): [before: string, after: string] {
  const empty = encodeStreamItem({ ...item, json: '' }, framing);
  const after = framing.framing === 'jsonl' ? '\n' : '\n\n';
  return [empty.slice(0, empty.length - after.length), after];
}

/** The framing's terminator as text (`data: [DONE]` and a blank line, or a `[DONE]` line), or '' when it has none. */
export function encodeStreamEnd(framing: StreamFramingSpec): string {
  if (framing.terminator === undefined) return '';
  return framing.framing === 'sse' ? encodeSSE({ data: framing.terminator }) : `${framing.terminator}\n`;
}

function iteratorOf<T>(items: AsyncIterable<T> | Iterable<T>): AsyncIterator<T> | Iterator<T> {
  return Symbol.asyncIterator in items ? (items as AsyncIterable<T>)[Symbol.asyncIterator]() : (items as Iterable<T>)[Symbol.iterator]();
}

/**
 * A response body that asks the producer for the next item only when the reader asks for bytes
 * (`highWaterMark: 0`), so a slow client slows the producer down instead of growing a buffer.
 * Cancelling (the client went away) aborts the producer's signal and calls its iterator's `return()`,
 * which runs its `finally` blocks.
 *
 * @example
 * const body = encodeStreamItems(async function* (signal) {
 *   for (const token of ['Hel', 'lo']) yield { kind: 'item', value: chunk(token) };
 * }, { framing: 'sse', terminator: '[DONE]' });
 * return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
 */
export function encodeStreamItems<T, E = unknown>(producer: StreamItemProducer<T, E>, framing: StreamFramingSpec, options: EncodeStreamItemsOptions = {}): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const controller = new AbortController();
  let iterator: AsyncIterator<OutgoingStreamItem<T, E>> | Iterator<OutgoingStreamItem<T, E>> | undefined;
  let finished = false;
  let pulling = false;

  const stopProducer = async (reason?: unknown) => {
    controller.abort(reason);
    const returned = Promise.resolve(iterator?.return?.());
    // A generator busy inside next() only runs return() at its next yield; do not make the canceller
    // wait for that (the aborted signal is what stops it sooner).
    if (pulling) returned.catch(() => {});
    else await returned;
  };

  return new ReadableStream<Uint8Array>(
    {
      async pull(stream) {
        if (finished) return;
        let result: IteratorResult<OutgoingStreamItem<T, E>>;
        pulling = true;
        try {
          iterator ??= iteratorOf(typeof producer === 'function' ? producer(controller.signal) : producer);
          result = await iterator.next();
        } catch (error) {
          pulling = false;
          // The producer has already stopped by throwing; only the reader is left to tell.
          if (finished) return;
          finished = true;
          let last: OutgoingStreamItem<unknown> | undefined;
          try {
            last = options.onError?.(error);
            if (last !== undefined) stream.enqueue(encoder.encode(encodeStreamItem(last, framing)));
          } catch (encodeError) {
            stream.error(encodeError);
            return;
          }
          if (last === undefined) stream.error(error);
          else stream.close();
          return;
        }
        pulling = false;
        // The reader cancelled while the producer was working on this item.
        if (finished) return;
        if (result.done) {
          finished = true;
          const end = encodeStreamEnd(framing);
          if (end !== '') stream.enqueue(encoder.encode(end));
          stream.close();
          return;
        }
        let text: string;
        try {
          text = encodeStreamItem(result.value, framing);
        } catch (error) {
          // An item that cannot be written ends the stream, and the producer must not be left waiting.
          finished = true;
          stream.error(error);
          await stopProducer(error).catch(() => {});
          return;
        }
        stream.enqueue(encoder.encode(text));
      },
      async cancel(reason) {
        if (finished) return;
        finished = true;
        await stopProducer(reason);
      },
    },
    { highWaterMark: 0 },
  );
}
