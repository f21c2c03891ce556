/**
 * @module A whole (not streamed) answer of a run, paced as if it were streamed: it is ready when its
 * last token would have been sent. Every text operation's non-streamed answer waits with this.
 */
import { FIRST_TEN_TOKENS, type SignalSource } from '../../pacing/run-clock.js';
import type { ChatRun } from './run.js';
import { stepCount, tokensUpTo } from './timeline.js';

/** What pacing a whole answer needs of a run: its token timelines and its clock (LMI's own schema paces with these too). */
export type PacedRun = Pick<ChatRun, 'timelines' | 'clock'>;

/**
 * Waits through the run as if it were streamed, but with at most three timers instead of one per
 * token: the first step, the step where the eleventh token comes (for the first-ten rate), and the
 * last step. Each is recorded as a send with the tokens made since the previous one, so the usage
 * reports the TTFT and throughput of the pace asked for. Undefined when nothing was left to wait
 * for (the answer is ready in this turn); otherwise rejects when `signal` aborts.
 */
export function paceWholeAnswer(run: PacedRun, signal: SignalSource): Promise<void> | undefined {
  const steps = stepCount(run.timelines);
  let firstTenStep = 0;
  while (firstTenStep < steps - 1 && tokensUpTo(run.timelines, firstTenStep) < FIRST_TEN_TOKENS) firstTenStep++;
  return recordFrom(run, [...new Set([0, firstTenStep, steps - 1])], 0, 0, signal);
}

/** Records marks[i..] in turn, each once it is due; `recorded`: tokens recorded so far. */
function recordFrom(run: PacedRun, marks: number[], i: number, recorded: number, signal: SignalSource): Promise<void> | undefined {
  for (; i < marks.length; i++) {
    const step = marks[i]!;
    const wait = run.clock.untilStep(step, signal);
    const next = i + 1;
    if (wait) return wait.then(() => recordFrom(run, marks, next, record(run, step, recorded), signal));
    recorded = record(run, step, recorded);
  }
  return undefined;
}

/** Records the tokens made up to `step` beyond the `recorded` ones; the new total. */
function record(run: PacedRun, step: number, recorded: number): number {
  const upTo = tokensUpTo(run.timelines, step);
  run.clock.record(upTo - recorded);
  return upTo;
}
