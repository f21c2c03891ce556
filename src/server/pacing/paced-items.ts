/**
 * @module A `PacedProducer` read as an async iterable, for the pipeline's general stream writer
 * (faults, response checks), which pulls items with `await`: each wait is a `waitUntil` on the
 * stream's signal, so a stream that ends early clears its timer at once, and items already due go
 * on in the same turn for one slice only (`nextTurnIfBusy`, as `RunClock.untilStep` does).
 */
import type { OutgoingStreamItem } from '../../streams/index.js';
import type { PacedProducer } from '../operations/types.js';
import { nextTurnIfBusy, waitUntil } from './wait-until.js';

/** The items of `producer`, each when it is due; ends quietly when `signal` aborts during a wait. */
export async function* pacedItems(producer: PacedProducer, signal: AbortSignal): AsyncGenerator<OutgoingStreamItem<unknown>> {
  let complete = false;
  try {
    for (;;) {
      const next = producer.next();
      if (next === undefined) {
        complete = true;
        return;
      }
      if (typeof next === 'number') {
        await waitUntil(next, signal);
        continue;
      }
      const busy = nextTurnIfBusy();
      if (busy) await busy;
      yield next;
    }
  } catch (error) {
    // Aborted while waiting: the stream was stopped, nobody is left to tell.
    if (!signal.aborted) throw error;
  } finally {
    if (!complete) producer.stop();
  }
}
