/**
 * The async iterator behind the `iterate…` functions and the client's typed streams: reads a chunk
 * only when every value decoded from the previous one has been taken, decodes it synchronously, and
 * hands the values out one by one.
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
}

const done: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

/**
 * The hand-out of values decoded read by read; how a read is made and decoded is the subclass's:
 * `BatchIterator` over a chunk source and a push decoder, the client's typed streams
 * (src/client/item-stream.ts) over a body with the call's clock, in one class of their own.
 *
 * Hand-written rather than an async generator: a value already decoded is returned as a settled
 * promise without the generator's resume machinery. The same decoder behind an async generator
 * measured 5 % slower with 64-KiB reads and 10-20 % slower with 256-byte reads (2026-11-22).
 * A read is the reader's promise and one `then`, not an async function: an async function is one
 * promise more per read, and a live stream is a read per item (bench/RESULTS.md, session 10).
 */
export abstract class Batches<T> implements AsyncIterator<T> {
  /** The values of the last read, handed out from `#head` on; one array for every read. */
  protected readonly out: T[] = [];
  #head = 0;
  #ended = false;
  readonly #signal: AbortSignal | undefined;
  #failure: { error: unknown } | undefined;
  #closed = false;
  /** A read (or the retry of a failed one) is under way for the call that returned #filling: a call made meanwhile waits for it. */
  #busy = false;
  #filling: Promise<IteratorResult<T>> | undefined;

  /** `signal` also stops values already decoded from being handed out. */
  constructor(signal: AbortSignal | undefined) {
    this.#signal = signal;
  }

  /** Set once no more input is wanted (a terminator was seen); the rest of the body is cancelled. */
  protected abstract get stopped(): boolean;
  /** The next read. A pending read that the source's cancel settles comes as the end. */
  protected abstract read(): Promise<IteratorResult<Chunk, unknown>>;
  /** A read's values into `out`; it may throw after queuing some: those are delivered first. */
  protected abstract decode(result: IteratorResult<Chunk, unknown>): void;
  /** A read failed: resolves once the source can be read again (the client re-sent a stream cut before its first item), else rejects with the error to throw. */
  protected abstract retry(error: unknown): Promise<void>;
  /** Stops the source; safe to call twice. */
  protected abstract cancel(reason: unknown): Promise<void>;

  next(): Promise<IteratorResult<T>> {
    const queue = this.out;
    if (this.#head < queue.length) {
      if (this.#signal?.aborted) return this.#fail(this.#signal.reason);
      const value = queue[this.#head] as T;
      // Let go of delivered values so a long batch does not keep them all alive.
      queue[this.#head++] = undefined as T;
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

  /** Reads until a read gives values, the stream ends or it fails. */
  #fill(): Promise<IteratorResult<T>> {
    this.#busy = false;
    this.out.length = 0;
    this.#head = 0;
    if (this.#closed) return Promise.resolve(done);
    if (this.#failure) return this.#fail(this.#failure.error);
    if (this.#ended || this.stopped) return this.#close().then(() => done);
    if (this.#signal?.aborted) return this.#fail(this.#signal.reason);
    this.#busy = true;
    return this.read().then(this.#take, this.#readFailed);
  }

  /** A read settled: its values are decoded and the first handed out, or the next read is made (#fill also ends a stream aborted or closed meanwhile). */
  #take = (result: IteratorResult<Chunk, unknown>): IteratorResult<T> | Promise<IteratorResult<T>> => {
    // return() was called while the read was pending: the cancelled body's end is not the stream's.
    if (!this.#closed && !this.#signal?.aborted) {
      try {
        this.#ended = result.done === true;
        this.decode(result);
      } catch (error) {
        // Deliver what was decoded before the error first; the next fill throws it.
        this.#failure = { error };
      }
      const queue = this.out;
      if (queue.length > 0) {
        const value = queue[0] as T;
        queue[0] = undefined as T;
        this.#head = 1;
        this.#busy = false;
        return { done: false, value };
      }
    }
    return this.#fill();
  };

  #readFailed = (error: unknown): Promise<IteratorResult<T>> =>
    this.retry(error).then(
      () => this.#fill(),
      (reported) => this.#fail(reported),
    );

  async #fail(error: unknown): Promise<never> {
    this.#busy = false;
    this.#failure = undefined;
    await this.#close(error);
    throw error;
  }

  async #close(reason?: unknown): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.out.length = 0;
    this.#head = 0;
    await this.cancel(reason);
  }
}

/** The iterator of a chunk source through a push decoder. */
export class BatchIterator<T> extends Batches<T> implements AsyncIterableIterator<T> {
  readonly #source: ChunkSource;
  readonly #decoder: PushDecoder<T>;

  constructor(source: ChunkSource, decoder: PushDecoder<T>, signal?: AbortSignal) {
    super(signal);
    this.#source = source;
    this.#decoder = decoder;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  protected get stopped(): boolean {
    return this.#decoder.stopped;
  }

  protected read(): Promise<IteratorResult<Chunk, unknown>> {
    return this.#source.read();
  }

  protected decode(result: IteratorResult<Chunk, unknown>): void {
    if (result.done) this.#decoder.end(this.out);
    else this.#decoder.feed(result.value, this.out);
  }

  /** A failed read ends the stream with its own error. */
  protected retry(error: unknown): Promise<void> {
    return Promise.reject(error);
  }

  protected cancel(reason: unknown): Promise<void> {
    return this.#source.cancel(reason);
  }
}
