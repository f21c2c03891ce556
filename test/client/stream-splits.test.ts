/**
 * Property tests (fast-check) of the client's stream decoding: whatever the reads a body arrives in
 * (split anywhere, multibyte characters cut in two), the client yields the same items; SSE with
 * LF, CR or CRLF line ends, multi-line data, comments and keep-alives; JSON lines with or without a
 * final line end; an in-stream error event after the items; a body cut before its end. What a stream
 * keeps (`received`, `StreamError.items`) is decoded again from its bytes: it must equal what was
 * handed out, however the reads fell.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CallTimer } from '../../src/client/call-timer.js';
import { ItemStream, StreamError } from '../../src/client/index.js';
import type { PayloadValidator } from '../../src/client/options.js';
import type { StreamFramingSpec } from '../../src/streams/index.js';
import { jsonlItemDecoder, sseItemDecoder } from '../../src/streams/stream-items.js';

/** A real Response whose body arrives in the given reads. */
function responseOf(bytes: Uint8Array, cuts: number[]): Response {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const reads: Uint8Array[] = [];
  let start = 0;
  for (const point of [...points, bytes.length]) {
    reads.push(bytes.slice(start, point));
    start = point;
  }
  return new Response(new ReadableStream({ pull: (c) => (reads.length ? c.enqueue(reads.shift()!) : c.close()) }));
}

function streamOf<T>(response: Response, framing: StreamFramingSpec, isFinal?: (item: T) => boolean, validator?: PayloadValidator): ItemStream<T> {
  const answer = { response, timer: new CallTimer(undefined, Infinity, Infinity), requestId: 'r', operationId: 'op' };
  const validate = validator ? 'throw' : 'off';
  const decoder = framing.framing === 'sse' ? sseItemDecoder : jsonlItemDecoder;
  return new ItemStream<T>({ answer, framing, decoder, mediaType: 'x', validate, validator, hooks: undefined, apiKey: undefined, keepItems: true, isFinal });
}

async function collect<T>(stream: ItemStream<T>): Promise<{ items: T[]; error?: unknown }> {
  const items: T[] = [];
  try {
    for await (const item of stream) items.push(item);
    return { items };
  } catch (error) {
    return { items, error };
  }
}

// Text with multibyte characters (2-, 3- and 4-byte UTF-8), quotes and newlines inside JSON strings.
const text = fc.string({ unit: fc.constantFrom('a', 'é', '€', '𝄞', '"', '\n', ' ', '\\', ':'), maxLength: 12 });
const values = fc.array(fc.record({ i: fc.nat(), content: text }), { minLength: 1, maxLength: 12 });
const eol = fc.constantFrom('\n', '\r', '\r\n');
const cuts = fc.array(fc.nat(), { maxLength: 40 });
const encode = (s: string) => new TextEncoder().encode(s);

const sse: StreamFramingSpec = { framing: 'sse', terminator: '[DONE]', errorEvents: ['error', 'error_event'] };

/** SSE text of the values: random line ends, some data split over several `data:` lines (JSON allows a newline between tokens), comments and keep-alives between events. */
function sseText(items: Array<{ i: number; content: string }>, end: string, noise: boolean[]): string {
  return items
    .map((value, n) => {
      const json = JSON.stringify(value);
      const lines = noise[n] ? json.replace(',', `,${end}data: `) : json;
      const extra = noise[n] ? `: keep-alive${end}${end}` : '';
      return `${extra}data: ${lines}${end}${end}`;
    })
    .join('');
}

