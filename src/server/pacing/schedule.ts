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

export function streamSchedule(tokenCounts: readonly number[], plan: PacePlan, order: Interleaving): ScheduledEvent[] {
  const events: Array<ScheduledEvent & { seq: number }> = [];
  let before = 0;
  let seq = 0;
  tokenCounts.forEach((count, answer) => {
    const base = order === 'sequential' ? before : 0;
    for (let token = 0; token < count; token++) events.push({ answer, kind: 'token', token, dueMs: plan.offsetMs(base + token), seq: seq++ });
    // The last object follows the last token at once; an empty answer ends when its first token would have come.
    events.push({ answer, kind: 'last', token: count, dueMs: plan.offsetMs(base + Math.max(0, count - 1)), seq: seq++ });
    before += count;
  });
  // Stable order: by time, then answer, then position (so an answer's last object follows its last token).
  events.sort((a, b) => a.dueMs - b.dueMs || a.answer - b.answer || a.seq - b.seq);
  return events.map(({ seq: _seq, ...event }) => event);
}

/** The events of `schedule`, each when it is due after `startMs`; ends early when `signal` aborts. */
export async function* paced(schedule: readonly ScheduledEvent[], startMs: number, signal: AbortSignal): AsyncGenerator<ScheduledEvent> {
  for (const event of schedule) {
    if (!(await reached(startMs + event.dueMs, signal))) return;
    yield event;
  }
}
