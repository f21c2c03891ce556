import { describe, expect, it } from 'vitest';
import {
  StreamBufferLimitError,
  StreamEncodeError,
  createSSEDecoder,
  encodeSSE,
  encodeSSEComment,
  iterateSSE,
  type SSEMessageInit,
  type ServerSentEvent,
} from '../../src/streams/index.js';
import { byteByByte, collect, collectUntilError, sleep, split, streamOf, utf8 } from './helpers.js';

const plain = (events: ServerSentEvent[]) => events.map(({ event, data, id }) => ({ event, data, id }));

const messages: SSEMessageInit[] = [
  { data: '{"choices":[{"delta":{"content":"Hel"}}]}' },
  { event: 'error_event', data: '{"error":{"code":"overloaded"}}' },
  { id: '42', data: 'line one\nline two' },
  { data: ' starts with a space' },
  { event: 'stream_event', id: 'x-1', data: '"ünïcödé 日本 🎉"' },
  { data: '[DONE]' },
];
const expected = [
  { event: undefined, data: '{"choices":[{"delta":{"content":"Hel"}}]}', id: undefined },
  { event: 'error_event', data: '{"error":{"code":"overloaded"}}', id: undefined },
  { event: undefined, data: 'line one\nline two', id: '42' },
  { event: undefined, data: ' starts with a space', id: undefined },
  { event: 'stream_event', data: '"ünïcödé 日本 🎉"', id: 'x-1' },
  { event: undefined, data: '[DONE]', id: undefined },
];
const wire = messages.map(encodeSSE).join('');

describe('encodeSSE', () => {
  it('writes event, id, retry and data fields and the blank line', () => {
    expect(encodeSSE({ data: '{"a":1}' })).toBe('data: {"a":1}\n\n');
    expect(encodeSSE({ event: 'error', id: '7', retry: 1500, data: 'x' })).toBe('event: error\nid: 7\nretry: 1500\ndata: x\n\n');
  });

  it('writes multi-line data as one data: line per line, whatever the line ends', () => {
    expect(encodeSSE({ data: 'a\nb\r\nc\rd' })).toBe('data: a\ndata: b\ndata: c\ndata: d\n\n');
    expect(encodeSSE({ data: '' })).toBe('data: \n\n');
    expect(encodeSSE({ data: 'end\n' })).toBe('data: end\ndata: \n\n');
  });

  it.each([
    ['event', { data: 'x', event: 'bad\nname' }],
    ['event', { data: 'x', event: 'bad\rname' }],
    ['id', { data: 'x', id: '1\r\n2' }],
    ['id', { data: 'x', id: 'nul\0' }],
    ['retry', { data: 'x', retry: -1 }],
    ['retry', { data: 'x', retry: 1.5 }],
  ] as const)('rejects an invalid %s with a typed error', (field, message) => {
    let error: unknown;
    try {
      encodeSSE(message);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StreamEncodeError);
    expect(error).toMatchObject({ name: 'StreamEncodeError', type: 'invalid-field', field });
    expect((error as Error).message).toContain(`SSE ${field}`);
  });

  it('writes comments that decoders skip', async () => {
    expect(encodeSSEComment('keep-alive')).toBe(': keep-alive\n\n');
    expect(encodeSSEComment()).toBe(':\n\n');
    const comments: string[] = [];
    const events = await collect(iterateSSE(streamOf([encodeSSEComment('ping') + encodeSSE({ data: '1' }) + encodeSSEComment('a\nb')]).body, { onComment: (c) => comments.push(c) }));
    expect(plain(events)).toEqual([{ event: undefined, data: '1', id: undefined }]);
    expect(comments).toEqual(['ping', 'a', 'b']);
  });
});

