/**
 * A streamed answer as a typed async iterable of its items: decoded by src/streams with the framing
 * of the generated stream map, each item checked as the client is told, and every way a stream can
 * go wrong thrown as one typed error that carries the items that came before it.
 * @module
 */
import { StreamEndedEarlyError, StreamParseError } from '../streams/errors.js';
import { Batches } from '../streams/internal/batch-iterator.js';
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

/**
 * The iterator behind an ItemStream: reads the answer's body with the call's clock, decodes the
 * framing's items, then applies the client's rules. Every read is a wait the stall timer watches;
 * the end or a failure of the body stops the call's clock, and a read that fails says why in the
 * client's terms (timeout, the caller's abort, or a cut connection). A body cut before its first
 * item is safe to ask for again: the call is retried as its policy allows and the new body read instead.
 *
 * One class over the hand-out of src/streams (`Batches`) rather than `BatchIterator` over a chunk
 * source and a push decoder: a read settles into one method that checks the clock, keeps the bytes
 * and decodes them (fewer calls per read), and the chat-only bundle holds less (bench/RESULTS.md, session 14).
 */
class ClientItems<T> extends Batches<T> implements ItemReceiver<T, unknown> {
  received: ReceivedItems<T>;
  #init: ItemStreamInit<T>;
  readonly #timer: CallTimer;
  #inner: ItemDecoder<T, unknown>;
  #reader: ReadableStreamDefaultReader<Uint8Array>;
  #sawFinal = false;
  /**
   * What items are checked against, made at the first item rather than per item (`Response.status` is a getter
   * call): the answer read then is the last, since one is sent again only while no item came.
   */
  #target: Parameters<PayloadValidator>[0] | undefined;
  #stopListening = () => {};
  readonly #reopened: (answer: Answer) => void;

  constructor(init: ItemStreamInit<T>, reopened: (answer: Answer) => void) {
    // The caller's signal also stops items already decoded from being handed out; the call's own timers act through the body.
    super(init.answer.timer.callerSignal);
    this.#init = init;
    this.#timer = init.answer.timer;
    this.#reopened = reopened;
    this.#inner = this.#newDecoder();
    this.received = new ReceivedItems<T>(init.keepItems, () => this.#newDecoder());
    this.#reader = this.#open(init.answer.response.body);
  }

  protected get stopped(): boolean {
    return this.#inner.stopped;
  }

  /** The next read of the current answer's body, which the stall timer watches. The reader's own promise, not a wrapper's: one promise less per read. */
  protected read(): Promise<ReadableStreamReadResult<Uint8Array>> {
    this.#timer.waitForData();
    return this.#reader.read();
  }

  /** A read's items, through the client's rules; those before a framing error first. */
  protected decode(result: ReadableStreamReadResult<Uint8Array>): void {
    const timer = this.#timer;
    timer.dataArrived();
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
      throw this.#fromDecoder(error);
    }
  }

  protected async cancel(reason: unknown): Promise<void> {
    this.#timer.stop();
    this.#stopListening();
    // Cancelling a body that has already ended does nothing and resolves.
    await this.#reader.cancel(reason).catch(() => {});
  }

  #end(): void {
    this.#timer.stop();
    this.#stopListening();
    this.received.end();
    this.#inner.end(this);
    const { isFinal, framing } = this.#init;
    if (isFinal && framing.terminator === undefined && !this.#sawFinal) {
      throw this.error('truncated', `Stream ended ${this.#afterItems()} without its final item: the connection was cut or the server stopped early`);
    }
  }

  /** A read failed: retried only before any item, as the call's policy allows, and the same call reads on. */
  protected async retry(cut: unknown): Promise<void> {
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
    if (this.#init.validator) this.#check(value as T, index);
    if (this.#init.isFinal?.(value as T)) this.#sawFinal = true;
    this.received.count++;
    this.out.push(value as T);
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
