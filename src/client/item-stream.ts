/**
 * A streamed answer as a typed async iterable of its items: decoded by src/streams with the framing
 * of the generated stream map, each item checked as the client is told, and every way a stream can
 * go wrong thrown as one typed error that carries the items that came before it.
 * @module
 */
import { StreamEndedEarlyError, StreamParseError, createStreamItemsDecoder, type StreamFramingSpec, type StreamItem, type StreamItemsDecoder } from '../streams/index.js';
import { BatchIterator, type PushDecoder } from '../streams/internal/batch-iterator.js';
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
    const decoder = new ClientItems<T>(init);
    this.#decoder = decoder;
    // The caller's signal also stops items already decoded from being handed out; the call's own timers act through the body.
    const reopened = (next: Answer) => {
      this.response = next.response;
      this.requestId = next.requestId;
    };
    this.#iterator = new BatchIterator<T>(timedBody(answer, decoder, reopened), decoder, answer.timer.callerSignal);
  }

  /** Items received so far (none kept with `keepItems: false`): decoded again from the body's reads when asked for, so equal to the items handed out but not the same objects. */
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

/** The push decoder behind an ItemStream: the framing's items, then the client's rules. */
class ClientItems<T> implements PushDecoder<T> {
  received: ReceivedItems<T>;
  #init: ItemStreamInit<T>;
  #inner: StreamItemsDecoder;
  #out: T[] = [];
  #sawFinal = false;

  constructor(init: ItemStreamInit<T>) {
    this.#init = init;
    this.received = new ReceivedItems<T>(init.keepItems, init.framing);
    this.#inner = this.#decoder();
  }

