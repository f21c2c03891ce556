/**
 * sambakit's own SSE parser against eventsource-parser as the oracle: random event streams built
 * from the pieces the WHATWG algorithm cares about (every line end, fields with and without colon
 * and space, multi-line data, comments, `retry`, `id` with NUL, unknown fields, multibyte text),
 * fed to ours in any split of their text or of their UTF-8 bytes, give the same events, retries,
 * comments and ignored lines in the same order as eventsource-parser fed the text whole.
 */
import { createParser } from 'eventsource-parser';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SSEParser } from '../../src/streams/internal/sse-parser.js';
import { createSSEDecoder } from '../../src/streams/sse-decoder.js';
import { utf8 } from './helpers.js';

type Entry = readonly unknown[];

/** What eventsource-parser reports for `text`, the body ending after it (a cut last line and event are completed, as ours does at end()). */
function oracle(text: string): Entry[] {
  const log: Entry[] = [];
  const parser = createParser({
    onEvent: (e) => log.push(['event', e.data, e.event, e.id]),
    onRetry: (ms) => log.push(['retry', ms]),
    onComment: (c) => log.push(['comment', c]),
    onError: (error) => log.push(['ignored', error.type, error.line]),
  });
  parser.feed(text);
  parser.feed('\n\n');
  return log;
}

/** Ours through the public decoder, which reads `retry` and reports the lines WHATWG ignores on the parser's behalf. */
function ours(chunks: Array<string | Uint8Array>): Entry[] {
  const log: Entry[] = [];
  const parser = createSSEDecoder({
    onEvent: ({ data, event, id }) => log.push(['event', data, event, id]),
    onRetry: (ms) => log.push(['retry', ms]),
    onComment: (c) => log.push(['comment', c]),
    onIgnoredLine: (line, reason) => log.push(['ignored', reason, line]),
  });
  for (const chunk of chunks) parser.feed(chunk);
  parser.end();
  return log;
}

const lineEnd = fc.constantFrom('\n', '\r', '\r\n');
const word = fc.constantFrom('', 'x', '{"a":1}', ' two  spaces', 'ü日🎉', '[DONE]', 'a:b', '\0', ':');
const field = fc.constantFrom('data', 'event', 'id', 'retry', 'foo', 'Data', 'dat', '', 'data ');
const line = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(field, fc.constantFrom(':', ': ', ':  ', ''), word).map(([name, colon, value]) => `${name}${colon}${value}`) },
  { weight: 1, arbitrary: fc.constantFrom('retry: 1500', 'retry:007', 'retry: 1.5', 'retry:', 'id: 7', 'event: error_event', ':', ': keep-alive', '') },
);
/** A body: lines with random line ends, maybe cut in its last line. */
const body = fc.tuple(fc.array(fc.tuple(line, lineEnd), { maxLength: 30 }), fc.option(line)).map(([lines, cut]) => lines.map(([l, end]) => l + end).join('') + (cut ?? ''));

/** `whole` cut at the given (sorted, deduplicated) positions. */
function cutAt<T extends string | Uint8Array>(whole: T, positions: number[]): T[] {
  const at = [...new Set(positions.map((p) => Math.min(p, whole.length)))].sort((a, b) => a - b);
  const pieces: T[] = [];
  let from = 0;
  for (const p of [...at, whole.length]) {
    pieces.push(whole.slice(from, p) as T);
    from = p;
  }
  return pieces;
}

describe('SSEParser against eventsource-parser', () => {
  it('gives the same events, retries, comments and ignored lines for any split of the text', () => {
    fc.assert(
      fc.property(body, fc.array(fc.nat(400), { maxLength: 12 }), (text, positions) => {
        expect(ours(cutAt(text, positions))).toEqual(oracle(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('gives the same for any split of the UTF-8 bytes, multibyte characters cut included', () => {
    fc.assert(
      fc.property(body, fc.array(fc.nat(600), { maxLength: 12 }), (text, positions) => {
        expect(ours(cutAt(utf8(text), positions))).toEqual(oracle(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('gives the same one character at a time', () => {
    fc.assert(
      fc.property(body, (text) => {
        expect(ours([...text])).toEqual(oracle(text));
      }),
      { numRuns: 300 },
    );
  });

  it('dispatches an event ended by a CR at once, without waiting for the next chunk', () => {
    const log: Entry[] = [];
    const parser = new SSEParser({ onEvent: (data) => log.push([data]) });
    parser.feed('data: 1\r\r');
    expect(log).toEqual([['1']]);
    parser.feed('\ndata: 2\r\n\r\n');
    expect(log).toEqual([['1'], ['2']]);
  });

  it('holds a long line in pieces and parses it once its end comes', () => {
    const log: Entry[] = [];
    const parser = new SSEParser({ onEvent: (data) => log.push([data.length]) });
    parser.feed('data: ');
    for (let i = 0; i < 10_000; i++) parser.feed('abcdefghij');
    expect(log).toEqual([]);
    parser.feed('\n\n');
    expect(log).toEqual([[100_000]]);
  });
});
