/**
 * The checked copy of a body is read as the target meant it: a gzip, deflate or brotli body (a real
 * host compresses when the client accepts it) is decoded for the checks, while the client gets the
 * bytes as they came. What a body inflates to is capped (the check limit): a small compressed body
 * can inflate to gigabytes (a compression bomb), which must cost the proxy neither memory nor its
 * event loop; past the cap the body is not checked, and still goes on unchanged.
 * @module
 */
import type { Transform } from 'node:stream';
import { brotliDecompressSync, createBrotliDecompress, createGunzip, createInflate, gunzipSync, inflateSync } from 'node:zlib';

export type Encoding = 'identity' | 'gzip' | 'deflate' | 'br';

/** A known encoding to undo, `identity`, or undefined for one the proxy cannot read (the body then goes unchecked). */
export function encodingOf(header: string | undefined): Encoding | undefined {
  const value = header?.trim().toLowerCase();
  if (!value || value === 'identity') return 'identity';
  if (value === 'gzip' || value === 'x-gzip') return 'gzip';
  if (value === 'deflate' || value === 'br') return value;
  return undefined;
}

/** A compressed body that inflates past the cap: it is not checked. */
export class InflatedPastLimit extends Error {
  constructor(readonly limit: number) {
    super(`inflated past ${limit} bytes`);
    this.name = 'InflatedPastLimit';
  }
}

/**
 * A compressed body is weighed as if decoded at this ratio (JSON compresses 5-20x) where its cost
 * must be guessed before decoding it (which work goes to the check worker).
 */
const compressedWeight = 8;

/** What checking a body of `size` bytes in `encoding` is expected to cost, in bytes of decoded body. */
export function checkWeight(size: number, encoding: Encoding): number {
  return encoding === 'identity' ? size : size * compressedWeight;
}

/** A whole body, decoded, up to `limit` bytes; throws InflatedPastLimit past it, and on a corrupt body. */
export function decodeWhole(bytes: Buffer, encoding: Encoding, limit: number): Buffer {
  // zlib stops inflating at maxOutputLength: a bomb costs at most `limit` bytes and their time.
  const options = { maxOutputLength: Math.max(1, limit) };
  try {
    if (encoding === 'gzip') return gunzipSync(bytes, options);
    if (encoding === 'deflate') return inflateSync(bytes, options);
    if (encoding === 'br') return brotliDecompressSync(bytes, options);
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw new InflatedPastLimit(limit);
    throw error;
  }
  return bytes;
}

/**
 * Decodes chunks as they go by and hands the output to `sink`; each flush is asked for so that an
 * item is checked when its bytes have come, not when the decoder's buffer fills. Past `limit`
 * bytes of output in all, decoding stops (the decoder is destroyed, so a bomb is not inflated
 * further) and `onError` gets an InflatedPastLimit.
 */
export function decodingTap(encoding: Exclude<Encoding, 'identity'>, limit: number, sink: (chunk: Buffer) => void, onError: (error: Error) => void): { push(chunk: Buffer): void; end(done: () => void): void } {
  const decoder: Transform = encoding === 'gzip' ? createGunzip() : encoding === 'deflate' ? createInflate() : createBrotliDecompress();
  let decoded = 0;
  decoder.on('data', (chunk: Buffer) => {
    if (decoder.destroyed) return;
    decoded += chunk.byteLength;
    if (decoded <= limit) return sink(chunk);
    decoder.destroy();
    onError(new InflatedPastLimit(limit));
  });
  decoder.on('error', onError);
  return {
    push: (chunk) => void (decoder.destroyed || decoder.write(chunk)),
    end: (done) => {
      if (decoder.destroyed) return done();
      // A corrupt body ends in 'error' instead of 'end': either way the check is over.
      let called = false;
      const once = () => called || ((called = true), done());
      decoder.once('end', once).once('error', once).once('close', once);
      decoder.end();
    },
  };
}
