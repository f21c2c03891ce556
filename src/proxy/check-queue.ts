/**
 * The proxy's checks run off the forwarding path: a chunk is written on in the I/O callback that
 * read it, and looked at later, in the order things came, in slices that leave the event loop to the
 * forwarding in between. Checking inside the read callback would hold the bytes back: node:http
 * corks a response's socket until the end of the tick that wrote to it, and with many streams each
 * chunk would also wait for the checks of every chunk read before it in the same turn.
 *
 * When: in the check phase of the loop turn after the one a job was added in (an immediate that
 * schedules the drain as an immediate). undici writes a request on a kept-alive connection from an
 * immediate of its own (it first lets the idle socket report a close or stray bytes), scheduled when
 * the request is dispatched; a drain scheduled by the first request of a burst would run among those
 * and hold back the writes of every later request of the burst behind the checks of all of them.
 *
 * How much: a drain stops after `sliceMs` and goes on in the next turn, so a burst of checks (the
 * request checks of 100 streams, or the validator set-up and first item of each) delays the
 * forwarding of what arrives meanwhile by one slice, not by the whole burst. Memory stays bounded:
 * past `backlogLimit` waiting checks (each holds at most one socket read, 64 KiB) a drain runs until
 * the backlog is under the limit again, so when the checks cannot keep up they slow the forwarding
 * (as they did when run inline) rather than pile up; a slow client still stops the target's reads
 * through backpressure, as before.
 * @module
 */

type Job<T> = (value: T) => void;

export interface CheckQueueOptions {
  /** Longest run of checks between two turns of forwarding, ms. */
  sliceMs?: number;
  /** Waiting checks past which a drain does not stop at the end of its slice. */
  backlogLimit?: number;
}

export class CheckQueue {
  #jobs: Array<Job<never> | undefined> = [];
  #values: unknown[] = [];
  /** The next job to run; jobs before it have run (their slots are cleared). */
  #head = 0;
  #scheduled = false;
  readonly #sliceMs: number;
  readonly #backlogLimit: number;

  constructor(options: CheckQueueOptions = {}) {
    this.#sliceMs = options.sliceMs ?? 1;
    this.#backlogLimit = options.backlogLimit ?? 1000;
  }

  /** Runs `job(value)` after this turn's I/O and immediates, after every job added before it. Callers guard their checks; a job that throws anyway surfaces as any uncaught error, and the jobs after it still run. */
  add<T>(job: Job<T>, value: T): void {
    this.#jobs.push(job as Job<never>);
    this.#values.push(value);
    this.#schedule();
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(this.#deferDrain);
  }

  /** Runs among this turn's immediates; the drain it schedules runs after all of them. */
  readonly #deferDrain = (): void => void setImmediate(this.#drain);

  readonly #drain = (): void => {
    this.#scheduled = false;
    const deadline = performance.now() + this.#sliceMs;
    try {
      while (this.#head < this.#jobs.length) {
        const i = this.#head++;
        const job = this.#jobs[i] as Job<unknown>;
        const value = this.#values[i];
        this.#jobs[i] = undefined;
        this.#values[i] = undefined;
        job(value);
        if (this.#jobs.length - this.#head <= this.#backlogLimit && performance.now() >= deadline) break;
      }
    } finally {
      // Jobs left by the slice's end, or behind one that threw, go on in a later turn, before those added since.
      if (this.#head === this.#jobs.length) {
        this.#jobs = [];
        this.#values = [];
        this.#head = 0;
      } else {
        if (this.#head > 1024) {
          this.#jobs = this.#jobs.slice(this.#head);
          this.#values = this.#values.slice(this.#head);
          this.#head = 0;
        }
        this.#schedule();
      }
    }
  };
}
