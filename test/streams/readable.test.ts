import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  StreamEncodeError,
  createStreamResponse,
  encodeSSE,
  encodeStreamEnd,
  encodeStreamItem,
  encodeStreamItems,
  iterateStreamItems,
  type OutgoingStreamItem,
  type StreamFramingSpec,
} from '../../src/streams/index.js';
import { contracts, type StreamFraming } from '../../src/contract/index.js';
import { collect, readText, sleep } from './helpers.js';

const cloud: StreamFramingSpec = { framing: 'sse', terminator: '[DONE]', errorEvents: ['error_event', 'error'] };
const lmi: StreamFramingSpec = { framing: 'jsonl' };
const item = <T>(value: T): OutgoingStreamItem<T> => ({ kind: 'item', value });
const values = [{ n: 0, text: 'Hel' }, { n: 1, text: 'lo wörld 🎉' }, { n: 2, text: 'line\nbreak' }];

describe('encodeStreamItem / encodeStreamEnd', () => {
  it('frames items, error items and the terminator for SSE', () => {
    expect(encodeStreamItem(item({ a: 1 }), cloud)).toBe('data: {"a":1}\n\n');
    expect(encodeStreamItem({ kind: 'item', value: 1, event: 'stream_event', id: '3' }, cloud)).toBe('event: stream_event\nid: 3\ndata: 1\n\n');
    expect(encodeStreamItem({ kind: 'error', value: { error: 'x' } }, cloud)).toBe('event: error_event\ndata: {"error":"x"}\n\n');
    expect(encodeStreamItem({ kind: 'error', value: 'x' }, { framing: 'sse' })).toBe('event: error\ndata: "x"\n\n');
    expect(encodeStreamItem({ kind: 'error', value: 'x', event: 'error' }, cloud)).toBe('event: error\ndata: "x"\n\n');
    expect(encodeStreamEnd(cloud)).toBe('data: [DONE]\n\n');
  });

  it('frames JSON lines without event or id, and no terminator unless declared', () => {
    expect(encodeStreamItem({ kind: 'item', value: { a: 'x\ny' }, event: 'ignored' }, lmi)).toBe('{"a":"x\\ny"}\n');
    expect(encodeStreamItem({ kind: 'error', value: { code: 424 } }, lmi)).toBe('{"code":424}\n');
    expect(encodeStreamEnd(lmi)).toBe('');
  });
});

