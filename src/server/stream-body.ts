/**
 * The body of a streamed answer: pulls items from the handler's producer only when the socket wants
 * more (backpressure), frames them with src/streams, checks each against the spec when asked, and
 * carries the stream faults (stall, disconnect, broken or schema-invalid items, in-stream errors).
 * Cancelling (the client left) aborts the producer, which clears its timers.
 * @module
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { encodeStreamEnd, encodeStreamItem, type OutgoingStreamItem, type StreamFramingSpec } from '../streams/index.js';
import type { Fault } from './faults.js';
import type { StreamProducer } from './operations/types.js';

export interface StreamBodyOptions {
  framing: StreamFramingSpec;
  fault: Fault | undefined;
  /** Checks one item against the spec; throws to cut the stream (test mode). */
  check?: (value: unknown, kind: 'item' | 'error') => void;
  /** The API's in-stream error item with a message: for the error-event fault, a failing producer and shutdown. */
  errorItem: (message: string) => OutgoingStreamItem<unknown>;
  /** Aborted when the server shuts down: the stream ends with an in-stream error instead of hanging. */
  shutdown?: AbortSignal;
}

const encoder = new TextEncoder();

export function streamBody(produce: StreamProducer, options: StreamBodyOptions): ReadableStream<Uint8Array> {
  const abort = new AbortController();
  let iterator: AsyncIterator<OutgoingStreamItem<unknown>> | undefined;
  let sent = 0;
  let finished = false;
  const { framing, fault } = options;
  const onShutdown = () => abort.abort();
  options.shutdown?.addEventListener('abort', onShutdown, { once: true });

  const finish = async (controller: ReadableStreamDefaultController<Uint8Array>, text: string) => {
    finished = true;
    options.shutdown?.removeEventListener('abort', onShutdown);
    if (text) controller.enqueue(encoder.encode(text));
    controller.close();
    await iterator?.return?.();
  };
  // A stream that cannot go on ends with the API's own in-stream error, never silently.
  const fail = (controller: ReadableStreamDefaultController<Uint8Array>, message: string) =>
    finish(controller, encodeStreamItem(options.errorItem(message), framing));

  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (finished) return;
        iterator ??= produce(abort.signal)[Symbol.asyncIterator]();
        if (fault && sent === 2) {
          if (fault.name === 'stall') await sleep(fault.value, undefined, { signal: abort.signal }).catch(() => {});
          if (fault.name === 'error-event') return fail(controller, 'Generation failed (x-sambakit-fault: error-event).');
          if (fault.name === 'malformed-item') return finish(controller, framing.framing === 'sse' ? 'data: {"choices": [{"delta": \n\n' : '{"result": {"responses": [\n');
        }
        if (fault?.name === 'disconnect' && sent === fault.value) {
          finished = true;
          abort.abort();
          await iterator.return?.();
          // Let the items already handed over reach the socket: erroring the body at once makes the
          // adapter drop the connection before it flushed them, and the client would see none.
          await sleep(50);
          controller.error(new Error('x-sambakit-fault: disconnect'));
          return;
        }
        let next: IteratorResult<OutgoingStreamItem<unknown>>;
        try {
          next = await iterator.next();
        } catch (error) {
          if (options.shutdown?.aborted) return fail(controller, 'The server is shutting down; the answer was cut.');
          return fail(controller, `Generation failed: ${error instanceof Error ? error.message : String(error)}`);
        }
        // A producer stopped by shutdown may simply return: that is a cut answer, not a complete one.
        if (options.shutdown?.aborted) return fail(controller, 'The server is shutting down; the answer was cut.');
        if (next.done) return finish(controller, encodeStreamEnd(framing));
        let item = next.value;
        if (fault?.name === 'invalid-item' && sent === 2) {
          item = { kind: 'item', value: { sambakit_fault: 'invalid-item: this item breaks the item schema on purpose' } };
        } else {
          options.check?.(item.value, item.kind);
        }
        sent++;
        controller.enqueue(encoder.encode(encodeStreamItem(item, framing)));
      },
      async cancel() {
        finished = true;
        options.shutdown?.removeEventListener('abort', onShutdown);
        abort.abort();
        await iterator?.return?.();
      },
    },
    { highWaterMark: 0 },
  );
}
