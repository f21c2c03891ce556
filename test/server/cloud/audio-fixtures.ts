/**
 * An MP3 made in code (MPEG-1 Layer III frames of digital silence: valid headers, zero side
 * information), which a decoder reads as `seconds` of audio. WAV and FLAC: test/helpers/audio.ts.
 * @module
 */

/** MPEG-1 Layer III, 32 kbit/s, 32 kHz mono: 144-byte frames of 1152 samples (36 ms) of silence. */
export function mp3Silence(seconds: number): Uint8Array<ArrayBuffer> {
  const frames = Math.ceil((seconds * 32_000) / 1152);
  const frame = Buffer.alloc(144);
  // Sync, MPEG-1, Layer III, no CRC; bitrate index 1 (32k), rate index 2 (32 kHz); mono.
  frame.set([0xff, 0xfb, 0x18, 0xc0]);
  return new Uint8Array(Buffer.concat(Array.from({ length: frames }, () => frame)));
}
