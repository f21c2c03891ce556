import { describe, expect, it } from 'vitest';
import {
  StreamBufferLimitError,
  StreamEndedEarlyError,
  StreamParseError,
  createStreamItemsDecoder,
  encodeJSONLine,
  encodeSSE,
  encodeStreamEnd,
  encodeStreamItem,
  isStreamError,
  iterateStreamItems,
  type StreamFramingSpec,
  type StreamItem,
} from '../../src/streams/index.js';
import { byteByByte, collect, collectUntilError, sleep, split, streamOf, utf8 } from './helpers.js';

// As the generated streams map writes it (status included), for SambaNova Cloud chat.
const cloud = { framing: 'sse', terminator: '[DONE]', errorEvents: ['error', 'error_event'], status: 200 } as const;
const lmi: StreamFramingSpec = { framing: 'jsonl' };
const nlp: StreamFramingSpec = { framing: 'sse', errorEvents: ['error_event'] };

const chunk = (content: string) => ({ object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content } }] });
type Chunk = ReturnType<typeof chunk>;

/** Items without `raw`, for comparing what was decoded. */
const brief = (items: StreamItem<unknown>[]) => items.map(({ kind, value, index, event }) => ({ kind, value, index, event }));

describe('iterateStreamItems, SSE with [DONE] (SambaNova Cloud, SambaStudio OpenAI-compatible)', () => {
  const wire =
    encodeStreamItem({ kind: 'item', value: chunk('Hel') }, cloud) +
    encodeStreamItem({ kind: 'item', value: chunk('lo wörld 🎉') }, cloud) +
    encodeStreamEnd(cloud);

  it('yields the items in order, with index and raw, and stops at the terminator', async () => {
    const items = await collect(iterateStreamItems<Chunk>(streamOf([wire]).body, cloud));
    expect(items).toEqual([
      { kind: 'item', value: chunk('Hel'), index: 0, raw: JSON.stringify(chunk('Hel')) },
      { kind: 'item', value: chunk('lo wörld 🎉'), index: 1, raw: JSON.stringify(chunk('lo wörld 🎉')) },
    ]);
    expect(wire.endsWith('data: [DONE]\n\n')).toBe(true);
  });

  it('gives the same items fed byte by byte and with CRLF line ends', async () => {
    const expected = brief(await collect(iterateStreamItems(streamOf([wire]).body, cloud)));
    expect(brief(await collect(iterateStreamItems(byteByByte(wire), cloud)))).toEqual(expected);
    expect(brief(await collect(iterateStreamItems(byteByByte(wire.replaceAll('\n', '\r\n')), cloud)))).toEqual(expected);
  });

  it('does not read past the terminator, and cancels the rest of the body', async () => {
    const { body, probe } = streamOf([encodeSSE({ data: '{"n":1}' }) + encodeSSE({ data: '[DONE]' }) + encodeSSE({ data: '{"n":"ignored"}' }), encodeSSE({ data: '{"n":"never read"}' })]);
    const items = await collect(iterateStreamItems(body, cloud));
    expect(items.map((i) => i.value)).toEqual([{ n: 1 }]);
    expect(probe.reads).toBe(1);
    expect(probe.cancelled).toBe(true);
  });

  it('yields events named in errorEvents as error items, in place, and keeps going', async () => {
    const text =
      encodeSSE({ data: '{"n":0}' }) +
      encodeSSE({ event: 'error_event', data: '{"error":{"code":"overloaded","message":"try later"}}' }) +
      encodeSSE({ event: 'error', data: 'Internal Server Error' }) +
      encodeSSE({ data: '{"error":{"message":"a data error stays an item"}}' }) +
      encodeSSE({ data: '[DONE]' });
    const items = await collect(iterateStreamItems(streamOf(split(utf8(text), 7)).body, cloud));
    expect(brief(items)).toEqual([
      { kind: 'item', value: { n: 0 }, index: 0, event: undefined },
      { kind: 'error', value: { error: { code: 'overloaded', message: 'try later' } }, index: 1, event: 'error_event' },
      { kind: 'error', value: 'Internal Server Error', index: 2, event: 'error' },
      { kind: 'item', value: { error: { message: 'a data error stays an item' } }, index: 3, event: undefined },
    ]);
    expect(items[2]!.raw).toBe('Internal Server Error');
  });

  it("with errorProperty, an item holding that member is an error item whatever its event name, and the stream may end after it without [DONE]", async () => {
    const framing: StreamFramingSpec = { ...cloud, errorProperty: 'error' };
    const text =
      encodeSSE({ data: '{"n":0}' }) +
      encodeSSE({ data: '{"error":null,"n":1}' }) +
      encodeSSE({ data: '{"error":{"message":"the model stopped"}}' }) +
      encodeSSE({ event: 'message', data: '{"error":"plain text"}' });
    const items = await collect(iterateStreamItems(streamOf(split(utf8(text), 5)).body, framing));
    expect(brief(items)).toEqual([
      { kind: 'item', value: { n: 0 }, index: 0, event: undefined },
      { kind: 'item', value: { error: null, n: 1 }, index: 1, event: undefined },
      { kind: 'error', value: { error: { message: 'the model stopped' } }, index: 2, event: undefined },
      { kind: 'error', value: { error: 'plain text' }, index: 3, event: 'message' },
    ]);
    // Without an error, the same stream cut before [DONE] is cut.
    await expect(collect(iterateStreamItems(streamOf([encodeSSE({ data: '{"n":0}' })]).body, framing))).rejects.toBeInstanceOf(StreamEndedEarlyError);
  });

  it('with errorProperty, a JSON line holding it is an error item (LMI), and an error item is encoded as a plain data event', async () => {
    const lmiErrors: StreamFramingSpec = { framing: 'jsonl', errorProperty: 'error' };
    const items = await collect(iterateStreamItems(streamOf(['{"token":{"text":"a"}}\n{"code":424,"error":"CUDA out of memory"}\n']).body, lmiErrors));
    expect(brief(items).map((i) => i.kind)).toEqual(['item', 'error']);
    const sse: StreamFramingSpec = { framing: 'sse', terminator: '[DONE]', errorProperty: 'error' };
    expect(encodeStreamItem({ kind: 'error', value: { error: { message: 'x' } } }, sse)).toBe('data: {"error":{"message":"x"}}\n\n');
    // With error event names too, the first stays the default.
    expect(encodeStreamItem({ kind: 'error', value: { error: { message: 'x' } } }, { ...sse, errorEvents: ['error_event'] })).toBe('event: error_event\ndata: {"error":{"message":"x"}}\n\n');
  });

  it('skips events with empty data and comments (keep-alives), without counting them', async () => {
    const text = ': keep-alive\n\n' + 'data:\n\n' + encodeSSE({ data: '{"n":0}' }) + 'event: ping\ndata: \n\n' + encodeSSE({ data: '{"n":1}' }) + encodeSSE({ data: '[DONE]' });
    expect(brief(await collect(iterateStreamItems(streamOf([text]).body, cloud))).map((i) => [i.index, i.value])).toEqual([
      [0, { n: 0 }],
      [1, { n: 1 }],
    ]);
  });

  it('throws StreamParseError naming the index and the text, after the items before it', async () => {
    const text = encodeSSE({ data: '{"n":0}' }) + encodeSSE({ data: '{"n":1}' }) + encodeSSE({ data: '{"n":2,}' }) + encodeSSE({ data: '{"n":3}' }) + encodeSSE({ data: '[DONE]' });
    const { values, error } = await collectUntilError(iterateStreamItems(streamOf([text]).body, cloud));
    expect(values.map((i) => i.value)).toEqual([{ n: 0 }, { n: 1 }]);
    expect(error).toBeInstanceOf(StreamParseError);
    expect(error).not.toBeInstanceOf(SyntaxError);
    expect(isStreamError(error)).toBe(true);
    expect(error).toMatchObject({ name: 'StreamParseError', type: 'invalid-json', index: 2, raw: '{"n":2,}' });
    expect((error as Error).cause).toBeInstanceOf(SyntaxError);
    expect((error as Error).message).toMatch(/^Stream item 2 is not valid JSON: .+; text: "\{\\"n\\":2,\}"$/);
  });

  it('names the event of an invalid item and cuts a long text in the message, not in raw', async () => {
    const raw = `{${'x'.repeat(1000)}`;
    const { error } = await collectUntilError(iterateStreamItems(streamOf([encodeSSE({ event: 'stream_event', data: raw })]).body, nlp));
    expect(error).toMatchObject({ index: 0, event: 'stream_event', raw });
    expect((error as Error).message).toContain('(event "stream_event")');
    expect((error as Error).message).toContain('… (1001 characters)');
  });

  it('throws StreamEndedEarlyError when the body ends before [DONE], after the items it carried', async () => {
    const text = encodeSSE({ data: '{"n":0}' }) + encodeSSE({ data: '{"n":1}' });
    const { values, error } = await collectUntilError(iterateStreamItems(streamOf(split(utf8(text), 5)).body, cloud));
    expect(values.map((i) => i.value)).toEqual([{ n: 0 }, { n: 1 }]);
    expect(error).toBeInstanceOf(StreamEndedEarlyError);
    expect(error).toMatchObject({ name: 'StreamEndedEarlyError', type: 'ended-early', terminator: '[DONE]', itemCount: 2 });
    expect((error as Error).message).toBe('Stream ended after 2 items without its terminator "[DONE]": the connection was cut or the server stopped early');
  });

  it('reports a body cut inside an item as ended early, with the parse error as the cause', async () => {
    const text = encodeSSE({ data: '{"n":0}' }) + 'data: {"n":1,"choi';
    const { values, error } = await collectUntilError(iterateStreamItems(streamOf([text]).body, cloud));
    expect(values.map((i) => i.value)).toEqual([{ n: 0 }]);
    expect(error).toBeInstanceOf(StreamEndedEarlyError);
    expect(error).toMatchObject({ itemCount: 1 });
    expect((error as Error).cause).toBeInstanceOf(StreamParseError);
    expect((error as Error).cause).toMatchObject({ index: 1, raw: '{"n":1,"choi' });
  });

  it('with terminatorOptional (LMI /invocations), a body may end with [DONE] or without it; a cut item is then a parse error', async () => {
    const invoke = { framing: 'sse', terminator: '[DONE]', terminatorOptional: true, status: 200 } as const;
    const items = encodeSSE({ data: '{"n":0}' }) + encodeSSE({ data: '{"n":1}' });
    for (const text of [items, items + encodeStreamEnd(invoke)]) {
      expect((await collect(iterateStreamItems(streamOf([text]).body, invoke))).map((i) => i.value)).toEqual([{ n: 0 }, { n: 1 }]);
    }
    const { error } = await collectUntilError(iterateStreamItems(streamOf([encodeSSE({ data: '{"n":0}' }) + 'data: {"n":1,"choi']).body, invoke));
    expect(error).toBeInstanceOf(StreamParseError);
  });

  it('accepts a body that ends without [DONE] right after an error event', async () => {
    const text = encodeSSE({ data: '{"n":0}' }) + encodeSSE({ event: 'error', data: '{"error":"gone"}' });
    expect(brief(await collect(iterateStreamItems(streamOf([text]).body, cloud))).map((i) => i.kind)).toEqual(['item', 'error']);
  });

  it('accepts a last event whose blank line never came', async () => {
    const text = `${encodeSSE({ data: '{"n":0}' })}data: [DONE]\n`;
    expect((await collect(iterateStreamItems(streamOf([text]).body, cloud))).map((i) => i.value)).toEqual([{ n: 0 }]);
  });

  it('throws StreamBufferLimitError for an event over maxBufferSize', async () => {
    const text = encodeSSE({ data: '{"n":0}' }) + encodeSSE({ data: JSON.stringify({ big: 'b'.repeat(10_000) }) });
    const { values, error } = await collectUntilError(iterateStreamItems(streamOf(split(utf8(text), 256)).body, cloud, { maxBufferSize: 4096 }));
    expect(values.map((i) => i.value)).toEqual([{ n: 0 }]);
    expect(error).toBeInstanceOf(StreamBufferLimitError);
  });

  it('decodes a huge item under the default limit', async () => {
    const value = { text: 'ü'.repeat(2_000_000) };
    const text = encodeStreamItem({ kind: 'item', value }, cloud) + encodeStreamEnd(cloud);
    const items = await collect(iterateStreamItems<typeof value>(streamOf(split(utf8(text), 65_536)).body, cloud));
    expect(items.map((i) => i.kind)).toEqual(['item']);
    const [first] = items;
    expect(first?.kind === 'item' && first.value.text === value.text).toBe(true);
  });
});

