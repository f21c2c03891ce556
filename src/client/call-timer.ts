/**
 * The clock of one call: a total deadline for the whole call, retries and stream included, and a
 * stall limit on every wait for data (the answer's head, a stream's first item, the gap between
 * two reads). Either one aborts the call's signal; `timeout()` then says which ran out.
 * @module
 */
import { APITimeoutError } from './errors.js';

/** Checks of a wait per stall limit: how late, as a share of the limit, a stall may be reported. */
const stallChecks = 8;

export class CallTimer {
  readonly #controller = new AbortController();
  readonly signal: AbortSignal = this.#controller.signal;
  readonly #user: AbortSignal | undefined;
  readonly #totalMs: number;
  readonly #stallMs: number;
  #total: ReturnType<typeof setTimeout> | undefined;
  #stall: ReturnType<typeof setTimeout> | undefined;
  /** A wait for data is on (false while the caller holds what came). */
  #waiting = false;
  /** Whole periods between checks that the current wait has lasted; -1 until the first check after it began. */
  #quietPeriods = 0;
  #expired: { kind: 'total' | 'stall'; ms: number } | undefined;
  #onUserAbort = () => this.#controller.abort(this.#user?.reason);

  constructor(user: AbortSignal | undefined, totalMs: number, stallMs: number) {
    this.#user = user;
    this.#totalMs = totalMs;
    this.#stallMs = stallMs;
    if (user?.aborted) this.#controller.abort(user.reason);
    else user?.addEventListener('abort', this.#onUserAbort, { once: true });
    if (Number.isFinite(totalMs)) this.#total = setTimeout(() => this.#expire('total', totalMs), totalMs);
  }

  /** The caller's own signal, if any. */
  get callerSignal(): AbortSignal | undefined {
    return this.#user;
  }

  /** True when the caller's own signal stopped the call (its reason is then rethrown as is). */
  get abortedByCaller(): boolean {
    return this.#user?.aborted === true;
  }

  /**
   * A wait for data begins (a request sent, a read asked for). One timer serves every wait, and no
   * wait reads the clock: a live stream asks for a read per event, and `Date.now()` per read was a
   * few per cent of a small read's decode (bench/RESULTS.md, session 9). The timer checks the wait
   * `stallChecks` times per stall limit instead, so a stall is reported after the limit, at most
   * an eighth of it late, and never early.
   */
  waitForData(): void {
    if (!Number.isFinite(this.#stallMs)) return;
    this.#waiting = true;
    // Every wait starts its own count (a retried request too): the period it began in is not a whole one.
    this.#quietPeriods = -1;
    this.#stall ??= setTimeout(this.#checkStall, this.#stallMs / stallChecks);
  }

  /** Data came; the caller holds it, and that time is not a stall. */
  dataArrived(): void {
    this.#waiting = false;
  }

  #checkStall = () => {
    this.#stall = undefined;
    // The caller holds what came: no timer runs until it asks for more.
    if (!this.#waiting) return;
    if (++this.#quietPeriods < stallChecks) this.#stall = setTimeout(this.#checkStall, this.#stallMs / stallChecks);
    else this.#expire('stall', this.#stallMs);
  };

  #expire(kind: 'total' | 'stall', ms: number): void {
    if (this.signal.aborted) return;
    this.#expired = { kind, ms };
    this.#controller.abort(new Error(`${kind} timeout`));
    this.stop();
  }

  /** The typed timeout error if a limit ran out, else undefined. */
  timeout(context: { operationId?: string; requestId?: string; itemsReceived: number; waitingFor: string }): APITimeoutError | undefined {
    if (!this.#expired) return undefined;
    return new APITimeoutError({ kind: this.#expired.kind, timeoutMs: this.#expired.ms, ...context });
  }

  /** Waits `ms` (a retry's backoff) unless the call is stopped first; true when the wait ran out normally. */
  sleep(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      if (this.signal.aborted) return resolve(false);
      const onAbort = () => {
        clearTimeout(timer);
        resolve(false);
      };
      const timer = setTimeout(() => {
        this.signal.removeEventListener('abort', onAbort);
        resolve(true);
      }, ms);
      this.signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** The call is over: no timer may fire any more. */
  stop(): void {
    clearTimeout(this.#total);
    clearTimeout(this.#stall);
    this.#total = undefined;
    this.#stall = undefined;
    this.#user?.removeEventListener('abort', this.#onUserAbort);
  }
}
