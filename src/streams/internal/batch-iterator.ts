/**
 * The async iterator behind the `iterate…` functions: reads a chunk only when every value decoded
 * from the previous one has been taken, runs a synchronous push decoder on it, and hands the values
 * out one by one.
 * @module
 */
import type { Chunk, ChunkSource } from './chunk-source.js';

/** Where a push decoder puts what it decodes: the iterator's queue, or a decoder stacked on it that takes each value as it comes. */
export interface Output<T> {
  push(value: T): unknown;
}

/** A synchronous decoder that appends what it decodes to `out`. It may throw after appending: the values before the error are still delivered. */
export interface PushDecoder<T> {
  feed(chunk: Uint8Array | string, out: Output<T>): void;
  /** The body ended: flush what is pending, and throw if the stream is incomplete. */
  end(out: Output<T>): void;
  /** Set once no more input is wanted (a terminator was seen); the rest of the body is cancelled. */
  readonly stopped: boolean;
  /**
   * A read of the body failed. Resolving means the source can be read again (the client re-sent a
   * stream cut before its first item); rejecting gives the error to throw. Absent: the read's own error is thrown.
   */
  readFailed?(error: unknown): Promise<void>;
}

const done: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

/**
 * Hand-written rather than an async generator: a value already decoded is returned as a settled
 * promise without the generator's resume machinery. The same decoder behind an async generator
 * measured 5 % slower with 64-KiB reads and 10-20 % slower with 256-byte reads (2026-11-22).
 * A read is the reader's promise and one `then`, not an async function: an async function is one
 * promise more per read, and a live stream is a read per item (bench/RESULTS.md, session 10).
 */
export class BatchIterator<T> implements AsyncIterableIterator<T> {
  #queue: T[] = [];
  #head = 0;
  readonly #source: ChunkSource;
  readonly #decoder: PushDecoder<T>;
  readonly #signal: AbortSignal | undefined;
  #failure: { error: unknown } | undefined;
  #ended = false;
  #closed = false;
  /** A read (or the retry of a failed one) is under way for the call that returned #filling: a call made meanwhile waits for it. */
  #busy = false;
  #filling: Promise<IteratorResult<T>> | undefined;

  /** `signal` also stops values already decoded from being handed out. */
  constructor(source: ChunkSource, decoder: PushDecoder<T>, signal?: AbortSignal) {
    this.#source = source;
    this.#decoder = decoder;
    this.#signal = signal;
  }

  next(): Promise<IteratorResult<T>> {
    if (this.#head < this.#queue.length) {
      if (this.#signal?.aborted) return this.#fail(this.#signal.reason);
      const value = this.#queue[this.#head] as T;
      // Let go of delivered values so a long batch does not keep them all alive.
      this.#queue[this.#head++] = undefined as T;
      return Promise.resolve({ done: false, value });
    }
    // Someone called next() again before the last read finished: queue behind it.
    if (this.#busy) return this.#filling!.then(() => this.next());
    const filling = this.#fill();
    if (this.#busy) this.#filling = filling;
    return filling;
  }

  async return(): Promise<IteratorResult<T>> {
    await this.#close();
    return done;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** Reads until a read gives values, the stream ends or it fails. */
  #fill(): Promise<IteratorResult<T>> {
    this.#busy = false;
    this.#queue = [];
    this.#head = 0;
    if (this.#closed) return Promise.resolve(done);
    if (this.#failure) return this.#fail(this.#failure.error);
    if (this.#ended || this.#decoder.stopped) return this.#close().then(() => done);
    if (this.#signal?.aborted) return this.#fail(this.#signal.reason);
    this.#busy = true;
    return this.#source.read().then(this.#take, this.#readFailed);
  }

  /** A read settled: its values are decoded and the first handed out, or the next read is made (#fill also ends a stream aborted or closed meanwhile). */
  #take = (result: IteratorResult<Chunk, unknown>): IteratorResult<T> | Promise<IteratorResult<T>> => {
    // return() was called while the read was pending: the cancelled body's end is not the stream's.
    if (!this.#closed && !this.#signal?.aborted) {
      try {
        if (result.done) {
          this.#ended = true;
          this.#decoder.end(this.#queue);
        } else {
          this.#decoder.feed(result.value, this.#queue);
        }
      } catch (error) {
        // Deliver what was decoded before the error first; the next fill throws it.
        this.#failure = { error };
      }
      if (this.#queue.length > 0) {
        const value = this.#queue[0] as T;
        this.#queue[0] = undefined as T;
        this.#head = 1;
        this.#busy = false;
        return { done: false, value };
      }
    }
    return this.#fill();
  };

  /** A read failed: the decoder may open the source again (the client resends a stream cut before its first item) and the same call reads on; else the stream fails. */
  #readFailed = (error: unknown): Promise<IteratorResult<T>> => {
    if (!this.#decoder.readFailed) return this.#fail(error);
    return this.#decoder.readFailed(error).then(
      () => this.#fill(),
      (reported) => this.#fail(reported),
    );
  };

  async #fail(error: unknown): Promise<never> {
    this.#busy = false;
    this.#failure = undefined;
    this.#queue = [];
    this.#head = 0;
    await this.#close(error);
    throw error;
  }

  async #close(reason?: unknown): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#queue = [];
    this.#head = 0;
    await this.#source.cancel(reason);
  }
}