describe('iterateStreamItems, SSE without a terminator (SambaStudio NLP)', () => {
  it('carries event names on items and ends quietly with the body', async () => {
    const text =
      encodeStreamItem({ kind: 'item', event: 'stream_event', value: { stream_token: 'Hi' } }, nlp) +
      encodeStreamItem({ kind: 'error', value: { error: { code: 'x' } } }, nlp) +
      encodeStreamItem({ kind: 'item', event: 'end_event', value: { is_last_response: true } }, nlp);
    expect(brief(await collect(iterateStreamItems(streamOf([text]).body, nlp)))).toEqual([
      { kind: 'item', value: { stream_token: 'Hi' }, index: 0, event: 'stream_event' },
      { kind: 'error', value: { error: { code: 'x' } }, index: 1, event: 'error_event' },
      { kind: 'item', value: { is_last_response: true }, index: 2, event: 'end_event' },
    ]);
  });
});

describe('iterateStreamItems, JSON lines (SambaStudio Generic, DJL-LMI)', () => {
  const lines = [{ result: { responses: [{ stream_token: 'Hel' }] } }, { result: { responses: [{ stream_token: 'lo ✓', is_last_response: true }] } }];

  it('yields one item per line, skipping blank lines and data: prefixes, whatever the read size', async () => {
    const text = `${encodeJSONLine(lines[0])}\r\n\r\ndata: ${encodeJSONLine(lines[1])}\n`;
    for (const size of [1, 4, 1000]) {
      expect(brief(await collect(iterateStreamItems(streamOf(split(utf8(text), size)).body, lmi))), `${size}-byte reads`).toEqual([
        { kind: 'item', value: lines[0], index: 0, event: undefined },
        { kind: 'item', value: lines[1], index: 1, event: undefined },
      ]);
    }
  });

  it('takes the last line without a line end (DJL writes its error object that way)', async () => {
    const text = `${encodeJSONLine(lines[0])}{"code":424,"error":"boom"}`;
    expect((await collect(iterateStreamItems(streamOf([text]).body, lmi))).map((i) => i.value)).toEqual([lines[0], { code: 424, error: 'boom' }]);
  });

  it('throws StreamParseError with the line index and text', async () => {
    const text = `${encodeJSONLine(lines[0])}\nnot json\n${encodeJSONLine(lines[1])}`;
    const { values, error } = await collectUntilError(iterateStreamItems(streamOf([text]).body, lmi));
    expect(values.length).toBe(1);
    expect(error).toMatchObject({ name: 'StreamParseError', index: 1, raw: 'not json' });
    expect((error as Error).message).not.toContain('may have been cut');
  });

  it('says when the invalid text is the unfinished end of the body', async () => {
    const { error } = await collectUntilError(iterateStreamItems(streamOf([`${encodeJSONLine(lines[0])}{"result":{"resp`]).body, lmi));
    expect(error).toMatchObject({ name: 'StreamParseError', index: 1, raw: '{"result":{"resp' });
    expect((error as Error).message).toContain('last text of the body: it may have been cut');
  });

  it('honours a terminator line when the framing declares one', async () => {
    const framing: StreamFramingSpec = { framing: 'jsonl', terminator: '[DONE]' };
    const done = `${encodeJSONLine(lines[0])}${encodeStreamEnd(framing)}`;
    expect((await collect(iterateStreamItems(streamOf([done]).body, framing))).length).toBe(1);
    const { error } = await collectUntilError(iterateStreamItems(streamOf([encodeJSONLine(lines[0])]).body, framing));
    expect(error).toBeInstanceOf(StreamEndedEarlyError);
  });

  it('throws StreamBufferLimitError for a line over maxBufferSize', async () => {
    const { error } = await collectUntilError(iterateStreamItems(streamOf(split(utf8(`{"a":"${'a'.repeat(3000)}"}\n`), 100)).body, lmi, { maxBufferSize: 1000 }));
    expect(error).toBeInstanceOf(StreamBufferLimitError);
  });
});

