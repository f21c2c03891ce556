/**
 * A streamed answer as a typed async iterable of its items: decoded by src/streams with the framing
 * of the generated stream map, each item checked as the client is told, and every way a stream can
 * go wrong thrown as one typed error that carries the items that came before it.
 * @module
 */
import { StreamEndedEarlyError, StreamParseError } from '../streams/errors.js';
import { defaultStreamItemsOptions, type ItemDecoder, type ItemDecoderFactory, type ItemReceiver } from '../streams/stream-items.js';
import type { StreamFramingSpec } from '../streams/types.js';
import { CallTimer } from './call-timer.js';
import { APIConnectionError, StreamError, describeErrorBody } from './errors.js';
import { inStreamErrorBody } from './in-stream-error.js';
import type { ClientHooks, PayloadValidator, ValidationMode } from './options.js';
import { cancelOnAbort } from './read-answer.js';
import { ReceivedItems } from './received-items.js';
import { redactSecret } from './redact.js';
import type { Answer } from './transport.js';
import { warnInvalid } from './warn.js';

export interface ItemStreamInit<T> {
  answer: Answer;
  framing: StreamFramingSpec;
  /** The item decoder of `framing`'s kind. */
  decoder: ItemDecoderFactory;
  mediaType: string;
  validate: ValidationMode;
  validator: PayloadValidator | undefined;
  hooks: ClientHooks | undefined;
  apiKey: string | undefined;
  /** Keep what came for `received` and the errors (see ClientOptions.keepItems). */
  keepItems: boolean;
  /**
   * For framings without a terminator: true for the item that ends the answer (a native object with
   * `is_last_response`, an LMI line with a finish reason). A body that ends before one is truncated.
   */
  isFinal?: (item: T) => boolean;
}

/**
 * A stream made beside the first one and kept, never read, so that the shapes (V8 maps) of a stream's
 * objects (its iterator, kept bytes, the call's timer, the body's reader) and the optimized code that
 * names them outlive a full collection that finds no stream open; without it every stream after such
 * a collection ran slowly until compiled again (bench/RESULTS.md, session 14; the decoders keep
 * their own, src/streams/stream-items.ts).
 */
let idle: object | undefined;

/**
 * The items of a streamed answer. Iterate it once (`for await`); `break` or the call's
 * `AbortSignal` closes the connection. It throws `StreamError` when the stream is cut
 * (`truncated`), carries an item that is not JSON (`malformed-item`) or breaks the spec in
 * `validate: 'throw'` mode (`invalid-item`), or reports an error (`error-event`), and
 * `APITimeoutError` when the stall or total timeout runs out; each holds the items received.
 */
export class ItemStream<T> implements AsyncIterable<T> {
  /** The answer being read: a stream cut before its first item is sent again (within the retry policy), and this is then the new answer. */
  response: Response;
  requestId: string | undefined;
  readonly operationId: string;
  /** The media type the service answered with (LMI may answer JSON lines or SSE). */
  readonly mediaType: string;
  // Typed by what is read from them only, so an ItemStream<Chunk> is an ItemStream<unknown> too.
  readonly #items: { readonly received: ReceivedItems<unknown> };
  #iterator: AsyncIterator<T> | undefined;

  constructor(init: ItemStreamInit<T>) {
    const { answer } = init;
    this.response = answer.response;
    this.requestId = answer.requestId;
    this.operationId = answer.operationId;
    this.mediaType = init.mediaType;
    // Without what it could leak: the caller's key, hooks and validator.
    idle ??= new ClientItems<T>({ ...init, answer: { response: new Response(), timer: new CallTimer(undefined, Infinity, Infinity) } as Answer, apiKey: undefined, hooks: undefined, validator: undefined }, () => {});
    const items = new ClientItems<T>(init, (next) => {
      this.response = next.response;
      this.requestId = next.requestId;
    });
    this.#items = this.#iterator = items;
  }

  /** Items received so far (none kept with `keepItems: false`): decoded again from the body's bytes when asked for, so equal to the items handed out but not the same objects. */
  get received(): readonly T[] {
    return this.#items.received.items as readonly T[];
  }

  /** How many items were received so far. */
  get receivedCount(): number {
    return this.#items.received.count;
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    const iterator = this.#iterator;
    if (!iterator) throw new TypeError('This stream was already iterated: an ItemStream can be read once');
    this.#iterator = undefined;
    return iterator;
  }
}

const done: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

