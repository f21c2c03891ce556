/**
 * Real media (the test fixtures and the WAV/FLAC writer the tests use) and media that lies: headers
 * claiming sizes, rates or formats the bytes do not hold. Also the multipart form writer, which can
 * be told to break the form.
 * @module
 */
import { readFileSync } from 'node:fs';
import { flac, wav } from '../../test/helpers/audio.js';
import type { CaseRandom } from './random.js';

const mediaDir = new URL('../../test/fixtures/media/', import.meta.url);
const fixture = (name: string) => new Uint8Array(readFileSync(new URL(name, mediaDir)));

export interface MediaFile {
  filename: string;
  mimeType: string;
  bytes: Uint8Array;
  /** What the file claims or is, for case names. */
  what: string;
}

export const goodAudio = (): MediaFile => ({ filename: 'tone.wav', mimeType: 'audio/wav', bytes: wav(16_000, 0.5), what: 'a real 16 kHz WAV' });

function patched(bytes: Uint8Array, at: number, write: (view: DataView) => void): Uint8Array {
  const copy = new Uint8Array(bytes);
  write(new DataView(copy.buffer, at));
  return copy;
}

/** Audio files whose headers lie about what follows. */
export function lyingAudio(random: CaseRandom): MediaFile {
  const real = wav(16_000, 0.25);
  const cases: Array<() => MediaFile> = [
    () => ({ filename: 'a.wav', mimeType: 'audio/wav', bytes: patched(real, 40, (v) => v.setUint32(0, 0xffffffff, true)), what: 'WAV data chunk claiming 4 GiB' }),
    () => ({ filename: 'a.wav', mimeType: 'audio/wav', bytes: patched(real, 24, (v) => v.setUint32(0, 0, true)), what: 'WAV at 0 Hz' }),
    () => ({ filename: 'a.wav', mimeType: 'audio/wav', bytes: patched(real, 24, (v) => v.setUint32(0, 0xffffffff, true)), what: 'WAV at 4 GHz' }),
    () => ({ filename: 'a.wav', mimeType: 'audio/wav', bytes: patched(real, 22, (v) => v.setUint16(0, 0, true)), what: 'WAV with 0 channels' }),
    () => ({ filename: 'a.wav', mimeType: 'audio/wav', bytes: patched(real, 16, (v) => v.setUint32(0, 0xfffffff0, true)), what: 'WAV fmt chunk claiming 4 GiB' }),
    () => ({ filename: 'a.wav', mimeType: 'audio/wav', bytes: real.subarray(0, random.int(0, 43)), what: 'WAV cut inside its header' }),
    () => ({ filename: 'a.wav', mimeType: 'audio/wav', bytes: wav(16_000, 60), what: 'WAV of 60 s' }),
    () => ({ filename: 'a.wav', mimeType: 'audio/wav', bytes: wav(44_100, 0.25), what: 'WAV at 44.1 kHz' }),
    () => ({ filename: 'a.flac', mimeType: 'audio/flac', bytes: flac(16_000, 0.25).subarray(0, random.int(4, 60)), what: 'FLAC cut in its STREAMINFO' }),
    () => ({ filename: 'a.mp3', mimeType: 'audio/mpeg', bytes: fixture('tone-16khz-1s.mp3').subarray(0, random.int(0, 200)), what: 'MP3 cut short' }),
    // An ID3v2 tag whose syncsafe size claims 256 MiB, then nothing.
    () => ({ filename: 'a.mp3', mimeType: 'audio/mpeg', bytes: new Uint8Array([0x49, 0x44, 0x33, 4, 0, 0, 0x7f, 0x7f, 0x7f, 0x7f, 1, 2, 3]), what: 'ID3 tag claiming 256 MiB' }),
    () => ({ filename: 'a.mp3', mimeType: 'audio/mpeg', bytes: new Uint8Array(Array.from({ length: 400 }, (_, i) => (i % 2 ? 0xff : 0xfb))), what: 'MP3 frame syncs only' }),
    () => ({ filename: 'a.wav', mimeType: 'audio/wav', bytes: fixture('image-4x3.png'), what: 'a PNG named .wav' }),
    () => ({ filename: 'a.wav', mimeType: 'audio/wav', bytes: new Uint8Array(0), what: 'an empty .wav' }),
    () => ({ filename: '', mimeType: 'application/octet-stream', bytes: real, what: 'a WAV without file name or type' }),
    () => ({ filename: '../../etc/passwd', mimeType: 'audio/wav', bytes: real, what: 'a WAV with a path as file name' }),
  ];
  return random.pick(cases)();
}

