/**
 * @module The pipeline's turn before any work: a request is stamped when its headers are read, and
 * its work is queued until the event loop has read what else waits on its sockets, as a serving
 * engine queues requests before it schedules them.
 */

/**
 * The longest run of queued work before the event loop reads its sockets again. Shorter slices read
 * a burst faster and cost a turn of the loop each: with 3 ms, 1,000 streams waited a median 12-21 ms
 * to be read; with 0.25-0.5 ms, 2-8 ms (bench notes in bench/RESULTS.md).
 */
const SLICE_MS = 0.5;
const queued: Array<(() => void) | undefined> = [];
let head = 0;
let scheduled = false;

function runQueued(): void {
  const until = performance.now() + SLICE_MS;
  while (head < queued.length) {
    const work = queued[head]!;
    queued[head++] = undefined;
    work();
    if (performance.now() >= until) break;
  }
  if (head < queued.length) {
    // Under sustained load the queue may never empty: drop what has run, so it does not grow.
    if (head >= 1024) {
      queued.splice(0, head);
      head = 0;
    }
    setImmediate(runQueued);
    return;
  }
  queued.length = 0;
  head = 0;
  scheduled = false;
}

/**
 * Runs `work` once the event loop has run the I/O callbacks that were ready (in its check phase),
 * in order of arrival. Queued work runs in slices of about half a millisecond with a read of the
 * sockets between them, so that requests arriving meanwhile are read, and stamped, without waiting
 * for the whole queue. `work` must not throw.
 */
export function afterPendingIo(work: () => void): void {
  queued.push(work);
  if (scheduled) return;
  scheduled = true;
  setImmediate(runQueued);
}