/**
 * The iterator behind an ItemStream: reads the answer's body with the call's clock, decodes the
 * framing's items, applies the client's rules and hands the items out one by one, reading again only
 * once every item of the last read was taken. Every read is a wait the stall timer watches; the end
 * or a failure of the body stops the call's clock, and a read that fails says why in the client's
 * terms (timeout, the caller's abort, or a cut connection). A body cut before its first item is safe
 * to ask for again: the call is retried as its policy allows and the new body read instead.
 *
 * One class rather than src/streams' BatchIterator over a chunk source and a push decoder: a read
 * settles into one function that checks the clock, keeps the bytes and decodes them (fewer calls per
 * read, one queue array for every read), and the chat-only bundle no longer holds BatchIterator
 * (82 B gzip less, bench/RESULTS.md, session 14).
 */
class ClientItems<T> implements AsyncIterator<T>, ItemReceiver<T, unknown> {
  received: ReceivedItems<T>;
  #init: ItemStreamInit<T>;
  readonly #timer: CallTimer;
  /** The caller's own signal also stops items already decoded from being handed out; the call's own timers act through the body. */
  readonly #caller: AbortSignal | undefined;
  #inner: ItemDecoder<T, unknown>;
  #reader: ReadableStreamDefaultReader<Uint8Array>;
  /** The items of the last read, handed out from `#head` on; one array for every read. */
  readonly #queue: T[] = [];
  #head = 0;
  #failure: { error: unknown } | undefined;
  #ended = false;
  #closed = false;
  /** A read (or the retry of a failed one) is under way for the call that returned #filling: a call made meanwhile waits for it. */
  #busy = false;
  #filling: Promise<IteratorResult<T>> | undefined;
  #sawFinal = false;
  /**
   * What items are checked against, made at the first item rather than per item (`Response.status` is a getter
   * call): the answer read then is the last, since one is sent again only while no item came.
   */
  #target: Parameters<PayloadValidator>[0] | undefined;
  #stopListening = () => {};
  readonly #reopened: (answer: Answer) => void;

