/** The proxy's check queue: checks run after the loop turn's I/O and immediates, in the order they came, in slices. */
import { describe, expect, it } from 'vitest';
import { CheckQueue } from '../../src/proxy/check-queue.js';

/** Until the check phase of the next loop turn has run (an immediate scheduled from an immediate now runs after the queue's drain). */
const turn = () => new Promise<void>((resolve) => setImmediate(() => setImmediate(resolve)));

/** Keeps the CPU busy for `ms` (a check that is slow to run). */
function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

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
    setImmediate(() => ran.push('first write'));
    queue.add(() => ran.push('check'), undefined);
    setImmediate(() => ran.push('second write'));
    await turn();
    expect(ran).toEqual(['first write', 'second write', 'check']);
  });

  it('stops a drain at the end of its slice and lets the loop forward in between, keeping the order', async () => {
    const queue = new CheckQueue({ sliceMs: 1 });
    const ran: string[] = [];
    queue.add(() => {
      busy(5);
      ran.push('slow check');
      setImmediate(() => ran.push('forwarding in between'));
    }, undefined);
    queue.add(() => ran.push('next check'), undefined);
    for (let i = 0; i < 4 && ran.length < 3; i++) await turn();
    expect(ran).toEqual(['slow check', 'forwarding in between', 'next check']);
  });

  it('does not stop at the end of its slice while more checks wait than the backlog limit', async () => {
    const queue = new CheckQueue({ sliceMs: 1, backlogLimit: 1 });
    const ran: string[] = [];
    queue.add(() => {
      busy(5);
      ran.push('slow check');
      setImmediate(() => ran.push('forwarding'));
    }, undefined);
    queue.add(() => ran.push('second'), undefined);
    queue.add(() => ran.push('third'), undefined);
    for (let i = 0; i < 4 && ran.length < 4; i++) await turn();
    // Two waited after the slow one (over the limit of 1): the second ran in the same drain; the third, with the backlog back at the limit, after the forwarding.
    expect(ran).toEqual(['slow check', 'second', 'forwarding', 'third']);
  });

  it('goes on with the jobs after one that throws, in a later turn', async () => {
    const queue = new CheckQueue();
    const ran: string[] = [];
    const errors: unknown[] = [];
    const onError = (error: unknown) => errors.push(error);
    process.on('uncaughtException', onError);
    try {
      queue.add(() => {
        throw new Error('a bug in a check');
      }, undefined);
      queue.add(() => ran.push('after'), undefined);
      for (let i = 0; i < 4 && ran.length < 1; i++) await turn();
    } finally {
      process.off('uncaughtException', onError);
    }
    expect(ran).toEqual(['after']);
  });
});
