/**
 * Steps that are already due (a fast pace, a reader that takes every write at once) go on in the
 * same turn only for a slice: a long run of them lets a callback queued for the next turn of the
 * event loop run before it ends (ordering, never timings), on both clocks, the chat run's and the
 * native schedule's. The native schedule, made as it is read, keeps the order of time, then answer,
 * then position.
 */
import { describe, expect, it } from 'vitest';
import { pace } from '../../../src/server/pacing/plan.js';
import { RunClock } from '../../../src/server/pacing/run-clock.js';
import { paced, streamSchedule } from '../../../src/server/pacing/schedule.js';
import { yieldsBeforeSettling } from '../../helpers/turns.js';

const fullSpeed = { ttftMs: 0, tokensPerSecond: 1e9 };

describe('steps already due', () => {
  it('of a chat run: a long run lets the event loop turn', async () => {
    const clock = new RunClock(fullSpeed, { monotonicMs: performance.now() - 1000, epochMs: Date.now() - 1000 });
    const signal = new AbortController().signal;
    let steps = 0;
    const run = async () => {
      for (let step = 0; step < 200_000; step++, steps++) await clock.untilStep(step, signal);
    };
    expect(await yieldsBeforeSettling(run)).toBe(true);
    expect(steps).toBe(200_000);
  });

  it('of a native stream: a long schedule lets the event loop turn, and every event comes', async () => {
    const schedule = streamSchedule(Array(256).fill(800), pace(fullSpeed), 'interleaved');
    let events = 0;
    const run = async () => {
      for await (const _event of paced(schedule, performance.now() - 1000, new AbortController().signal)) events++;
    };
    expect(await yieldsBeforeSettling(run)).toBe(true);
    expect(events).toBe(schedule.length);
    expect(schedule.length).toBe(256 * 801);
  });
});

describe('the native schedule', () => {
  const plan = pace({ ttftMs: 10, tokensPerSecond: 100 });
  const events = (counts: number[], order: 'sequential' | 'interleaved', on = plan) => [...streamSchedule(counts, on, order)].map((e) => `${e.answer}${e.kind === 'last' ? 'L' : e.token}@${e.dueMs}`);

  it('interleaves a batch step by step, each answer ending right after its last token', () => {
    expect(events([2, 0, 1], 'interleaved')).toEqual(['00@10', '1L@10', '20@10', '2L@10', '01@20', '0L@20']);
  });

  it('sends answers one after another when sequential, or when every event is due at once', () => {
    const expected = ['00@10', '01@20', '0L@20', '1L@30', '20@30', '2L@30'];
    expect(events([2, 0, 1], 'sequential')).toEqual(expected);
    expect(events([2, 0, 1], 'interleaved', pace({ ttftMs: 10, tokensPerSecond: 0 }))).toEqual(['00@10', '01@10', '0L@10', '1L@10', '20@10', '2L@10']);
  });
});
