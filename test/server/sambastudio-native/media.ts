/**
 * Real media for the native API tests read from test/fixtures/media/ (tiny files made with
 * ImageMagick, cwebp and sox; see its README). Audio is built in code: test/helpers/audio.ts.
 * @module
 */
import { readFileSync } from 'node:fs';

const fixtures = new URL('../../fixtures/media/', import.meta.url);

/** A committed fixture's bytes. */
export function fixture(name: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(readFileSync(new URL(name, fixtures)));
}

/** The committed images, with the size their headers give. */
export const images = {
  png: { file: 'image-4x3.png', width: 4, height: 3 },
  jpeg: { file: 'image-5x4.jpg', width: 5, height: 4 },
  gif: { file: 'image-6x5.gif', width: 6, height: 5 },
  webpLossless: { file: 'image-4x3-lossless.webp', width: 4, height: 3 },
  webpLossy: { file: 'image-7x6-lossy.webp', width: 7, height: 6 },
} as const;

export function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}