  /** Forgets the bytes of a body that failed before its first item: the retried answer starts afresh. */
  restart(answer: Answer): void {
    this.#init = { ...this.#init, answer };
    this.received = new ReceivedItems<T>(this.#init.keepItems, this.#init.framing);
    this.#inner = this.#decoder();
  }

  #decoder(): StreamItemsDecoder {
    return createStreamItemsDecoder<T, unknown>(this.#init.framing, { onItem: (item) => this.#accept(item) });
  }

  get stopped(): boolean {
    return this.#inner.stopped;
  }

  feed(chunk: Uint8Array | string, out: T[]): void {
    this.#out = out;
    this.received.read(chunk);
    try {
      this.#inner.feed(chunk);
    } catch (error) {
      throw this.#fromDecoder(error);
    }
  }

  end(out: T[]): void {
    this.#out = out;
    this.received.end();
    try {
      this.#inner.end();
    } catch (error) {
      throw this.#fromDecoder(error);
    }
    const { isFinal, framing } = this.#init;
    const { count } = this.received;
    if (isFinal && framing.terminator === undefined && !this.#sawFinal) {
      throw this.error('truncated', `Stream ended after ${count} item${count === 1 ? '' : 's'} without its final item: the connection was cut or the server stopped early`);
    }
  }

  error(failure: StreamError['failure'], message: string, extra: { body?: unknown; cause?: unknown } = {}): StreamError<T> {
    const { answer } = this.#init;
    return new StreamError<T>({ failure, message, items: this.received.items, operationId: answer.operationId, requestId: answer.requestId, ...extra });
  }

  #accept(item: StreamItem<T, unknown>): void {
    const index = this.received.count;
    const errorBody = item.kind === 'error' ? item.value : inStreamErrorBody(item.value);
    if (errorBody !== undefined) {
      const body = redactSecret(errorBody, this.#init.apiKey);
      const said = describeErrorBody(body).message ?? (typeof body === 'string' ? body : JSON.stringify(body));
      throw this.error('error-event', `The service reported an error in the stream after ${index} item${index === 1 ? '' : 's'}: ${said}`, { body });
    }
    const value = item.value as T;
    if (this.#init.validate !== 'off' && this.#init.validator) this.#check(value, index);
    if (this.#init.isFinal?.(value)) this.#sawFinal = true;
    this.received.count++;
    this.#out.push(value);
  }

  #check(value: T, index: number): void {
    const { answer, mediaType, validator } = this.#init;
    const problems = validator?.({ operationId: answer.operationId, status: answer.response.status, mediaType }, value);
    if (!problems?.length) return;
    if (this.#init.validate === 'throw') throw this.error('invalid-item', `Stream item ${index} breaks the spec: ${problems.join('; ')}`, { body: value });
    warnInvalid(this.#init.hooks, { operationId: answer.operationId, what: 'item', index, problems });
  }

  #fromDecoder(error: unknown): unknown {
    if (error instanceof StreamEndedEarlyError) return this.error('truncated', error.message, { cause: error });
    if (error instanceof StreamParseError) return this.error('malformed-item', error.message, { cause: error });
    return error;
  }
}

/**
 * The answer's body as the decoder reads it: every read is a wait the stall timer watches, the end
 * or a failure of the body stops the call's clock, and a read that fails says why in the client's
 * terms (timeout, the caller's abort, or a cut connection). A body cut before its first item is
 * safe to ask for again: the call is retried as its policy allows and the new body read instead.
 */
function timedBody<T>(first: Answer, decoder: ClientItems<T>, reopened: (answer: Answer) => void): ReadableStream<Uint8Array> {
  let answer = first;
  const { timer, operationId } = first;
  let stopListening = () => {};
  const open = (body: ReadableStream<Uint8Array> | null) => {
    const opened = (body ?? new ReadableStream<Uint8Array>({ start: (controller) => controller.close() })).getReader();
    stopListening();
    stopListening = cancelOnAbort(timer.signal, opened);
    return opened;
  };
  let reader = open(first.response.body);
  const failed = (error: unknown): never => {
    timer.stop();
    stopListening();
    if (timer.abortedByCaller) throw timer.signal.reason;
    const received = decoder.received.count;
    const { requestId } = answer;
    const timeout = timer.timeout({ operationId, requestId, itemsReceived: received, waitingFor: received === 0 ? 'the first stream item' : `stream item ${received}` });
    if (timeout) throw timeout;
    if (!(error instanceof APIConnectionError)) error = new APIConnectionError(`Connection error: ${error instanceof Error ? error.message : String(error)}`, { operationId, requestId }, { cause: error });
    throw decoder.error('truncated', `Stream cut after ${received} item${received === 1 ? '' : 's'}: ${(error as APIConnectionError).message}`, { cause: error });
  };
  const retry = async (cut: unknown): Promise<void> => {
    if (!answer.retry) return failed(cut);
    let next: Answer;
    try {
      next = await answer.retry(cut);
    } catch (error) {
      // Out of tries on the same cut: reported as the stream's truncation; anything else (an error status) as it is.
      if (error instanceof APIConnectionError || timer.abortedByCaller) failed(error);
      timer.stop();
      throw error;
    }
    answer = next;
    reader = open(next.response.body);
    decoder.restart(next);
    reopened(next);
  };
  const read = async (): Promise<ReadableStreamReadResult<Uint8Array>> => {
    for (;;) {
      timer.waitForData();
      try {
        const result = await reader.read();
        timer.dataArrived();
        // A read cancelled by a timeout or the caller's abort settles as done.
        if (timer.signal.aborted) return failed(timer.signal.reason);
        if (result.done) {
          timer.stop();
          stopListening();
        }
        return result;
      } catch (error) {
        // Retried only before any item: one already decoded may be in the caller's hands.
        if (decoder.received.count > 0 || timer.signal.aborted) return failed(error);
        await retry(error);
      }
    }
  };
  // Only getReader() is used by the decoder's chunk source; this object stands in for the body.
  const stand = {
    getReader: () => ({
      read,
      cancel: (reason?: unknown): Promise<void> => {
        timer.stop();
        stopListening();
        return reader.cancel(reason);
      },
    }),
  };
  return stand as unknown as ReadableStream<Uint8Array>;
}
