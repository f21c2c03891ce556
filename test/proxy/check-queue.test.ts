/** The proxy's check queue: checks run after the loop turn's I/O and immediates, all of them, in the order they came. */
import { stat } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CheckQueue } from '../../src/proxy/check-queue.js';

/** Until the timers of the next loop turn have run (a timer set now fires after the queue's). */
const turn = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

describe('CheckQueue', () => {
  it('runs nothing at once, then every job in the order added; jobs added while running come after', async () => {
    const queue = new CheckQueue();
    const ran: string[] = [];
    queue.add((v) => ran.push(v), 'a');
    queue.add((v) => {
      ran.push(v);
      queue.add((w) => ran.push(w), 'c (added by b)');
    }, 'b');
    queue.add((v) => ran.push(v), 'd');
    expect(ran).toEqual([]);
    await turn();
    await turn();
    expect(ran).toEqual(['a', 'b', 'd', 'c (added by b)']);
  });

  it('runs after the work the current tick deferred (node:http uncorks a written answer there)', async () => {
    const queue = new CheckQueue();
    const ran: string[] = [];
    queue.add(() => ran.push('check'), undefined);
    process.nextTick(() => ran.push('tick'));
    await turn();
    expect(ran).toEqual(['tick', 'check']);
  });

  it('runs after the immediates scheduled in the same turn, even those scheduled after it (undici writes a request on a kept connection from one)', async () => {
    const queue = new CheckQueue();
    const ran: string[] = [];
    // From an I/O callback, as the proxy adds its checks: only there does the loop's check phase (the immediates) come
    // before the next turn's timers; from the main context a late loop may run the timer first.
    await new Promise<void>((resolve) =>
      stat('.', () => {
        setImmediate(() => ran.push('first write'));
        queue.add(() => ran.push('check'), undefined);
        setImmediate(() => ran.push('second write'));
        resolve();
      }),
    );
    await turn();
    expect(ran).toEqual(['first write', 'second write', 'check']);
  });
});
