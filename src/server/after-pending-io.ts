/**
 * @module The pipeline's turn before any work: a request is stamped when its headers are read, and
 * its work is queued until the event loop has read what else waits on its sockets, as a serving
 * engine queues requests before it schedules them.
 */

/**
 * The shortest run of queued work before the event loop reads its sockets again. Shorter slices read
 * a burst faster and cost a turn of the loop each: with 3 ms, 1,000 streams waited a median 12-21 ms
 * to be read; with 0.25-0.5 ms, 2-8 ms (bench notes in bench/RESULTS.md).
 */
const SLICE_MS = 0.5;
/**
 * A slice gets as long as the rest of the event loop took since the previous one, up to this: with
 * thousands of streams open, their timers take most of each turn, and half a millisecond per turn
 * left a burst of new requests waiting seconds to start (3,000 streams at 20 tokens/s: TTFT p99
 * +2.2 s). The bound keeps one slice from holding the streams' next tokens for long.
 */
const MAX_SLICE_MS = 20;
/** The work waiting, as pairs: a function, then its argument (no closure per request). */
const queued: unknown[] = [];
let head = 0;
let scheduled = false;
/** When the last slice ended (or the queue was started). */
let lastSliceEnd = 0;

function runQueued(): void {
  const start = performance.now();
  const until = start + Math.min(MAX_SLICE_MS, Math.max(SLICE_MS, start - lastSliceEnd));
  while (head < queued.length) {
    const work = queued[head] as (arg: unknown) => void;
    const arg = queued[head + 1];
    queued[head] = queued[head + 1] = undefined;
    head += 2;
    work(arg);
    if (performance.now() >= until) break;
  }
  if (head < queued.length) {
    // Under sustained load the queue may never empty: drop what has run, so it does not grow.
    if (head >= 1024) {
      queued.splice(0, head);
      head = 0;
    }
    lastSliceEnd = performance.now();
    setImmediate(runQueued);
    return;
  }
  queued.length = 0;
  head = 0;
  scheduled = false;
}

/**
 * Runs `work(arg)` once the event loop has run the I/O callbacks that were ready (in its check phase),
 * in order of arrival. Queued work runs in slices (half a millisecond, or as long as the rest of the
 * loop took since the last slice, up to 20 ms) with a read of the sockets between them, so that
 * requests arriving meanwhile are read, and stamped, without waiting for the whole queue, and are
 * not starved by the timers of open streams. `work` must not throw.
 */
export function afterPendingIo<T>(work: (arg: T) => void, arg: T): void {
  queued.push(work, arg);
  if (scheduled) return;
  scheduled = true;
  lastSliceEnd = performance.now();
  setImmediate(runQueued);
}
