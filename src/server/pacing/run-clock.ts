/**
 * @module The clock of one generation run: when each step is due (the fake model's pace plan, from
 * the moment the request arrived), waiting for it (an abort clears the timer), and the record
 * of what was actually sent when, from which every timing figure in a usage object is measured.
 */
import type { Arrival, Pacing } from '../operations/types.js';
import { pace, timingOf, type PacePlan, type SendRecord, type TimingMetrics } from './plan.js';
import { nextTurnIfBusy, waitUntil } from './wait-until.js';

/** Cloud's `..._first_ten` rate spans the first token and the ten after it. */
export const FIRST_TEN_TOKENS = 11;

/**
 * A signal, or something holding one (a request) that is read only when there is a wait: a request
 * makes its client-gone signal on first use, and a step already due needs none.
 */
export type SignalSource = AbortSignal | { readonly signal: AbortSignal };

export class RunClock {
  readonly plan: PacePlan;
  /**
   * What the timing figures need of the sends, kept as they happen (a record per send would grow an
   * open stream by one object per token): the first send, when the last send within the first ten
   * tokens was made, when the last one was, and the tokens of all of them.
   */
  private first: SendRecord | undefined = undefined;
  private firstTenLastAtMs = 0;
  private lastAtMs = 0;
  private tokens = 0;
  /** When the wait for step 0 really ended (timers run late by a little): later steps count from here. */
  private firstStepAt: number | undefined;

  constructor(
    pacing: Pacing,
    readonly arrival: Arrival,
  ) {
    this.plan = pace(pacing);
  }

  /**
   * Waits until generation step `step` (0-based token position) is due: step 0 at the time to first
   * token after arrival, later ones the token interval apart counted from when step 0 really came.
   * Counting from the real first step keeps the rate after the first token at or below the one asked
   * for even when the first timer fired late. Undefined, with no wait, when the step is already due:
   * a run with nothing left to wait for goes on in the same turn, unless it has already worked a
   * whole slice in this turn (`nextTurnIfBusy`).
   */
  untilStep(step: number, signal: SignalSource): Promise<void> | undefined {
    const dueMs = this.stepDue(step);
    if (dueMs === undefined) return nextTurnIfBusy();
    const wait = waitUntil(dueMs, signal instanceof AbortSignal ? signal : signal.signal);
    return step === 0 ? wait.then(() => this.reached(step)) : wait;
  }

  /**
   * When generation step `step` is due (`performance.now()` milliseconds, as `untilStep` waits for
   * it), or undefined once it is, which marks it reached: for a producer that runs its own timer.
   */
  stepDue(step: number): number | undefined {
    const base = step === 0 || this.firstStepAt === undefined ? this.arrival.monotonicMs : this.firstStepAt - this.plan.offsetMs(0);
    const dueMs = base + this.plan.offsetMs(step);
    if (dueMs > performance.now()) return dueMs;
    this.reached(step);
    return undefined;
  }

  private reached(step: number): void {
    if (step === 0) this.firstStepAt = performance.now();
  }

  /** Notes that `tokens` tokens leave now. Sends of no token (a finish chunk) do not count. */
  record(tokens: number): void {
    if (tokens <= 0) return;
    const atMs = performance.now();
    this.first ??= { atMs, tokens };
    if (this.tokens < FIRST_TEN_TOKENS) this.firstTenLastAtMs = atMs;
    this.lastAtMs = atMs;
    this.tokens += tokens;
  }

  /** Epoch milliseconds of a moment on the monotonic clock (default: now). */
  epochMs(atMs = performance.now()): number {
    return this.arrival.epochMs + (atMs - this.arrival.monotonicMs);
  }

  /** Figures from the sends so far, ending now. */
  timing(endMs = performance.now()): TimingMetrics {
    const { first } = this;
    return timingOf(this.arrival.monotonicMs, first && { first, lastAtMs: this.lastAtMs }, this.tokens, endMs);
  }

  /** Figures over the first token and the ten after it. */
  firstTenTiming(): TimingMetrics {
    const { first } = this;
    const sent = first && { first: { atMs: first.atMs, tokens: Math.min(first.tokens, FIRST_TEN_TOKENS) }, lastAtMs: this.firstTenLastAtMs };
    return timingOf(this.arrival.monotonicMs, sent, Math.min(this.tokens, FIRST_TEN_TOKENS));
  }
}