describe('encodeStreamItems', () => {
  it('writes every item then the terminator, and decodes back to the same items', async () => {
    async function* produce() {
      yield* values.map(item);
      yield { kind: 'error', value: { error: { message: 'late' } } } as const;
    }
    const text = await readText(encodeStreamItems(produce(), cloud));
    expect(text).toBe(values.map((v) => encodeStreamItem(item(v), cloud)).join('') + 'event: error_event\ndata: {"error":{"message":"late"}}\n\n' + 'data: [DONE]\n\n');
    const decoded = await collect(iterateStreamItems(encodeStreamItems(produce(), cloud), cloud));
    expect(decoded.map((d) => [d.kind, d.value])).toEqual([...values.map((v) => ['item', v]), ['error', { error: { message: 'late' } }]]);
  });

  it('accepts a plain array and writes JSON lines', async () => {
    expect(await readText(encodeStreamItems(values.map(item), lmi))).toBe(values.map((v) => `${JSON.stringify(v)}\n`).join(''));
  });

  it('is pull-based: the producer is asked for one item per read, never ahead of the reader', async () => {
    let calls = 0;
    let started = false;
    const body = encodeStreamItems((signal) => {
      started = true;
      expect(signal).toBeInstanceOf(AbortSignal);
      return {
        [Symbol.asyncIterator]: () => ({
          next: async () => {
            calls++;
            return calls <= 100 ? { done: false, value: item({ n: calls }) } : { done: true, value: undefined };
          },
        }),
      };
    }, cloud);
    await sleep(20);
    expect(started).toBe(false);
    expect(calls).toBe(0);
    const reader = body.getReader();
    for (let reads = 1; reads <= 5; reads++) {
      const { value } = await reader.read();
      expect(new TextDecoder().decode(value)).toBe(`data: {"n":${reads}}\n\n`);
      // Give a pushy implementation every chance to run ahead of the reader.
      await sleep(10);
      expect(calls).toBe(reads);
    }
    await reader.cancel();
  });

  it('calls the producer’s return() on cancel, so its finally blocks run', async () => {
    let cleanedUp = false;
    let produced = 0;
    async function* produce() {
      try {
        for (;;) yield item({ n: produced++ });
      } finally {
        cleanedUp = true;
      }
    }
    const reader = encodeStreamItems(produce(), cloud).getReader();
    await reader.read();
    await reader.read();
    expect(cleanedUp).toBe(false);
    await reader.cancel('client went away');
    expect(cleanedUp).toBe(true);
    expect(produced).toBe(2);
  });

  it('aborts the producer’s signal on cancel, so a producer waiting on a timer stops at once', async () => {
    let timerCleared = false;
    let signalReason: unknown;
    async function* produce(signal: AbortSignal) {
      yield item('first');
      // A token that would take 10 s to come.
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, 10_000);
        signal.addEventListener('abort', () => {
          clearTimeout(timer);
          timerCleared = true;
          signalReason = signal.reason;
          reject(signal.reason);
        });
      });
      yield item('never');
    }
    const reader = encodeStreamItems(produce, cloud).getReader();
    await reader.read();
    const pending = reader.read();
    await sleep(10);
    const started = Date.now();
    await reader.cancel('bye');
    expect(Date.now() - started).toBeLessThan(1000);
    expect(timerCleared).toBe(true);
    expect(signalReason).toBe('bye');
    expect(await pending).toEqual({ done: true, value: undefined });
  });

  it('turns a producer error into a last error item with onError, and then omits the terminator', async () => {
    async function* produce() {
      yield item({ n: 0 });
      throw new Error('model crashed');
    }
    const body = encodeStreamItems(produce(), cloud, { onError: (error) => ({ kind: 'error', value: { error: { message: (error as Error).message } } }) });
    const text = await readText(body);
    expect(text).toBe('data: {"n":0}\n\nevent: error_event\ndata: {"error":{"message":"model crashed"}}\n\n');
    // The decoder accepts the missing [DONE] after an error item.
    const decoded = await collect(iterateStreamItems(encodeStreamItems(produce(), cloud, { onError: () => ({ kind: 'error', value: 'crashed' }) }), cloud));
    expect(decoded.map((d) => d.kind)).toEqual(['item', 'error']);
  });

  it('errors the stream when the producer throws and there is no onError', async () => {
    async function* produce() {
      yield item(1);
      throw new Error('model crashed');
    }
    const reader = encodeStreamItems(produce(), cloud).getReader();
    await reader.read();
    await expect(reader.read()).rejects.toThrow('model crashed');
  });

  it('errors the stream on an item it cannot write, and stops the producer', async () => {
    let cleanedUp = false;
    async function* produce() {
      try {
        yield { kind: 'item', value: 1, event: 'bad\nevent' } as const;
        yield item(2);
      } finally {
        cleanedUp = true;
      }
    }
    const reader = encodeStreamItems(produce(), cloud).getReader();
    const error = await reader.read().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StreamEncodeError);
    expect(cleanedUp).toBe(true);
  });
});

describe('every stream of the generated streams map', () => {
  const entries = Object.entries(contracts).flatMap(([api, { streams }]) =>
    Object.entries<Readonly<Record<string, StreamFraming>>>(streams).flatMap(([op, media]) => Object.entries(media).map(([mediaType, framing]) => ({ name: `${api} ${op} ${mediaType}`, framing }))),
  );

  it('has entries', () => {
    expect(entries.length).toBeGreaterThan(0);
  });

  it.each(entries)('round-trips items and an error item: $name', async ({ framing }) => {
    const sent: OutgoingStreamItem<unknown>[] = [item({ n: 0, text: 'ü' }), item({ n: 1 }), { kind: 'error', value: { error: { message: 'boom' } } }];
    const got = await collect(iterateStreamItems(encodeStreamItems(sent, framing), framing));
    // An error is told by an error event name (SSE) or by the framing's errorProperty (`error`, any framing);
    // without either it is an item like another, and the item schema tells them apart.
    const errorKind = (framing.framing === 'sse' && framing.errorEvents?.length) || framing.errorProperty === 'error' ? 'error' : 'item';
    expect(got.map((g) => [g.kind, g.value])).toEqual([
      ['item', { n: 0, text: 'ü' }],
      ['item', { n: 1 }],
      [errorKind, { error: { message: 'boom' } }],
    ]);
  });
});

