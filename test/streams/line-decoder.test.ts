import { describe, expect, it } from 'vitest';
import { LineDecoder, StreamBufferLimitError, isStreamError } from '../../src/streams/index.js';
import { split, utf8 } from './helpers.js';

/** All lines of the chunks, flush included. */
function linesOf(chunks: Array<string | Uint8Array>, options?: ConstructorParameters<typeof LineDecoder>[0]): string[] {
  const decoder = new LineDecoder(options);
  const lines: string[] = [];
  for (const chunk of chunks) lines.push(...decoder.decode(chunk));
  lines.push(...decoder.flush());
  return lines;
}

describe('LineDecoder', () => {
  it('splits at LF, CR and CRLF and keeps empty lines', () => {
    expect(linesOf(['a\nb\rc\r\nd\n\ne\r\r\nf'])).toEqual(['a', 'b', 'c', 'd', '', 'e', '', 'f']);
  });

  it('returns completed lines from decode() and the unfinished one only from flush()', () => {
    const decoder = new LineDecoder();
    expect(decoder.decode('one\ntw')).toEqual(['one']);
    expect(decoder.decode('o')).toEqual([]);
    expect(decoder.decode('\nthr')).toEqual(['two']);
    expect(decoder.flush()).toEqual(['thr']);
    expect(decoder.flush()).toEqual([]);
  });

  it('counts a CRLF split across two chunks as one line end, and ends the line at the CR at once', () => {
    const decoder = new LineDecoder();
    expect(decoder.decode('a\r')).toEqual(['a']);
    expect(decoder.decode('\nb\r')).toEqual(['b']);
    expect(decoder.decode('\r\n')).toEqual(['']);
    expect(decoder.decode('c\n')).toEqual(['c']);
    expect(decoder.flush()).toEqual([]);
  });

  it('does not swallow the character after a lone CR at the end of a chunk', () => {
    const decoder = new LineDecoder();
    expect(decoder.decode('a\r')).toEqual(['a']);
    expect(decoder.decode('b\n')).toEqual(['b']);
    expect(decoder.decode('\r')).toEqual(['']);
    expect(decoder.decode('\n')).toEqual([]);
    expect(decoder.decode('\n')).toEqual(['']);
  });

  it('gives the same lines for every way of cutting the bytes in two (CR, CRLF, multibyte)', () => {
    const text = 'héllo\r\nwörld\r日本語\n🎉 party\r\n\r\nend';
    const expected = ['héllo', 'wörld', '日本語', '🎉 party', '', 'end'];
    const bytes = utf8(text);
    for (let cut = 0; cut <= bytes.length; cut++) {
      expect(linesOf([bytes.subarray(0, cut), bytes.subarray(cut)]), `cut at byte ${cut}`).toEqual(expected);
    }
  });

  it('keeps multibyte characters whole when fed one byte at a time', () => {
    const text = 'ünïcödé ✓\n日本語のテキスト\n😀😃😄\n';
    expect(linesOf(split(utf8(text), 1))).toEqual(['ünïcödé ✓', '日本語のテキスト', '😀😃😄']);
  });

  it('drops a UTF-8 BOM at the start, in bytes (also split byte by byte) or as a string, and only there', () => {
    const withBom = new Uint8Array([0xef, 0xbb, 0xbf, ...utf8('a\n\ufeffb\n')]);
    expect(linesOf([withBom])).toEqual(['a', '\ufeffb']);
    expect(linesOf(split(withBom, 1))).toEqual(['a', '\ufeffb']);
    expect(linesOf(['\ufeffa\n'])).toEqual(['a']);
    expect(linesOf(['', '\ufeff', 'a\n'])).toEqual(['a']);
  });

  it('decodes an incomplete character at the very end as U+FFFD on flush', () => {
    const bytes = utf8('ok\n€');
    expect(linesOf([bytes.subarray(0, bytes.length - 1)])).toEqual(['ok', '\ufffd']);
  });

  it('assembles a huge line from many chunks', () => {
    const big = 'x'.repeat(1_500_000);
    const lines = linesOf(split(utf8(`${big}\nnext\n`), 65_536));
    expect(lines.length).toBe(2);
    expect(lines[0]!.length).toBe(1_500_000);
    expect(lines[1]).toBe('next');
  });

  it('throws a typed error when an unfinished line passes maxLineLength', () => {
    const decoder = new LineDecoder({ maxLineLength: 10 });
    expect(decoder.decode('0123456789\n')).toEqual(['0123456789']);
    expect(decoder.decode('01234')).toEqual([]);
    let error: unknown;
    try {
      decoder.decode('567890');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StreamBufferLimitError);
    expect(isStreamError(error)).toBe(true);
    expect(error).toMatchObject({ name: 'StreamBufferLimitError', type: 'buffer-limit-exceeded', limit: 10 });
    expect((error as Error).message).toMatch(/line exceeded the buffer limit of 10 characters/);
  });

  it('throws the typed error for a completed line over the limit too', () => {
    expect(() => linesOf(['short\n', 'much too long\n'], { maxLineLength: 8 })).toThrow(StreamBufferLimitError);
  });
});
