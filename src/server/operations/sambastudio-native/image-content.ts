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

/** The image in `base64`, read from its header; throws a `NativeRequestError` about `path` otherwise. */
export function readImageContent(base64: string, path: string): ImageInfo {
  const fail = (rule: string, received: string): never => {
    throw new NativeRequestError({ path, rule, expected: expectedImage, received });
  };
  const scan = scanBase64(base64);
  if (scan.foreign) return fail('contentEncoding', `not base64 (${JSON.stringify(scan.foreign.char)} at position ${scan.foreign.position})`);
  if (scan.digits + scan.padding === 0) return fail('minLength', 'an empty string');
  if (scan.standard && scan.urlSafe) return fail('contentEncoding', 'not base64 (it mixes the standard and URL-safe alphabets)');
  if (scan.padding > 2 || scan.digitAfterPadding || scan.digits % 4 === 1) return fail('contentEncoding', 'not base64 (its length or padding is wrong)');
  // Node's decoder skips whitespace itself, so the text is never copied without it.
  const bytes = new Uint8Array(Buffer.from(base64, scan.urlSafe ? 'base64url' : 'base64'));
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

interface Base64Scan {
  /** Characters of either alphabet, padding and whitespace not counted. */
  digits: number;
  padding: number;
  digitAfterPadding: boolean;
  standard: boolean;
  urlSafe: boolean;
  /** The first character that is neither base64 nor whitespace, at its position in the text as sent. */
  foreign?: { char: string; position: number };
}

/**
 * One pass over the text with no copy: an image field may hold megabytes, and a regex replace of
 * every whitespace run in it costs a match object per run (a word-filled 3 MB field: ~300 ms).
 * Standard or URL-safe alphabet, padding optional, whitespace anywhere, as Python's decoders take it.
 */
function scanBase64(text: string): Base64Scan {
  const scan: Base64Scan = { digits: 0, padding: 0, digitAfterPadding: false, standard: false, urlSafe: false };
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 61) {
      scan.padding++;
      continue;
    }
    if (isWhitespace(code)) continue;
    if (code === 43 || code === 47) scan.standard = true;
    else if (code === 45 || code === 95) scan.urlSafe = true;
    else if (!((code >= 65 && code <= 90) || (code >= 97 && code <= 122) || (code >= 48 && code <= 57))) {
      // Every character before this one is a single UTF-16 unit, so i is also its position in characters.
      scan.foreign = { char: String.fromCodePoint(text.codePointAt(i)!), position: i };
      return scan;
    }
    scan.digits++;
    if (scan.padding > 0) scan.digitAfterPadding = true;
  }
  return scan;
}

/** What `\s` matches in a JavaScript regular expression. */
function isWhitespace(code: number): boolean {
  if (code <= 32) return code === 32 || (code >= 9 && code <= 13);
  if (code < 160) return false;
  return code === 160 || code === 5760 || (code >= 8192 && code <= 8202) || code === 8232 || code === 8233 || code === 8239 || code === 8287 || code === 12288 || code === 65279;
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
