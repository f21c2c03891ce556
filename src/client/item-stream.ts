/**
 * A streamed answer as a typed async iterable of its items: decoded by src/streams with the framing
 * of the generated stream map, each item checked as the client is told, and every way a stream can
 * go wrong thrown as one typed error that carries the items that came before it.
 * @module
 */
import { StreamEndedEarlyError, StreamParseError } from '../streams/errors.js';
import { BatchIterator, type Output, type PushDecoder } from '../streams/internal/batch-iterator.js';
import type { Chunk, ChunkSource } from '../streams/internal/chunk-source.js';
import { defaultStreamItemsOptions, type ItemDecoder, type ItemDecoderFactory, type ItemReceiver } from '../streams/stream-items.js';
import type { StreamFramingSpec } from '../streams/types.js';
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
  readonly #decoder: { readonly received: ReceivedItems<unknown> };
  #iterator: AsyncIterator<T> | undefined;

  constructor(init: ItemStreamInit<T>) {
    const { answer } = init;
    this.response = answer.response;
    this.requestId = answer.requestId;
    this.operationId = answer.operationId;
    this.mediaType = init.mediaType;
    const decoder = new ClientItems<T>(init, (next) => {
      this.response = next.response;
      this.requestId = next.requestId;
    });
    this.#decoder = decoder;
    // The caller's signal also stops items already decoded from being handed out; the call's own timers act through the body.
    this.#iterator = new BatchIterator<T>(decoder, decoder, answer.timer.callerSignal);
  }

  /** Items received so far (none kept with `keepItems: false`): decoded again from the body's bytes when asked for, so equal to the items handed out but not the same objects. */
  get received(): readonly T[] {
    return this.#decoder.received.items as readonly T[];
  }

  /** How many items were received so far. */
  get receivedCount(): number {
    return this.#decoder.received.count;
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    const iterator = this.#iterator;
    if (!iterator) throw new TypeError('This stream was already iterated: an ItemStream can be read once');
    this.#iterator = undefined;
    return iterator;
  }
}

/**
 * The push decoder behind an ItemStream: reads the answer's body with the call's clock, decodes the
 * framing's items, then applies the client's rules. Every read is a wait the stall timer watches;
 * the end or a failure of the body stops the call's clock, and a read that fails says why in the
 * client's terms (timeout, the caller's abort, or a cut connection). A body cut before its first
 * item is safe to ask for again: the call is retried as its policy allows and the new body read instead.
 */
class ClientItems<T> implements PushDecoder<T>, ItemReceiver<T, unknown>, ChunkSource {
  received: ReceivedItems<T>;
  #init: ItemStreamInit<T>;
  #inner: ItemDecoder<T, unknown>;
  #out: Output<T> = [];
  #sawFinal = false;
  /**
   * What items are checked against, made at the first item rather than per item (`Response.status` is a getter
   * call): the answer read then is the last, since one is sent again only while no item came.
   */
  #target: Parameters<PayloadValidator>[0] | undefined;
  #reader: ReadableStreamDefaultReader<Uint8Array>;
  #stopListening = () => {};
  readonly #reopened: (answer: Answer) => void;

  constructor(init: ItemStreamInit<T>, reopened: (answer: Answer) => void) {
    this.#init = init;
    this.#reopened = reopened;
    this.#inner = this.#newDecoder();
    this.received = new ReceivedItems<T>(init.keepItems, () => this.#newDecoder());
    this.#reader = this.#open(init.answer.response.body);
  }

  /** The next read of the current answer's body, which the stall timer watches. The reader's own promise, not a wrapper's: one promise less per read. */
  read(): Promise<IteratorResult<Chunk, unknown>> {
    this.#init.answer.timer.waitForData();
    return this.#reader.read() as Promise<IteratorResult<Chunk, unknown>>;
  }

  cancel(reason?: unknown): Promise<void> {
    this.#init.answer.timer.stop();
    this.#stopListening();
    return this.#reader.cancel(reason).catch(() => {});
  }

  get stopped(): boolean {
    return this.#inner.stopped;
  }

  /** A read of the body: bytes, as a response body's reader gives them. */
  feed(chunk: Uint8Array, out: Output<T>): void {
    this.#arrived();
    this.received.read(chunk);
    this.#decode(chunk, out);
  }

  end(out: Output<T>): void {
    this.#arrived();
    this.#init.answer.timer.stop();
    this.#stopListening();
    this.received.end();
    this.#decode(undefined, out);
    const { isFinal, framing } = this.#init;
    if (isFinal && framing.terminator === undefined && !this.#sawFinal) {
      throw this.error('truncated', `Stream ended ${this.#afterItems()} without its final item: the connection was cut or the server stopped early`);
    }
  }

  async readFailed(cut: unknown): Promise<void> {
    const { answer } = this.#init;
    const { timer } = answer;
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
    this.#stopListening = cancelOnAbort(this.#init.answer.timer.signal, opened);
    return opened;
  }

  /** A read settled with data or the end; a read cancelled by a timeout or the caller's abort settles as the end. */
  #arrived(): void {
    const { timer } = this.#init.answer;
    timer.dataArrived();
    if (timer.signal.aborted) throw this.#failed(timer.signal.reason);
  }

  /** The framing's items of one read (or of the end, without a chunk) through the client's rules; those before a framing error first. */
  #decode(chunk: Uint8Array | string | undefined, out: Output<T>): void {
    this.#out = out;
    try {
      if (chunk === undefined) this.#inner.end(this);
      else this.#inner.feed(chunk, this);
    } catch (error) {
      throw this.#fromDecoder(error);
    }
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
    this.#out.push(item);
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
    const { timer, operationId, requestId } = this.#init.answer;
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
