/** Reads the chunks of a stream source one at a time, and lets an AbortSignal or the consumer stop it early. @module */
import type { StreamSource } from '../types.js';

export type Chunk = Uint8Array | string;

export interface ChunkSource {
  /**
   * The next chunk, as a reader or iterator result. Once the signal is aborted a pending read settles
   * as done: the caller checks the signal to tell that from the real end.
   */
  read(): Promise<IteratorResult<Chunk, unknown>>;
  /** Stops the source (cancels the body, or calls `return()` on the iterator) and drops the abort listener; safe to call twice. */
  cancel(reason?: unknown): Promise<void>;
}

const abortedResult: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

export function openChunkSource(body: StreamSource, signal?: AbortSignal): ChunkSource {
  return typeof (body as ReadableStream<Uint8Array>).getReader === 'function'
    ? readerSource(body as ReadableStream<Uint8Array>, signal)
    : iteratorSource(body as AsyncIterable<Chunk>, signal);
}

function readerSource(body: ReadableStream<Uint8Array>, signal: AbortSignal | undefined): ChunkSource {
  // getReader() rather than `for await`: Safari's ReadableStream is not async iterable.
  const reader = body.getReader();
  let open = true;
  // Cancelling the reader settles a pending read() as done, so reads need no race with the signal.
  const onAbort = () => void reader.cancel(signal?.reason).catch(() => {});
  signal?.addEventListener('abort', onAbort, { once: true });
  return {
    // The reader's own promise, not a .then() of it: one promise less per chunk (bench/streams.bench.ts).
    read: () => reader.read() as Promise<IteratorResult<Chunk, unknown>>,
    async cancel(reason) {
      if (!open) return;
      open = false;
      signal?.removeEventListener('abort', onAbort);
      // Cancelling a body that has already ended does nothing and resolves.
      await reader.cancel(reason).catch(() => {});
    },
  };
}

function iteratorSource(body: AsyncIterable<Chunk>, signal: AbortSignal | undefined): ChunkSource {
  const iterator = body[Symbol.asyncIterator]();
  let open = true;
  let onAbort: (() => void) | undefined;
  // An iterator cannot be interrupted while its next() is pending, so each read races the signal.
  const aborted = signal
    ? new Promise<typeof abortedResult>((resolve) => {
        onAbort = () => resolve(abortedResult);
        if (signal.aborted) onAbort();
        else signal.addEventListener('abort', onAbort, { once: true });
      })
    : undefined;
  return {
    read: () => (aborted ? Promise.race([iterator.next(), aborted]) : iterator.next()),
    async cancel(reason) {
      if (!open) return;
      open = false;
      if (onAbort) signal?.removeEventListener('abort', onAbort);
      // Not awaited: a generator paused in an await only runs return() at its next yield, and the
      // consumer that stops reading must not wait for that.
      iterator.return?.(reason)?.catch?.(() => {});
    },
  };
}
