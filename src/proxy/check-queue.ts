/**
 * The proxy's checks run off the forwarding path: a chunk is written on in the I/O callback that
 * read it, and looked at once the event loop has done the rest of that turn's forwarding (one timer
 * per loop turn, every queued check run in the order it came). Checking inside the read callback
 * would hold the bytes back: node:http corks a response's socket until the end of the tick that
 * wrote to it, and with many streams each chunk would also wait for the checks of every chunk read
 * before it in the same turn.
 *
 * A timer, not `setImmediate`: undici writes a request on a kept-alive connection from an immediate
 * of its own (it first lets the idle socket report a close or stray bytes), scheduled when the
 * request is dispatched. A drain scheduled by the first request of a burst would run among those
 * immediates and hold back the writes of every later request of the burst behind the checks of all
 * of them (+19 ms to the first token at 100 streams). Timers run at the start of the next loop turn,
 * after the whole check phase.
 *
 * Memory stays bounded without a limit of its own: the queue is emptied every loop turn, so it only
 * ever holds what was read in one turn (at most one socket read, 64 KiB, per connection with data),
 * and a slow client still stops the target's reads through `pipe`'s backpressure, as before.
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