describe('iterateStreamItems, stopping', () => {
  it('reads one chunk at a time, only when the items of the last one are taken', async () => {
    const { body, probe } = streamOf([encodeSSE({ data: '1' }) + encodeSSE({ data: '2' }), encodeSSE({ data: '3' }), encodeSSE({ data: '[DONE]' })]);
    const items = iterateStreamItems(body, cloud);
    expect(probe.reads).toBe(0);
    expect((await items.next()).value).toMatchObject({ value: 1 });
    expect(probe.reads).toBe(1);
    expect((await items.next()).value).toMatchObject({ value: 2 });
    expect(probe.reads).toBe(1);
    expect((await items.next()).value).toMatchObject({ value: 3 });
    expect(probe.reads).toBe(2);
    expect((await items.next()).done).toBe(true);
  });

  it('serves next() calls made before the previous one settled, in order', async () => {
    const { body } = streamOf([encodeSSE({ data: '1' }), encodeSSE({ data: '2' }), encodeSSE({ data: '[DONE]' })], { delayMs: 2 });
    const items = iterateStreamItems(body, cloud);
    const results = await Promise.all([items.next(), items.next(), items.next(), items.next()]);
    expect(results.map((r) => (r.done ? 'done' : r.value.value))).toEqual([1, 2, 'done', 'done']);
  });

  it('holds a next() call made while an earlier call reads on past a read with no whole item', async () => {
    // Each read waits for the test's go-ahead, so the second call lands while the first call's second read is pending.
    const chunks = ['data: 1', '\n\n', 'data: 2\n\n', 'data: [DONE]\n\n'];
    const gates: Array<() => void> = [];
    let pulled = () => {};
    const pull = () => new Promise<void>((resolve) => (pulled = resolve));
    const body = new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          await new Promise<void>((go) => {
            gates.push(go);
            pulled();
          });
          controller.enqueue(utf8(chunks.shift()!));
        },
      },
      { highWaterMark: 0 },
    );
    const items = iterateStreamItems(body, cloud);
    let asked = pull();
    const first = items.next();
    await asked;
    asked = pull();
    gates.shift()!(); // 'data: 1': no whole event, so the first call reads again
    await asked;
    const second = items.next();
    asked = pull();
    gates.shift()!();
    expect((await first).value).toMatchObject({ value: 1 });
    await asked;
    gates.shift()!();
    expect((await second).value).toMatchObject({ value: 2 });
  });

  it('ends quietly when return() is called while a read is pending (no ended-early error)', async () => {
    const { body, probe } = streamOf([encodeSSE({ data: '1' }), encodeSSE({ data: '2' })], { delayMs: 20 });
    const items = iterateStreamItems(body, cloud);
    const pending = items.next();
    await sleep(5);
    await items.return!();
    await expect(pending).resolves.toEqual({ done: true, value: undefined });
    expect(probe.cancelled).toBe(true);
  });

  it('cancels the body when the loop breaks', async () => {
    const { body, probe } = streamOf([encodeSSE({ data: '1' }), encodeSSE({ data: '2' }), encodeSSE({ data: '[DONE]' })]);
    for await (const item of iterateStreamItems(body, cloud)) if (item.value === 1) break;
    expect(probe.cancelled).toBe(true);
    expect(probe.reads).toBe(1);
  });

  it('stops on abort while a read is pending: throws the signal reason and cancels the body at once', async () => {
    // Two chunks, then a read that would take 10 s.
    const chunks = [encodeSSE({ data: '0' }), encodeSSE({ data: '1' })];
    let cancelReason: unknown;
    const body = new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          const next = chunks.shift();
          if (next === undefined) await sleep(10_000);
          else controller.enqueue(utf8(next));
        },
        cancel(reason) {
          cancelReason = reason;
        },
      },
      { highWaterMark: 0 },
    );
    const controller = new AbortController();
    const got: unknown[] = [];
    const reason = new Error('user stopped');
    const run = (async () => {
      for await (const item of iterateStreamItems(body, cloud, { signal: controller.signal })) {
        got.push(item.value);
        if (got.length === 2) setTimeout(() => controller.abort(reason), 5);
      }
    })();
    const started = Date.now();
    await expect(run).rejects.toBe(reason);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(got).toEqual([0, 1]);
    expect(cancelReason).toBe(reason);
  }, 5000);

  it('stops on abort between chunks of a slow body', async () => {
    const { body, probe } = streamOf(Array.from({ length: 50 }, (_, i) => encodeSSE({ data: String(i) })), { delayMs: 20 });
    const controller = new AbortController();
    const got: unknown[] = [];
    const run = (async () => {
      for await (const item of iterateStreamItems(body, cloud, { signal: controller.signal })) {
        got.push(item.value);
        if (got.length === 3) controller.abort();
      }
    })();
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(got).toEqual([0, 1, 2]);
    expect(probe.cancelled).toBe(true);
  });

  it('stops on abort even when the source is an iterator stuck in next(), and calls its return()', async () => {
    let returned = false;
    const stuck: AsyncIterable<string> = {
      [Symbol.asyncIterator]: () => {
        let sent = false;
        return {
          next: () => {
            if (sent) return new Promise<IteratorResult<string>>(() => {});
            sent = true;
            return Promise.resolve({ done: false, value: encodeSSE({ data: '{"n":0}' }) });
          },
          return: async () => {
            returned = true;
            return { done: true, value: undefined };
          },
        };
      },
    };
    const controller = new AbortController();
    const items = iterateStreamItems(stuck, cloud, { signal: controller.signal });
    expect((await items.next()).value).toMatchObject({ value: { n: 0 } });
    const pending = items.next();
    await sleep(5);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(returned).toBe(true);
  });

  it('throws at once for a signal aborted before the first read, without reading', async () => {
    const { body, probe } = streamOf([encodeSSE({ data: '1' })]);
    const items = iterateStreamItems(body, cloud, { signal: AbortSignal.abort() });
    await expect(items.next()).rejects.toMatchObject({ name: 'AbortError' });
    expect(probe.reads).toBe(0);
    expect(probe.cancelled).toBe(true);
  });
});