describe('iterateSSE', () => {
  it('decodes what encodeSSE wrote, in one chunk', async () => {
    expect(plain(await collect(iterateSSE(streamOf([wire]).body)))).toEqual(expected);
  });

  it.each([1, 2, 3, 7, 64])('decodes the same events from %i-byte reads (multibyte characters split)', async (size) => {
    expect(plain(await collect(iterateSSE(streamOf(split(utf8(wire), size)).body)))).toEqual(expected);
  });

  it.each([
    ['CRLF', '\r\n'],
    ['CR', '\r'],
  ])('decodes the same events with %s line ends, also fed byte by byte', async (_name, eol) => {
    const text = wire.replaceAll('\n', eol);
    expect(plain(await collect(iterateSSE(streamOf([text]).body)))).toEqual(expected);
    expect(plain(await collect(iterateSSE(byteByByte(text))))).toEqual(expected);
  });

  it('drops a BOM at the start of the body, even split byte by byte', async () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...utf8(wire)]);
    expect(plain(await collect(iterateSSE(streamOf(split(bytes, 1)).body)))).toEqual(expected);
    expect(plain(await collect(iterateSSE(streamOf([`\ufeff${wire}`]).body)))).toEqual(expected);
  });

  it('reads async iterables of strings or of bytes (a Node stream) with delays between chunks', async () => {
    async function* slowText() {
      for (let i = 0; i < wire.length; i += 5) {
        await sleep(1);
        yield wire.slice(i, i + 5);
      }
    }
    async function* slowBytes() {
      for (const piece of split(utf8(wire), 5)) {
        await sleep(1);
        yield piece;
      }
    }
    expect(plain(await collect(iterateSSE(slowText())))).toEqual(expected);
    expect(plain(await collect(iterateSSE(slowBytes())))).toEqual(expected);
  });

  it('reads a ReadableStream whose chunks arrive with delays', async () => {
    const { body } = streamOf(split(utf8(wire), 9), { delayMs: 2 });
    expect(plain(await collect(iterateSSE(body)))).toEqual(expected);
  });

  it('decodes a huge event fed in 256-byte reads', async () => {
    const big = JSON.stringify({ text: 'ab€'.repeat(700_000) });
    const events = await collect(iterateSSE(streamOf(split(utf8(encodeSSE({ data: big }) + encodeSSE({ data: 'after' })), 256)).body));
    expect(events.length).toBe(2);
    expect(events[0]!.data.length).toBe(big.length);
    expect(events[0]!.data === big).toBe(true);
    expect(events[1]!.data).toBe('after');
  });

  it('delivers a last event whose blank line never came, and one cut in mid-line', async () => {
    expect(plain(await collect(iterateSSE(streamOf(['data: 1\n\ndata: 2\n']).body)))).toEqual([
      { event: undefined, data: '1', id: undefined },
      { event: undefined, data: '2', id: undefined },
    ]);
    expect(plain(await collect(iterateSSE(streamOf(['data: 1\n\ndata: {"cut', '']).body))).map((e) => e.data)).toEqual(['1', '{"cut']);
  });

  it('reports retry, ignored lines and comments through callbacks, never as events', async () => {
    const seen: string[] = [];
    const events = await collect(
      iterateSSE(streamOf(['retry: 3000\nretry: soon\nfoo: bar\n: hi\ndata: x\n\n']).body, {
        onRetry: (ms) => seen.push(`retry ${ms}`),
        onIgnoredLine: (line, reason) => seen.push(`${reason} ${line}`),
        onComment: (c) => seen.push(`comment ${c}`),
      }),
    );
    expect(plain(events)).toEqual([{ event: undefined, data: 'x', id: undefined }]);
    expect(seen).toEqual(['retry 3000', 'invalid-retry retry: soon', 'unknown-field foo: bar', 'comment hi']);
  });

  it('keeps the raw text of each event for error reports', async () => {
    const [event] = await collect(iterateSSE(streamOf(['event: error_event\r\nid: 9\r\ndata: a\r\ndata: b\r\n\r\n']).body));
    expect(event!.raw).toBe('event: error_event\nid: 9\ndata: a\ndata: b\n\n');
  });

  it('throws StreamBufferLimitError for an event larger than maxBufferSize, after the events before it', async () => {
    const { values, error } = await collectUntilError(iterateSSE(streamOf([encodeSSE({ data: 'small' }), `data: ${'y'.repeat(5000)}`]).body, { maxBufferSize: 1000 }));
    expect(values.map((e) => e.data)).toEqual(['small']);
    expect(error).toBeInstanceOf(StreamBufferLimitError);
    expect(error).toMatchObject({ type: 'buffer-limit-exceeded', limit: 1000 });
  });

  it('cancels the body when the consumer stops early', async () => {
    const { body, probe } = streamOf([encodeSSE({ data: '1' }), encodeSSE({ data: '2' }), encodeSSE({ data: '3' })]);
    for await (const event of iterateSSE(body)) if (event.data === '1') break;
    expect(probe.cancelled).toBe(true);
    expect(probe.reads).toBe(1);
  });
});

describe('createSSEDecoder', () => {
  it('calls onEvent synchronously, per completed event, across feeds and at end()', () => {
    const got: string[] = [];
    const decoder = createSSEDecoder({ onEvent: (e) => got.push(`${e.event ?? '-'}:${e.data}`) });
    decoder.feed('event: a\ndata: 1\n');
    expect(got).toEqual([]);
    decoder.feed(utf8('\ndata: 2'));
    expect(got).toEqual(['a:1']);
    decoder.end();
    expect(got).toEqual(['a:1', '-:2']);
    decoder.reset();
    decoder.feed('\ufeffdata: 3\n\n');
    expect(got).toEqual(['a:1', '-:2', '-:3']);
  });
});