describe('createStreamResponse', () => {
  it('sets status and stream headers, extra headers winning', async () => {
    const response = createStreamResponse([item(1)], cloud, { headers: { 'x-request-id': 'r1', 'cache-control': 'no-store' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-accel-buffering')).toBe('no');
    expect(response.headers.get('x-request-id')).toBe('r1');
    expect(await response.text()).toBe('data: 1\n\ndata: [DONE]\n\n');
    const jsonl = createStreamResponse([item(1)], lmi, { mediaType: 'application/jsonlines', status: 201 });
    expect([jsonl.status, jsonl.headers.get('content-type'), await jsonl.text()]).toEqual([201, 'application/jsonlines', '1\n']);
  });
});

describe('over a real socket (node:http on 127.0.0.1, read with fetch)', () => {
  let server: Server | undefined;
  afterEach(async () => {
    // closeAllConnections: an aborted fetch can leave its socket for the server to time out.
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  async function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
    server = createServer(handler);
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
  }

  it('decodes SSE written in small delayed pieces (multibyte characters and CRLF cut apart)', async () => {
    const text = (values.map((v) => encodeStreamItem(item(v), cloud)).join('') + encodeSSE({ event: 'error', data: '{"error":"x"}' }) + encodeStreamEnd(cloud)).replaceAll('\n', '\r\n');
    const bytes = new TextEncoder().encode(text);
    const url = await listen(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (let i = 0; i < bytes.length; i += 7) {
        res.write(bytes.subarray(i, i + 7));
        await sleep(1);
      }
      res.end();
    });
    const response = await fetch(url);
    const items = await collect(iterateStreamItems(response.body!, cloud));
    expect(items.map((i) => [i.kind, i.index, i.value])).toEqual([...values.map((v, i) => ['item', i, v]), ['error', 3, { error: 'x' }]]);
  });

  it('decodes DJL-style JSON lines (data: prefixes, empty last line) and detects a cut SSE stream', async () => {
    const url = await listen(async (req, res) => {
      if (req.url === '/jsonl') {
        res.writeHead(200, { 'content-type': 'application/jsonlines' });
        for (const v of values) {
          res.write(`data: ${JSON.stringify(v)}`);
          await sleep(2);
          res.write('\n');
        }
        res.end('\n');
      } else {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(encodeStreamItem(item(values[0]), cloud));
        await sleep(5);
        res.destroy();
      }
    });
    const lines = await collect(iterateStreamItems((await fetch(`${url}/jsonl`)).body!, lmi));
    expect(lines.map((l) => l.value)).toEqual(values);
    const got: unknown[] = [];
    const cut = (async () => {
      for await (const i of iterateStreamItems((await fetch(`${url}/sse`)).body!, cloud)) got.push(i.value);
    })();
    // Either the socket error (undici "terminated") or, if the body closed cleanly, StreamEndedEarlyError.
    await expect(cut).rejects.toThrow();
    expect(got).toEqual([values[0]]);
  });

  it('stops the server-side producer when the client aborts mid-stream (cancel reaches return())', async () => {
    let produced = 0;
    let producerFinished: () => void;
    const finished = new Promise<void>((resolve) => (producerFinished = resolve));
    const url = await listen(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const body = encodeStreamItems(async function* (signal) {
        try {
          for (;;) {
            yield item({ n: produced++ });
            await new Promise((resolve) => setTimeout(resolve, 5));
            if (signal.aborted) return;
          }
        } finally {
          producerFinished();
        }
      }, cloud);
      const reader = body.getReader();
      res.on('close', () => void reader.cancel('client closed'));
      for (;;) {
        const { done, value } = await reader.read().catch(() => ({ done: true as const, value: undefined }));
        if (done) break;
        if (!res.write(value)) await new Promise((resolve) => res.once('drain', resolve));
      }
      res.end();
    });
    const controller = new AbortController();
    const got: unknown[] = [];
    const run = (async () => {
      for await (const i of iterateStreamItems((await fetch(url, { signal: controller.signal })).body!, cloud, { signal: controller.signal })) {
        got.push(i.value);
        if (got.length === 3) controller.abort();
      }
    })();
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    await finished;
    const after = produced;
    await sleep(50);
    expect(produced).toBe(after);
    expect(got).toEqual([{ n: 0 }, { n: 1 }, { n: 2 }]);
  });
});
