/**
 * The body of a streamed answer, written to the socket: pulls items from the handler's producer only
 * when the socket has room (backpressure), frames them with src/streams, checks each against the
 * spec when asked, and carries the stream faults (stall, disconnect, broken or schema-invalid items,
 * in-stream errors). A client that leaves aborts the producer, which clears its timers.
 * @module
 */
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { encodeStreamEnd, encodeStreamItem, type OutgoingStreamItem, type StreamFramingSpec } from '../streams/index.js';
import { onAbort } from './abort-listeners.js';
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

const shuttingDown = 'The server is shutting down; the answer was cut.';
/** Why a producer is stopped, made once: an abort without a reason builds a DOMException (and its stack) every time. */
const stopped = new Error('the stream ended');

/**
 * Writes the status, `headers` and every item of `produce` to `res`, then the framing's terminator.
 * The headers leave with the first item (one write instead of two). Resolves when the stream ended,
 * whichever way; never rejects.
 */
export async function writeStreamBody(res: ServerResponse, status: number, headers: OutgoingHttpHeaders, produce: StreamProducer, options: StreamBodyOptions): Promise<void> {
  const { framing, fault } = options;
  const abort = new AbortController();
  const iterator = produce(abort.signal)[Symbol.asyncIterator]();
  let gone = false;
  const stop = () => abort.abort(stopped);
  const onClose = () => {
    if (res.writableFinished) return;
    gone = true;
    stop();
  };
  res.once('close', onClose);
  // A flag, not the signal's getter, is read per item.
  let shuttingDownNow = options.shutdown?.aborted === true;
  const unlisten = options.shutdown
    ? onAbort(options.shutdown, () => {
        shuttingDownNow = true;
        stop();
      })
    : undefined;
  // Written with the first item (Node would send the head with it anyway): until then a thousand
  // waiting streams hold no head of their own.
  const head = () => {
    if (!res.headersSent) res.writeHead(status, headers);
  };
  // Items that are ready together (the last token, the finish and usage chunks, the terminator) go
  // out in one write: the socket is corked at the first of them and uncorked once the producer waits
  // (nextTick runs after the promise jobs that chain the ready items).
  let corked = false;
  const uncork = () => {
    corked = false;
    res.uncork();
  };
  const write = (text: string) => {
    head();
    if (!corked) {
      corked = true;
      res.cork();
      process.nextTick(uncork);
    }
    return res.write(text);
  };

  const finish = (text: string) => {
    if (gone) return;
    head();
    res.end(text);
  };
  const fail = (message: string) => finish(encodeStreamItem(options.errorItem(message), framing));
  let sent = 0;
  let completed = false;
  try {
    for (;;) {
      if (fault && sent === 2) {
        if (fault.name === 'stall') await sleep(fault.value, undefined, { signal: abort.signal }).catch(() => {});
        if (fault.name === 'error-event') return fail('Generation failed (x-sambakit-fault: error-event).');
        if (fault.name === 'malformed-item') return finish(framing.framing === 'sse' ? 'data: {"choices": [{"delta": \n\n' : '{"result": {"responses": [\n');
      }
      if (fault?.name === 'disconnect' && sent === fault.value) {
        head();
        return dropAfterFlush(res);
      }
      let next: IteratorResult<OutgoingStreamItem<unknown>>;
      try {
        next = await iterator.next();
      } catch (error) {
        if (gone) return;
        return fail(shuttingDownNow ? shuttingDown : `Generation failed: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (gone) return;
      // A producer stopped by shutdown may simply return: that is a cut answer, not a complete one.
      if (shuttingDownNow) return fail(shuttingDown);
      if (next.done) {
        completed = true;
        return finish(encodeStreamEnd(framing));
      }
      let item = next.value;
      if (fault?.name === 'invalid-item' && sent === 2) {
        item = { kind: 'item', value: { sambakit_fault: 'invalid-item: this item breaks the item schema on purpose' } };
      } else {
        try {
          options.check?.(item.value, item.kind);
        } catch {
          // Test mode: an item the spec does not allow cuts the stream (the report is already made).
          res.destroy();
          return;
        }
      }
      sent++;
      if (!write(encodeStreamItem(item, framing))) await drained(res);
    }
  } finally {
    unlisten?.();
    res.off('close', onClose);
    // A producer that ran to its end has nothing left to stop.
    if (!completed) {
      stop();
      await iterator.return?.()?.catch(() => {});
    }
  }
}

/** Resolves once the socket takes more (or is gone). */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done).off('close', done);
      resolve();
    };
    res.on('drain', done).on('close', done);
  });
}

/** Drops the connection once what was written has left, so the client sees those items, then no end. */
function dropAfterFlush(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    res.write('', () => {
      res.destroy();
      resolve();
    });
  });
}

/**
 * A JSON answer under a stream fault: cut in half (malformed-item), paused halfway (stall), or
 * dropped halfway (disconnect). error-event is sent as is here: an answer with a form for a failed
 * generation (`failure`) was already answered with it by the pipeline.
 */
export async function writeJsonWithFault(res: ServerResponse, status: number, headers: OutgoingHttpHeaders, text: string, fault: Fault): Promise<void> {
  const half = text.slice(0, Math.floor(text.length / 2));
  res.writeHead(status, headers);
  if (fault.name === 'malformed-item') return void res.end(half);
  if (fault.name !== 'stall' && fault.name !== 'disconnect') return void res.end(text);
  res.write(half);
  if (fault.name === 'disconnect') return dropAfterFlush(res);
  await sleep(fault.value);
  if (!res.destroyed) res.end(text.slice(half.length));
}