describe('any split of a byte stream into reads yields the same items', () => {
  it('SSE, terminated by [DONE]', async () => {
    await fc.assert(
      fc.asyncProperty(values, eol, fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }), cuts, async (items, end, noise, at) => {
        const body = encode(`${sseText(items, end, noise)}data: [DONE]${end}${end}`);
        const { items: got, error } = await collect(streamOf(responseOf(body, at), sse));
        expect(error).toBeUndefined();
        expect(got).toEqual(items);
      }),
      { numRuns: 300 },
    );
  });

  it('SSE with an error event after the items: StreamError "error-event" holding them all', async () => {
    await fc.assert(
      fc.asyncProperty(values, eol, fc.constantFrom('error', 'error_event'), cuts, async (items, end, name, at) => {
        const body = encode(`${sseText(items, end, [])}event: ${name}${end}data: {"error":{"message":"boom €"}}${end}${end}`);
        const { items: got, error } = await collect(streamOf(responseOf(body, at), sse));
        expect(got).toEqual(items);
        expect(error).toBeInstanceOf(StreamError);
        expect(error).toMatchObject({ failure: 'error-event', items, body: { error: { message: 'boom €' } } });
      }),
      { numRuns: 200 },
    );
  });

  it('SSE cut anywhere before [DONE]: StreamError "truncated" or "malformed-item", never a short answer', async () => {
    await fc.assert(
      fc.asyncProperty(values, fc.nat(), cuts, async (items, cutAt, at) => {
        const whole = encode(`${sseText(items, '\n', [])}data: [DONE]\n\n`);
        const cut = whole.slice(0, cutAt % (whole.length - 'data: [DONE]\n\n'.length));
        const { items: got, error } = await collect(streamOf(responseOf(cut, at), sse));
        expect(error).toBeInstanceOf(StreamError);
        expect(['truncated', 'malformed-item']).toContain((error as StreamError).failure);
        expect((error as StreamError).items).toEqual(got);
        expect(items.slice(0, got.length)).toEqual(got);
      }),
      { numRuns: 200 },
    );
  });

  it('JSON lines, with or without a line end after the last (LMI writes its last line without one)', async () => {
    await fc.assert(
      fc.asyncProperty(values, fc.constantFrom('\n', '\r\n'), fc.boolean(), cuts, async (items, end, lastEnd, at) => {
        const lines = items.map((v) => JSON.stringify(v)).join(end) + (lastEnd ? end : '');
        const isFinal = (item: { i: number }) => item === items[items.length - 1] || item.i === items[items.length - 1]!.i;
        const stream = streamOf(responseOf(encode(lines), at), { framing: 'jsonl' }, isFinal);
        const { items: got, error } = await collect(stream);
        expect(error).toBeUndefined();
        expect(got).toEqual(items);
        expect(stream.received).toEqual(items);
      }),
      { numRuns: 300 },
    );
  });

  it('JSON lines that end before the final item: StreamError "truncated"', async () => {
    const items = [{ n: 1, last: false }, { n: 2, last: false }, { n: 3, last: true }];
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 2 }), cuts, async (keep, at) => {
        const body = encode(items.slice(0, keep).map((v) => `${JSON.stringify(v)}\n`).join(''));
        const { items: got, error } = await collect(streamOf<{ last: boolean }>(responseOf(body, at), { framing: 'jsonl' }, (item) => item.last));
        expect(error).toMatchObject({ name: 'StreamError', failure: 'truncated' });
        expect(got).toEqual(items.slice(0, keep));
      }),
      { numRuns: 50 },
    );
  });

  it('received, read between items, holds every item handed out so far, and all of them at the end', async () => {
    await fc.assert(
      fc.asyncProperty(values, eol, fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }), cuts, async (items, end, noise, at) => {
        const stream = streamOf(responseOf(encode(`${sseText(items, end, noise)}data: [DONE]${end}${end}`), at), sse);
        const got: unknown[] = [];
        for await (const item of stream) {
          got.push(item);
          // Items of the same read may be decoded and counted before they are handed out.
          expect(stream.received.length).toBe(stream.receivedCount);
          expect(stream.received.slice(0, got.length)).toEqual(got);
        }
        expect(stream.received).toEqual(items);
        expect(stream.receivedCount).toBe(items.length);
      }),
      { numRuns: 200 },
    );
  });

  it('received holds every item across kept blocks: small reads copied into blocks, large reads kept as they are, asked for at any time', async () => {
    // Items up to ~40 KB, so a body spans several 64-KiB blocks and reads range from a few bytes to well over 16 KiB.
    const big = fc.array(fc.record({ i: fc.nat(), size: fc.nat({ max: 40_000 }) }), { minLength: 1, maxLength: 12 });
    const anyCut = fc.array(fc.nat({ max: 500_000 }), { maxLength: 60 });
    await fc.assert(
      fc.asyncProperty(big, anyCut, fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }), async (sizes, at, ask) => {
        const items = sizes.map(({ i, size }) => ({ i, content: 'é'.repeat(size % 7) + 'x'.repeat(size) }));
        const stream = streamOf(responseOf(encode(`${sseText(items, '\n', [])}data: [DONE]\n\n`), at), sse);
        const got: unknown[] = [];
        for await (const item of stream) {
          got.push(item);
          if (ask[got.length - 1]) expect(stream.received.slice(0, got.length)).toEqual(got);
        }
        expect(stream.received).toEqual(items);
      }),
      { numRuns: 40 },
    );
  });

  it('an invalid item (validate: "throw") among others of the same read: StreamError.items holds exactly the items before it', async () => {
    await fc.assert(
      fc.asyncProperty(values, fc.nat(), cuts, fc.boolean(), async (items, badAt, at, jsonl) => {
        const bad = badAt % items.length;
        const rejectBad: PayloadValidator = (_target, value) => ((value as { bad?: boolean }).bad ? ['/bad: not allowed'] : undefined);
        const sent = items.map((v, n) => (n === bad ? { ...v, bad: true } : v));
        const body = jsonl ? sent.map((v) => `${JSON.stringify(v)}\n`).join('') : `${sseText(sent, '\n', [])}data: [DONE]\n\n`;
        const { items: got, error } = await collect(streamOf(responseOf(encode(body), at), jsonl ? { framing: 'jsonl' } : sse, undefined, rejectBad));
        expect(error).toMatchObject({ name: 'StreamError', failure: 'invalid-item' });
        expect(got).toEqual(items.slice(0, bad));
        expect((error as StreamError).items).toEqual(items.slice(0, bad));
      }),
      { numRuns: 200 },
    );
  });
});
