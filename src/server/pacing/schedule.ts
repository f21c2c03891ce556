/**
 * When each piece of a native answer goes out. Pacing follows the request's plan (first token at
 * `ttftMs`, then `1000 / tokensPerSecond` apart, from `plan.ts`'s `pace`), measured from when
 * the request arrived against absolute deadlines, so a slow reader delays items without the delay
 * adding up. Waits are tied to the stream's signal: a client that leaves clears the pending timer
 * at once and ends generation.
 * @module
 */
import type { PacePlan } from './plan.js';
import { reached } from './wait-until.js';

/** One thing to send: a token of an answer, or the answer's last object (full completion and metrics). */
export interface ScheduledEvent {
  /** Which answer (prompt or v2 item) it belongs to. */
  answer: number;
  kind: 'token' | 'last';
  /** Token position in its answer (for `last`: the answer's token count). */
  token: number;
  /** When it is due, in milliseconds after the request arrived. */
  dueMs: number;
}

/**
 * `sequential`: one answer after another, as a stream without ids must send them (NLP and Generic
 * v1 with several `inputs`). `interleaved`: the answers run side by side as one batch and their
 * lines mix, told apart by id (Generic v2).
 */
export type Interleaving = 'sequential' | 'interleaved';

/** A stream's events in the order they go out, made as they are read (a batch of 256 answers has hundreds of thousands). */
export interface StreamSchedule extends Iterable<ScheduledEvent> {
  /** How many events: every token, and one last object per answer. */
  readonly length: number;
}

/**
 * The events by time, then answer, then position (an answer's last object follows its last token).
 * Answers run side by side only when their steps are apart in time: with no interval every event
 * is due at once, and the answers go one after another.
 */
export function streamSchedule(tokenCounts: readonly number[], plan: PacePlan, order: Interleaving): StreamSchedule {
  const length = tokenCounts.reduce((sum, count) => sum + count + 1, 0);
  const events = order === 'interleaved' && plan.intervalMs > 0 ? sideBySide(tokenCounts, plan) : oneAfterAnother(tokenCounts, plan, order);
  return { length, [Symbol.iterator]: events };
}

function oneAfterAnother(tokenCounts: readonly number[], plan: PacePlan, order: Interleaving): () => Generator<ScheduledEvent> {
  return function* () {
    let before = 0;
    for (let answer = 0; answer < tokenCounts.length; answer++) {
      const count = tokenCounts[answer]!;
      const base = order === 'sequential' ? before : 0;
      for (let token = 0; token < count; token++) yield { answer, kind: 'token', token, dueMs: plan.offsetMs(base + token) };
      // The last object follows the last token at once; an empty answer ends when its first token would have come.
      yield { answer, kind: 'last', token: count, dueMs: plan.offsetMs(base + Math.max(0, count - 1)) };
      before += count;
    }
  };
}

function sideBySide(tokenCounts: readonly number[], plan: PacePlan): () => Generator<ScheduledEvent> {
  return function* () {
    const steps = Math.max(1, ...tokenCounts);
    for (let step = 0; step < steps; step++) {
      const dueMs = plan.offsetMs(step);
      for (let answer = 0; answer < tokenCounts.length; answer++) {
        const count = tokenCounts[answer]!;
        if (step < count) yield { answer, kind: 'token', token: step, dueMs };
        if (step === Math.max(0, count - 1)) yield { answer, kind: 'last', token: count, dueMs };
      }
    }
  };
}

/** The events of `schedule`, each when it is due after `startMs`; ends early when `signal` aborts. */
export async function* paced(schedule: Iterable<ScheduledEvent>, startMs: number, signal: AbortSignal): AsyncGenerator<ScheduledEvent> {
  for (const event of schedule) {
    if (!(await reached(startMs + event.dueMs, signal))) return;
    yield event;
  }
}
