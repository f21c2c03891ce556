/**
 * The proxy's checks run off the forwarding path: a chunk is written on in the I/O callback that
 * read it, and looked at once the event loop has done the rest of that turn's forwarding (one timer
 * per loop turn, every queued check run in the order it came). Checking inside the read callback
 * would hold bytes back: with many connections, each chunk would wait for the checks of every chunk
 * read before it in the same turn, and a request head parsed in that turn for the target's write.
 *
 * A timer, not `setImmediate`: timers run at the start of the next loop turn, after the whole check
 * phase, so work that Node or a socket defers to an immediate in this turn (writes, closes) is not
 * held back behind the checks of a burst (with undici as the hop, +19 ms to the first token at 100
 * streams).
 *
 * Memory stays bounded without a limit of its own: the queue is emptied every loop turn, so it only
 * ever holds what was read in one turn (at most one socket read, 64 KiB, per connection with data),
 * and a slow client still stops the target's reads through the hop's backpressure.
 * @module
 */

type Job<T> = (value: T) => void;

export class CheckQueue {
  #jobs: Array<Job<never>> = [];
  #values: unknown[] = [];
  #scheduled = false;

  /** Runs `job(value)` after this turn's I/O and immediates, after every job added before it. Callers guard their checks; a job that throws anyway surfaces as any uncaught error, and the jobs after it still run. */
  add<T>(job: Job<T>, value: T): void {
    this.#jobs.push(job as Job<never>);
    this.#values.push(value);
    if (!this.#scheduled) {
      this.#scheduled = true;
      setTimeout(this.#drain, 0);
    }
  }

  readonly #drain = (): void => {
    this.#scheduled = false;
    const jobs = this.#jobs;
    const values = this.#values;
    // Jobs added while these run go to fresh lists (and the next turn), after these.
    this.#jobs = [];
    this.#values = [];
    let i = 0;
    try {
      for (; i < jobs.length; i++) (jobs[i] as Job<unknown>)(values[i]);
    } finally {
      if (i < jobs.length) this.#requeue(jobs.slice(i + 1), values.slice(i + 1));
    }
  };

  /** Jobs left behind by one that threw go first, before those added since. */
  #requeue(jobs: Array<Job<never>>, values: unknown[]): void {
    this.#jobs = [...jobs, ...this.#jobs];
    this.#values = [...values, ...this.#values];
    if (!this.#scheduled && this.#jobs.length > 0) {
      this.#scheduled = true;
      setTimeout(this.#drain, 0);
    }
  }
}
