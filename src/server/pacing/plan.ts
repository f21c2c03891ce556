/**
 * @module When to send each token: the plan (`pace`) and the numbers reported afterwards from
 * the times the server actually observed (`measureTiming`). The rest of the pacing engine is in
 * this folder: `run-clock.ts` (a chat-style run's steps), `schedule.ts` (native answers' events)
 * and `wait-until.ts` (the one deadline wait). All timing arithmetic lives here, so
 * that every API's usage block reports the same definitions.
 */

/** How fast the fake model "runs": the server's options, overridden per request by `x-sambakit-ttft-ms` / `x-sambakit-tokens-per-second`. */
export interface Pacing {
  /** Time to the first token, in milliseconds (>= 0). */
  ttftMs: number;
  /** Tokens per second after the first token; 0 or Infinity sends the rest at once. */
  tokensPerSecond: number;
}

/** A send schedule: token i goes out at `offsetMs(i)` after the request arrived. */
export interface PacePlan {
  readonly ttftMs: number;
  /** Milliseconds between two tokens (0 when there is no rate limit). */
  readonly intervalMs: number;
  /** Offset of token `index` (0-based): ttft + index * interval. */
  offsetMs(index: number): number;
  /** Offsets for `count` tokens. */
  schedule(count: number): number[];
}

const sharedPlans = new WeakMap<Pacing, PacePlan>();

/**
 * The plan for the given pace: first token at `ttftMs`, then `1000 / tokensPerSecond` apart. A frozen
 * pace (the server's own, which every request without pacing headers shares) gets one plan for all.
 */
export function pace(options: Pacing): PacePlan {
  if (!Object.isFrozen(options)) return new Plan(options);
  let plan = sharedPlans.get(options);
  if (!plan) sharedPlans.set(options, (plan = new Plan(options)));
  return plan;
}

/** A class, not closures: a plan is made for every request. */
class Plan implements PacePlan {
  readonly ttftMs: number;
  readonly intervalMs: number;

  constructor(options: Pacing) {
    this.ttftMs = Math.max(0, Number.isFinite(options.ttftMs) ? options.ttftMs : 0);
    const tps = options.tokensPerSecond;
    this.intervalMs = tps > 0 && Number.isFinite(tps) ? 1000 / tps : 0;
  }

  offsetMs(index: number): number {
    return this.ttftMs + Math.max(0, index) * this.intervalMs;
  }

  schedule(count: number): number[] {
    return Array.from({ length: Math.max(0, count) }, (_, i) => this.offsetMs(i));
  }
}

/** One write the server made: when (ms, any monotonic clock) and how many tokens it carried. */
export interface SendRecord {
  atMs: number;
  tokens: number;
}

/** Timing figures in the units the services report: seconds and tokens per second. */
export interface TimingMetrics {
  /** First send minus request start. 0 when nothing was sent. */
  timeToFirstTokenS: number;
  /** Last send (or `endMs` when later) minus request start. */
  totalLatencyS: number;
  /** Tokens after the first send divided by the time from first to last send; 0 if undefined. */
  throughputAfterFirstToken: number;
  /** All tokens divided by total latency; 0 if undefined. */
  tokensPerSecond: number;
  /** Tokens over all sends. */
  completionTokens: number;
}

/**
 * Metrics from the actual send times. `startMs` is when the request arrived, `sends` the writes
 * in order, `endMs` (optional) when the response finished, on the same clock as `atMs`.
 */
export function measureTiming(startMs: number, sends: readonly SendRecord[], endMs?: number): TimingMetrics {
  const completionTokens = sends.reduce((sum, send) => sum + send.tokens, 0);
  const first = sends[0];
  const last = sends[sends.length - 1];
  return timingOf(startMs, first && last ? { first, lastAtMs: last.atMs } : undefined, completionTokens, endMs);
}

/**
 * `measureTiming` from what it needs of the sends: the first send and when the last was made
 * (undefined when nothing was sent) and the tokens of all of them.
 */
export function timingOf(startMs: number, sent: { first: SendRecord; lastAtMs: number } | undefined, completionTokens: number, endMs?: number): TimingMetrics {
  if (!sent) {
    const total = endMs !== undefined ? Math.max(0, endMs - startMs) / 1000 : 0;
    return { timeToFirstTokenS: 0, totalLatencyS: total, throughputAfterFirstToken: 0, tokensPerSecond: 0, completionTokens };
  }
  const { first, lastAtMs } = sent;
  const timeToFirstTokenS = Math.max(0, first.atMs - startMs) / 1000;
  const finished = endMs !== undefined ? Math.max(endMs, lastAtMs) : lastAtMs;
  const totalLatencyS = Math.max(0, finished - startMs) / 1000;
  const afterFirstS = Math.max(0, lastAtMs - first.atMs) / 1000;
  const afterFirstTokens = completionTokens - first.tokens;
  return {
    timeToFirstTokenS,
    totalLatencyS,
    throughputAfterFirstToken: afterFirstS > 0 ? afterFirstTokens / afterFirstS : 0,
    tokensPerSecond: totalLatencyS > 0 ? completionTokens / totalLatencyS : 0,
    completionTokens,
  };
}
