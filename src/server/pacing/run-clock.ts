/**
 * @module The clock of one generation run: when each step is due (the fake model's pace plan, from
 * the moment the request arrived), waiting for it (an abort clears the timer), and the record
 * of what was actually sent when, from which every timing figure in a usage object is measured.
 */
import type { Arrival, Pacing } from '../operations/types.js';
import { measureTiming, pace, type PacePlan, type SendRecord, type TimingMetrics } from './plan.js';
import { waitUntil } from './wait-until.js';

/** Cloud's `..._first_ten` rate spans the first token and the ten after it. */
export const FIRST_TEN_TOKENS = 11;

/**
 * A signal, or something holding one (a request) that is read only when there is a wait: a request
 * makes its client-gone signal on first use, and a step already due needs none.
 */
export type SignalSource = AbortSignal | { readonly signal: AbortSignal };

export class RunClock {
  readonly plan: PacePlan;
  readonly sends: SendRecord[] = [];
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
   * a run with nothing left to wait for goes on in the same turn.
   */
  untilStep(step: number, signal: SignalSource): Promise<void> | undefined {
    const dueMs = this.stepDue(step);
    if (dueMs === undefined) return undefined;
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
    if (tokens > 0) this.sends.push({ atMs: performance.now(), tokens });
  }

  /** Epoch milliseconds of a moment on the monotonic clock (default: now). */
  epochMs(atMs = performance.now()): number {
    return this.arrival.epochMs + (atMs - this.arrival.monotonicMs);
  }

  /** Figures from the sends so far, ending now. */
  timing(endMs = performance.now()): TimingMetrics {
    return measureTiming(this.arrival.monotonicMs, this.sends, endMs);
  }

  /** Figures over the first token and the ten after it. */
  firstTenTiming(): TimingMetrics {
    const sends: SendRecord[] = [];
    let tokens = 0;
    for (const send of this.sends) {
      if (tokens >= FIRST_TEN_TOKENS) break;
      const take = Math.min(send.tokens, FIRST_TEN_TOKENS - tokens);
      sends.push({ atMs: send.atMs, tokens: take });
      tokens += take;
    }
    return measureTiming(this.arrival.monotonicMs, sends);
  }
}
