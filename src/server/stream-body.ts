/**
 * The body of a streamed answer, written to the socket: pulls items from the handler's producer only
 * when the socket has room (backpressure), frames them with src/streams, checks each against the
 * spec when asked, and carries out the stream faults `faults.ts` chooses. A client that leaves
 * aborts the producer, which clears its timers. A `PacedProducer` with neither a fault nor checks
 * to carry out goes to the lean writer of `paced-stream-body.ts`.
 * @module
 */
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { encodeStreamEnd, encodeStreamItem, type OutgoingStreamItem, type StreamFramingSpec } from '../streams/index.js';
import { onAbort } from './abort-listeners.js';
import { framedItem } from './framed-item.js';
import type { PiecesOf } from './json-text.js';
import { dropAfterFlush, pause, streamFaultBefore, streamFaultItem, type Fault } from './faults.js';
import type { StreamProducer } from './operations/types.js';
import { writePacedBody } from './paced-stream-body.js';
import { pacedItems } from './pacing/paced-items.js';
import type { SpecRequest } from './spec-request.js';
import { generationFailed, shuttingDown } from './stream-messages.js';

/** Why a producer is stopped, made once: an abort without a reason builds a DOMException (and its stack) every time. */
const stopped = new Error('the stream ended');

/**
 * Writes the status, `headers` and every item of `produce` to the request's response, then the framing's terminator.
 * The headers leave with the first item (one write instead of two). Never throws: the stream ends
 * one way or another on its own.
 */
export function writeStreamBody(request: SpecRequest, status: number, headers: OutgoingHttpHeaders, produce: StreamProducer, framing: StreamFramingSpec, piecesOf?: PiecesOf): void {
  if (typeof produce === 'function') {
    void writeItems(request, status, headers, produce, framing, piecesOf);
    return;
  }
  if (request.fault === undefined && !request.checksItems) {
    writePacedBody(request, status, headers, produce, framing);
    return;
  }
  void writeItems(request, status, headers, (signal) => pacedItems(produce, signal), framing);
}

/** `writeStreamBody` over an async iterable. Resolves when the stream ended, whichever way; never rejects. */
async function writeItems(request: SpecRequest, status: number, headers: OutgoingHttpHeaders, produce: (signal: AbortSignal) => AsyncIterable<OutgoingStreamItem<unknown>>, framing: StreamFramingSpec, piecesOf?: PiecesOf): Promise<void> {
  const { res, fault, shutdown } = request;
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
  let shuttingDownNow = shutdown?.aborted === true;
  const unlisten = shutdown
    ? onAbort(shutdown, () => {
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
  const write = (text: string | Buffer) => {
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
  const fail = (message: string) => finish(encodeStreamItem(request.errorItem(message), framing));
  let sent = 0;
  let completed = false;
  try {
    for (;;) {
      const faulted = fault && streamFaultBefore(fault, sent, framing);
      if (faulted === 'drop') {
        head();
        return dropAfterFlush(res);
      }
      if (faulted) {
        if ('fail' in faulted) return fail(faulted.fail);
        if ('end' in faulted) return finish(faulted.end);
        await pause(faulted.pauseMs, abort.signal);
      }
      let next: IteratorResult<OutgoingStreamItem<unknown>>;
      try {
        next = await iterator.next();
      } catch (error) {
        if (gone) return;
        return fail(shuttingDownNow ? shuttingDown : generationFailed(error));
      }
      if (gone) return;
      // A producer stopped by shutdown may simply return: that is a cut answer, not a complete one.
      if (shuttingDownNow) return fail(shuttingDown);
      if (next.done) {
        completed = true;
        return finish(encodeStreamEnd(framing));
      }
      let item = next.value;
      const replaced = fault && streamFaultItem(fault, sent);
      if (replaced) {
        item = replaced;
      } else {
        try {
          request.checkItem(item.value, item.kind);
        } catch {
          // Test mode: an item the spec does not allow cuts the stream (the report is already made).
          res.destroy();
          return;
        }
      }
      sent++;
      let framed = framedItem(item, framing, piecesOf);
      if (framed instanceof Promise) {
        framed = await framed;
        if (gone) return;
      }
      const room = typeof framed === 'string' ? write(framed) : framed.reduce((_, piece) => write(piece), true);
      if (!room) await drained(res);
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
