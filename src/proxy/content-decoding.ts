/**
 * The checked copy of a body is read as the target meant it: a gzip, deflate or brotli body (a real
 * host compresses when the client accepts it) is decoded for the checks, while the client gets the
 * bytes as they came.
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

/** A whole body, decoded; throws on a corrupt one. */
export function decodeWhole(bytes: Buffer, encoding: Encoding): Buffer {
  if (encoding === 'gzip') return gunzipSync(bytes);
  if (encoding === 'deflate') return inflateSync(bytes);
  if (encoding === 'br') return brotliDecompressSync(bytes);
  return bytes;
}

/**
 * Decodes chunks as they go by and hands the output to `sink`; each flush is asked for so that an
 * item is checked when its bytes have come, not when the decoder's buffer fills.
 */
export function decodingTap(encoding: Exclude<Encoding, 'identity'>, sink: (chunk: Buffer) => void, onError: (error: Error) => void): { push(chunk: Buffer): void; end(done: () => void): void } {
  const decoder: Transform = encoding === 'gzip' ? createGunzip() : encoding === 'deflate' ? createInflate() : createBrotliDecompress();
  decoder.on('data', sink);
  decoder.on('error', onError);
  return {
    push: (chunk) => void decoder.write(chunk),
    end: (done) => {
      // A corrupt body ends in 'error' instead of 'end': either way the check is over.
      let called = false;
      const once = () => called || ((called = true), done());
      decoder.once('end', once).once('error', once).once('close', once);
      decoder.end();
    },
  };
}