  constructor(init: ItemStreamInit<T>, reopened: (answer: Answer) => void) {
    this.#init = init;
    this.#timer = init.answer.timer;
    this.#caller = this.#timer.callerSignal;
    this.#reopened = reopened;
    this.#inner = this.#newDecoder();
    this.received = new ReceivedItems<T>(init.keepItems, () => this.#newDecoder());
    this.#reader = this.#open(init.answer.response.body);
  }

  next(): Promise<IteratorResult<T>> {
    const queue = this.#queue;
    if (this.#head < queue.length) {
      if (this.#caller?.aborted) return this.#fail(this.#caller.reason);
      const value = queue[this.#head] as T;
      // Let go of delivered items so a long batch does not keep them all alive.
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

  /** Reads until a read gives items, the stream ends or it fails. The reader's own promise and one `then`: no promise more per read. */
  #fill(): Promise<IteratorResult<T>> {
    this.#busy = false;
    this.#queue.length = 0;
    this.#head = 0;
    if (this.#closed) return Promise.resolve(done);
    if (this.#failure) return this.#fail(this.#failure.error);
    if (this.#ended || this.#inner.stopped) return this.#close().then(() => done);
    if (this.#caller?.aborted) return this.#fail(this.#caller.reason);
    this.#busy = true;
    this.#timer.waitForData();
    return this.#reader.read().then(this.#take, this.#readFailed);
  }

  /** A read settled: its items are decoded and the first handed out, or the next read is made (#fill also ends a stream aborted or closed meanwhile). */
  #take = (result: ReadableStreamReadResult<Uint8Array>): IteratorResult<T> | Promise<IteratorResult<T>> => {
    const timer = this.#timer;
    timer.dataArrived();
    // return() was called while the read was pending: the cancelled body's end is not the stream's.
    if (!this.#closed && !this.#caller?.aborted) {
      try {
        if (result.done) {
          // A read cancelled by a timeout or the caller's abort settles as the end (data that came before is handed out).
          if (timer.signal.aborted) throw this.#failed(timer.signal.reason);
          this.#end();
        } else {
          this.received.read(result.value);
          this.#inner.feed(result.value, this);
        }
      } catch (error) {
        // Deliver what was decoded before the error first; the next fill throws it.
        this.#failure = { error: this.#fromDecoder(error) };
      }
      const queue = this.#queue;
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

  /** A read failed: retried before any item, as the call's policy allows, and the same call reads on; else the stream fails. */
  #readFailed = (cut: unknown): Promise<IteratorResult<T>> =>
    this.#retry(cut).then(
      () => this.#fill(),
      (reported) => this.#fail(reported),
    );

  #end(): void {
    this.#ended = true;
    this.#timer.stop();
    this.#stopListening();
    this.received.end();
    this.#inner.end(this);
    const { isFinal, framing } = this.#init;
    if (isFinal && framing.terminator === undefined && !this.#sawFinal) {
      throw this.error('truncated', `Stream ended ${this.#afterItems()} without its final item: the connection was cut or the server stopped early`);
    }
  }

  async #retry(cut: unknown): Promise<void> {
    const { answer } = this.#init;
    const timer = this.#timer;
    // Retried only before any item: one already decoded may be in the caller's hands.
    if (this.received.count > 0 || timer.signal.aborted || !answer.retry) throw this.#failed(cut);
    let next: Answer;
    try {
      next = await answer.retry(cut);
    } catch (error) {
      // Out of tries on the same cut: reported as the stream's truncation; anything else (an error status) as it is.
      if (error instanceof APIConnectionError || timer.abortedByCaller) throw this.#failed(error);
      timer.stop();
      throw error;
    }
    // The bytes of the failed body are forgotten: the retried answer starts afresh.
    this.#init = { ...this.#init, answer: next };
    this.received = new ReceivedItems<T>(this.#init.keepItems, () => this.#newDecoder());
    this.#inner = this.#newDecoder();
    this.#reader = this.#open(next.response.body);
    this.#reopened(next);
  }

  async #fail(error: unknown): Promise<never> {
    this.#busy = false;
    this.#failure = undefined;
    this.#queue.length = 0;
    this.#head = 0;
    await this.#close(error);
    throw error;
  }

  async #close(reason?: unknown): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#queue.length = 0;
    this.#head = 0;
    this.#timer.stop();
    this.#stopListening();
    // Cancelling a body that has already ended does nothing and resolves.
    await this.#reader.cancel(reason).catch(() => {});
  }

  error(failure: StreamError['failure'], message: string, extra: { body?: unknown; cause?: unknown } = {}): StreamError<T> {
    const { answer } = this.#init;
    return new StreamError<T>({ failure, message, items: this.received.items, operationId: answer.operationId, requestId: answer.requestId, ...extra });
  }

  #newDecoder(): ItemDecoder<T, unknown> {
    return this.#init.decoder(this.#init.framing, defaultStreamItemsOptions.maxBufferSize);
  }

  #open(body: ReadableStream<Uint8Array> | null): ReadableStreamDefaultReader<Uint8Array> {
    const opened = (body ?? new ReadableStream<Uint8Array>({ start: (controller) => controller.close() })).getReader();
    this.#stopListening();
    this.#stopListening = cancelOnAbort(this.#timer.signal, opened);
    return opened;
  }

  /** An item of the framing, through the client's rules. */
  take(kind: 'item' | 'error', value: unknown): void {
    const index = this.received.count;
    const errorBody = kind === 'error' ? value : inStreamErrorBody(value);
    if (errorBody !== undefined) {
      const body = redactSecret(errorBody, this.#init.apiKey);
      const said = describeErrorBody(body).message ?? JSON.stringify(body);
      throw this.error('error-event', `The service reported an error in the stream ${this.#afterItems()}: ${said}`, { body });
    }
    const item = value as T;
    if (this.#init.validator) this.#check(item, index);
    if (this.#init.isFinal?.(item)) this.#sawFinal = true;
    this.received.count++;
    this.#queue.push(item);
  }

  #check(value: T, index: number): void {
    const { answer, mediaType, validator } = this.#init;
    const problems = validator?.((this.#target ??= { operationId: answer.operationId, status: answer.response.status, mediaType }), value);
    if (!problems?.length) return;
    if (this.#init.validate === 'throw') throw this.error('invalid-item', `Stream item ${index} breaks the spec: ${problems.join('; ')}`, { body: value });
    warnInvalid(this.#init.hooks, { operationId: answer.operationId, what: 'item', index, problems });
  }

  #fromDecoder(error: unknown): unknown {
    if (error instanceof StreamEndedEarlyError) return this.error('truncated', error.message, { cause: error });
    if (error instanceof StreamParseError) return this.error('malformed-item', error.message, { cause: error });
    return error;
  }

  /** The error a failed read ends the stream with; the call's clock stops. */
  #failed(error: unknown): unknown {
    const { operationId, requestId } = this.#init.answer;
    const timer = this.#timer;
    timer.stop();
    this.#stopListening();
    if (timer.abortedByCaller) return timer.signal.reason;
    const received = this.received.count;
    const timeout = timer.timeout({ operationId, requestId, itemsReceived: received, waitingFor: received === 0 ? 'the first stream item' : `stream item ${received}` });
    if (timeout) return timeout;
    const cut = error instanceof APIConnectionError ? error : new APIConnectionError(`Connection error: ${error instanceof Error ? error.message : String(error)}`, { operationId, requestId }, { cause: error });
    return this.error('truncated', `Stream cut ${this.#afterItems()}: ${cut.message}`, { cause: cut });
  }

  /** "after 3 items": how far the stream got, for the messages of the errors that end it. */
  #afterItems(): string {
    const { count } = this.received;
    return `after ${count} item${count === 1 ? '' : 's'}`;
  }
}