describe('iterateStreamItems, framing', () => {
  it('refuses a framing it does not know instead of guessing', () => {
    expect(() => iterateStreamItems(streamOf([]).body, { framing: 'ndjson' } as unknown as StreamFramingSpec)).toThrow('Unknown stream framing "ndjson": expected "sse" or "jsonl"');
  });
});

describe('createStreamItemsDecoder', () => {
  it('calls onItem for each item as chunks are fed, and for the items before an error', () => {
    const got: unknown[] = [];
    const decoder = createStreamItemsDecoder(cloud, { onItem: (item) => got.push(item.value) });
    decoder.feed('data: {"n":0}\n\ndata: {"n"');
    expect(got).toEqual([{ n: 0 }]);
    expect(() => decoder.feed(':1}\n\ndata: oops\n\n')).toThrow(StreamParseError);
    expect(got).toEqual([{ n: 0 }, { n: 1 }]);
    expect(decoder.stopped).toBe(true);
  });

  it('throws StreamEndedEarlyError from end() without the terminator, and not with it', () => {
    const cut = createStreamItemsDecoder(cloud, { onItem: () => {} });
    cut.feed(encodeSSE({ data: '{}' }));
    expect(() => cut.end()).toThrow(StreamEndedEarlyError);
    const whole = createStreamItemsDecoder(cloud, { onItem: () => {} });
    whole.feed(encodeSSE({ data: '{}' }) + encodeStreamEnd(cloud));
    expect(whole.stopped).toBe(true);
    expect(() => whole.end()).not.toThrow();
  });
});
