import { describe, expect, it } from 'vitest';
import { JSONLDecoder, StreamBufferLimitError, StreamEncodeError, encodeJSONLine, iterateJSONL, jsonLinePayload } from '../../src/streams/index.js';
import { byteByByte, collect, collectUntilError, split, streamOf, utf8 } from './helpers.js';

const values = [{ token: { id: 1, text: 'Hel' } }, { token: { id: 2, text: 'lo\nwörld 🎉' } }, { generated_text: 'Hello', details: { finish_reason: 'length' } }];
const texts = values.map((v) => JSON.stringify(v));
const wire = values.map(encodeJSONLine).join('');

describe('encodeJSONLine', () => {
  it('writes one line per value: line breaks inside strings stay escaped', () => {
    expect(encodeJSONLine({ a: 'x\ny\r' })).toBe('{"a":"x\\ny\\r"}\n');
    expect(wire.split('\n')).toEqual([...texts, '']);
  });

  it.each([
    ['undefined', undefined],
    ['a function', () => 1],
    ['a BigInt', { n: 1n }],
  ])('rejects %s with a typed error', (_name, value) => {
    let error: unknown;
    try {
      encodeJSONLine(value);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StreamEncodeError);
    expect(error).toMatchObject({ name: 'StreamEncodeError', type: 'not-serializable', field: 'value' });
  });

  it('rejects a cycle with the JSON error as the cause', () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => encodeJSONLine(cycle)).toThrow(/cannot be written as JSON: .*circular/i);
  });
});

describe('jsonLinePayload', () => {
  it.each([
    ['', undefined],
    ['   ', undefined],
    ['\t', undefined],
    ['data: ', undefined],
    ['data:', undefined],
    ['{"a":1}', '{"a":1}'],
    ['data: {"a":1}', '{"a":1}'],
    ['data:{"a":1}', '{"a":1}'],
    ['  {"a":1}', '  {"a":1}'],
  ])('%j -> %j', (line, payload) => {
    expect(jsonLinePayload(line)).toBe(payload);
  });
});

describe('iterateJSONL', () => {
  it('decodes what encodeJSONLine wrote, in any read size', async () => {
    expect(await collect(iterateJSONL(streamOf([wire]).body))).toEqual(texts);
    for (const size of [1, 3, 16]) expect(await collect(iterateJSONL(streamOf(split(utf8(wire), size)).body)), `${size}-byte reads`).toEqual(texts);
  });

  it('skips blank lines, strips data: prefixes and accepts CRLF, byte by byte', async () => {
    const text = `\r\n${texts[0]}\r\n\r\ndata: ${texts[1]}\r\n\r\ndata:${texts[2]}\r\n`;
    expect(await collect(iterateJSONL(byteByByte(text)))).toEqual(texts);
  });

  it('accepts a last line without a line end and an empty last line (DJL async vLLM)', async () => {
    expect(await collect(iterateJSONL(streamOf([`${texts[0]}\n${texts[1]}`]).body))).toEqual(texts.slice(0, 2));
    expect(await collect(iterateJSONL(streamOf([`${texts[0]}\n`, '\n']).body))).toEqual(texts.slice(0, 1));
  });

  it('drops a BOM at the start', async () => {
    expect(await collect(iterateJSONL(streamOf([new Uint8Array([0xef, 0xbb, 0xbf]), wire]).body))).toEqual(texts);
  });

  it('throws StreamBufferLimitError for a line longer than maxLineLength', async () => {
    const { values: got, error } = await collectUntilError(iterateJSONL(streamOf([`${texts[0]}\n`, `{"long":"${'z'.repeat(500)}"}\n`]).body, { maxLineLength: 100 }));
    expect(got).toEqual([texts[0]]);
    expect(error).toBeInstanceOf(StreamBufferLimitError);
  });
});

describe('JSONLDecoder', () => {
  it('returns the texts a chunk completes and the last one on flush', () => {
    const decoder = new JSONLDecoder();
    expect(decoder.decode('{"a":1}\n\ndata: {"b"')).toEqual(['{"a":1}']);
    expect(decoder.decode(':2}\r')).toEqual(['{"b":2}']);
    expect(decoder.decode('\n{"c":3}')).toEqual([]);
    expect(decoder.flush()).toEqual(['{"c":3}']);
  });
});
