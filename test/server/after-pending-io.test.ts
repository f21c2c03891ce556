/** afterPendingIo: queued work runs after the pending I/O, in order, in slices that let new I/O in. */
import { once } from 'node:events';
import { createServer, connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { afterPendingIo } from '../../src/server/after-pending-io.js';

function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

describe('afterPendingIo', () => {
  it('runs work after the current turn, in the order it was queued', async () => {
    const order: string[] = [];
    for (const name of ['a', 'b', 'c']) afterPendingIo((each) => order.push(each), name);
    order.push('sync');
    await new Promise((resolve) => afterPendingIo(resolve, undefined));
    expect(order).toEqual(['sync', 'a', 'b', 'c']);
  });

  it('reads a socket between slices of a long queue, not after the whole queue', async () => {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as { port: number }).port;
    const accepted = once(server, 'connection');
    const client = connect(port, '127.0.0.1');
    await once(client, 'connect');
    const [serverSide] = (await accepted) as [Socket];
    try {
      const items = 40;
      let done = 0;
      let doneWhenRead = -1;
      serverSide.once('data', () => (doneWhenRead = done));
      const finished = new Promise<void>((resolve) => {
        for (let i = 0; i < items; i++) {
          afterPendingIo((index) => {
            // The first item sends the bytes: they are on the server's socket from then on.
            if (index === 0) client.write('x');
            busy(0.5);
            if (++done === items) resolve();
          }, i);
        }
      });
      await finished;
      await new Promise((resolve) => setTimeout(resolve, 20));
      // 40 items of 0.5 ms take about 20 ms; the bytes are read after a slice of about 0.5 ms.
      expect(doneWhenRead).toBeGreaterThan(0);
      expect(doneWhenRead).toBeLessThan(items / 2);
    } finally {
      client.destroy();
      serverSide.destroy();
      server.close();
    }
  });

  it('is not starved by busy timers: a slice gets about as long as the rest of the loop took', async () => {
    const items = 40;
    let done = 0;
    let busyTurns = 0;
    let ticking = true;
    // Each turn of the loop, a timer works 5 ms, as the timers of thousands of open streams do.
    const tick = () => {
      if (!ticking) return;
      busyTurns++;
      busy(5);
      setTimeout(tick, 0);
    };
    setTimeout(tick, 0);
    await new Promise<void>((resolve) => {
      for (let i = 0; i < items; i++) {
        afterPendingIo(() => {
          busy(0.5);
          if (++done === items) resolve();
        }, undefined);
      }
    });
    ticking = false;
    // Half a millisecond per turn takes about one turn per item (27-40 seen); a fair share 3-5.
    expect(busyTurns).toBeLessThan(items / 4);
  });
});
