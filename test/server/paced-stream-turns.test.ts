// Both ways a paced producer is read bound their turns: items that are all due at once (a fast
// pace, a reader that takes every write) go on for one slice, then the rest in a later turn.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PacedProducer } from '../../src/server/operations/types.js';
import { writePacedBody } from '../../src/server/paced-stream-body.js';
import { pacedItems } from '../../src/server/pacing/paced-items.js';
import type { SpecRequest } from '../../src/server/spec-request.js';
import { yieldsBeforeSettling } from '../helpers/turns.js';

const items = 400;
/** Each item costs this much work to make: the whole stream takes far longer than one slice. */
const workPerItemMs = 0.2;

function slowProducer(made: { count: number }): PacedProducer {
  return {
    next() {
      if (made.count === items) return undefined;
      const until = performance.now() + workPerItemMs;
      while (performance.now() < until);
      return { kind: 'item', value: { n: made.count++ } };
    },
    stop() {},
  };
}

let server: Server;
let port: number;
/** How many items were made when a callback queued right after the writer started got its turn. */
let madeAtNextTurn: number | undefined;

beforeAll(async () => {
  server = createServer((_req, res) => {
    const made = { count: 0 };
    // Only what the lean writer reads of its request: no fault, no checks, no shutdown.
    const request = { res, fault: undefined, checksItems: false, shutdown: undefined, errorItem: () => ({ kind: 'error', value: {} }) } as unknown as SpecRequest;
    writePacedBody(request, 200, { 'content-type': 'application/jsonl' }, slowProducer(made), { framing: 'jsonl' });
    setImmediate(() => (madeAtNextTurn = made.count));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('the lean stream writer', () => {
  it('lets the event loop turn during a stream that is due all at once, and still writes every item', async () => {
    const body = await (await fetch(`http://127.0.0.1:${port}/`)).text();
    const lines = body.trim().split('\n');
    expect(lines).toHaveLength(items);
    expect(JSON.parse(lines.at(-1)!)).toEqual({ n: items - 1 });
    expect(madeAtNextTurn).toBeDefined();
    expect(madeAtNextTurn!).toBeLessThan(items);
  });
});

describe('a paced producer read as an async iterable (the general writer: faults, response checks)', () => {
  it('lets the event loop turn during a stream that is due all at once, and still yields every item', async () => {
    const made = { count: 0 };
    let received = 0;
    const read = async () => {
      for await (const _item of pacedItems(slowProducer(made), new AbortController().signal)) received++;
    };
    expect(await yieldsBeforeSettling(read)).toBe(true);
    expect(received).toBe(items);
  });
});
