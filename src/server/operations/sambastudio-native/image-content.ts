/**
 * The `image_content` of a multimodal (LLaVA) request: base64 (no `data:` prefix, which the spec
 * already rejects) of a PNG, JPEG, GIF or WebP file. The bytes are read by `image-size`, a pure
 * JavaScript header reader, so a file that only looks like an image by name or first byte, or
 * whose header is cut, is refused with what was found, as a real vision endpoint would fail on it.
 * @module
 */
import { imageSize } from 'image-size';
import { NativeRequestError } from './native-error.js';

export type ImageFormat = 'png' | 'jpeg' | 'gif' | 'webp';

export interface ImageInfo {
  format: ImageFormat;
  width: number;
  height: number;
  byteLength: number;
}

const expectedImage = 'the base64 of a PNG, JPEG, GIF or WebP image file (no data: prefix)';
const accepted = 'a PNG, JPEG, GIF or WebP image';
const formatNames: Record<ImageFormat, string> = { png: 'PNG', jpeg: 'JPEG', gif: 'GIF', webp: 'WebP' };

/** Standard or URL-safe alphabet, padding optional (Python's decoders accept both once whitespace is gone). */
const base64Text = /^(?:[A-Za-z0-9+/]*|[A-Za-z0-9_-]*)={0,2}$/;

/** The first character no base64 alphabet has (whitespace aside), astral characters whole. */
const notBase64Char = /[^A-Za-z0-9+/=_\-\s]/u;

/**
 * The position of a character as people count them in the string as sent (whitespace included, an
 * emoji as one), without spreading the string: a multi-megabyte image_content spread into an array
 * of characters held the event loop for hundreds of milliseconds per request.
 */
function codePointsBefore(text: string, index: number): number {
  let pairs = 0;
  for (let i = 0; i < index - 1; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        pairs++;
        i++;
      }
    }
  }
  return index - pairs;
}

/** The image in `base64`, read from its header; throws a `NativeRequestError` about `path` otherwise. */
export function readImageContent(base64: string, path: string): ImageInfo {
  const fail = (rule: string, received: string): never => {
    throw new NativeRequestError({ path, rule, expected: expectedImage, received });
  };
  const text = base64.replace(/\s+/g, '');
  if (text.length === 0) return fail('minLength', 'an empty string');
  if (!base64Text.test(text) || text.replace(/=+$/, '').length % 4 === 1) {
    const bad = notBase64Char.exec(base64);
    if (bad) return fail('contentEncoding', `not base64 (${JSON.stringify(bad[0])} at position ${codePointsBefore(base64, bad.index)})`);
    const mixed = /[+/]/.test(text) && /[-_]/.test(text);
    return fail('contentEncoding', mixed ? 'not base64 (it mixes the standard and URL-safe alphabets)' : 'not base64 (its length or padding is wrong)');
  }
  const bytes = new Uint8Array(Buffer.from(text, text.includes('-') || text.includes('_') ? 'base64url' : 'base64'));
  const signature = signatureFormat(bytes);
  let size: ReturnType<typeof imageSize>;
  try {
    size = imageSize(bytes);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (signature) return fail('contentMediaType', `a ${formatNames[signature]} file whose header is truncated or damaged (${reason}; ${bytes.length} bytes)`);
    return fail('contentMediaType', `bytes that are not ${accepted} (starts with ${hexStart(bytes)})`);
  }
  const format = size.type === 'jpg' ? 'jpeg' : size.type;
  if (format !== 'png' && format !== 'jpeg' && format !== 'gif' && format !== 'webp') {
    return fail('contentMediaType', `a ${String(size.type).toUpperCase()} image, not ${accepted}`);
  }
  if (!(size.width > 0 && size.height > 0)) return fail('contentMediaType', `a ${formatNames[format]} file whose header gives a ${size.width}x${size.height} image`);
  return { format, width: size.width, height: size.height, byteLength: bytes.length };
}

/** The format the first bytes announce, if one of the accepted four. */
function signatureFormat(bytes: Uint8Array): ImageFormat | undefined {
  const ascii = (from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));
  if (bytes[0] === 0x89 && ascii(1, 4) === 'PNG') return 'png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (ascii(0, 4) === 'GIF8') return 'gif';
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'webp';
  return undefined;
}

/** The first bytes in hex (`25 50 44 46`), which is how one recognises a file by eye. */
function hexStart(bytes: Uint8Array): string {
  if (bytes.length === 0) return 'nothing: the decoded file is empty';
  return [...bytes.subarray(0, 4)].map((byte) => byte.toString(16).padStart(2, '0')).join(' ');
}