/** Image bytes whose headers lie (as data URLs or base64 where an API takes images). */
export function lyingImage(random: CaseRandom): MediaFile {
  const png = fixture('image-4x3.png');
  const jpeg = fixture('image-5x4.jpg');
  const cases: Array<() => MediaFile> = [
    () => ({ filename: 'a.png', mimeType: 'image/png', bytes: patched(png, 16, (v) => (v.setUint32(0, 0x7fffffff), v.setUint32(4, 0x7fffffff))), what: 'PNG claiming 2^31 x 2^31' }),
    () => ({ filename: 'a.png', mimeType: 'image/png', bytes: patched(png, 16, (v) => (v.setUint32(0, 0), v.setUint32(4, 0))), what: 'PNG of 0 x 0' }),
    () => ({ filename: 'a.png', mimeType: 'image/png', bytes: png.subarray(0, random.int(0, 20)), what: 'PNG cut in its header' }),
    () => ({ filename: 'a.jpg', mimeType: 'image/jpeg', bytes: jpeg.subarray(0, random.int(2, 40)), what: 'JPEG cut before its frame header' }),
    () => ({ filename: 'a.jpg', mimeType: 'image/jpeg', bytes: new Uint8Array([0xff, 0xd8, ...Array.from({ length: 5000 }, (_, i) => (i % 4 === 0 ? 0xff : 0xe1))]), what: 'JPEG of endless empty segments' }),
    () => ({ filename: 'a.gif', mimeType: 'image/gif', bytes: new TextEncoder().encode('GIF89a'), what: 'GIF signature only' }),
    () => ({ filename: 'a.png', mimeType: 'image/png', bytes: fixture('image-5x4.jpg'), what: 'a JPEG labelled PNG' }),
    () => ({ filename: 'a.png', mimeType: 'image/png', bytes: wav(16_000, 0.1), what: 'a WAV labelled PNG' }),
    () => ({ filename: 'a.webp', mimeType: 'image/webp', bytes: fixture('image-7x6-lossy.webp').subarray(0, 16), what: 'WebP cut short' }),
  ];
  return random.pick(cases)();
}

export const dataUrl = (file: MediaFile) => `data:${file.mimeType};base64,${Buffer.from(file.bytes).toString('base64')}`;

export type FormBreak = 'none' | 'no-boundary' | 'wrong-boundary' | 'no-closing' | 'cut' | 'no-part-name' | 'bad-part-headers' | 'long-boundary' | 'lf-only';

export const formBreaks: readonly FormBreak[] = ['no-boundary', 'wrong-boundary', 'no-closing', 'cut', 'no-part-name', 'bad-part-headers', 'long-boundary', 'lf-only'];

/** A multipart/form-data body (content type and bytes), broken as asked. */
export function multipartForm(fields: Record<string, string>, files: Record<string, MediaFile>, random: CaseRandom, broken: FormBreak = 'none'): { contentType: string; body: Uint8Array } {
  const boundary = broken === 'long-boundary' ? 'b'.repeat(random.int(71, 5000)) : `----fuzz${random.int(0, 1e9)}`;
  const eol = broken === 'lf-only' ? '\n' : '\r\n';
  const chunks: Uint8Array[] = [];
  const text = (s: string) => chunks.push(new TextEncoder().encode(s));
  const disposition = (name: string) => (broken === 'no-part-name' ? 'form-data' : `form-data; name="${name}"`);
  for (const [name, value] of Object.entries(fields)) {
    text(`--${boundary}${eol}Content-Disposition: ${disposition(name)}${eol}${eol}${value}${eol}`);
  }
  for (const [name, file] of Object.entries(files)) {
    const headers = broken === 'bad-part-headers' ? `Content-Disposition${eol}Content-Type: ;;;${eol}` : `Content-Disposition: ${disposition(name)}; filename="${file.filename}"${eol}Content-Type: ${file.mimeType}${eol}`;
    text(`--${boundary}${eol}${headers}${eol}`);
    chunks.push(file.bytes);
    text(eol);
  }
  if (broken !== 'no-closing') text(`--${boundary}--${eol}`);
  let body: Uint8Array = Buffer.concat(chunks);
  if (broken === 'cut') body = body.subarray(0, random.int(1, Math.max(1, body.length - 1)));
  const contentType = broken === 'no-boundary' ? 'multipart/form-data' : `multipart/form-data; boundary=${broken === 'wrong-boundary' ? 'not-the-boundary' : boundary}`;
  return { contentType, body };
}
