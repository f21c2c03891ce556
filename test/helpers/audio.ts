/**
 * Real audio built in code, so each test can ask for the rate and length it needs: 16-bit PCM WAV,
 * and FLAC written with verbatim subframes (no compression, but a complete stream any decoder
 * plays: STREAMINFO with MD5, frame headers with CRC-8, frames with CRC-16, per the FLAC format
 * specification, RFC 9639). And an Ogg Opus file of empty pages, for parsers that read page by page.
 * @module
 */
import { createHash } from 'node:crypto';

/** Mono 16-bit samples of a quiet 440 Hz tone. */
function tone(sampleRate: number, seconds: number): Int16Array {
  const count = Math.round(sampleRate * seconds);
  const samples = new Int16Array(count);
  for (let i = 0; i < count; i++) samples[i] = Math.round(6000 * Math.sin((2 * Math.PI * 440 * i) / sampleRate));
  return samples;
}

/** A mono 16-bit PCM WAV file of `seconds` of tone. */
export function wav(sampleRate: number, seconds: number): Uint8Array<ArrayBuffer> {
  const samples = tone(sampleRate, seconds);
  const dataBytes = samples.length * 2;
  const out = Buffer.alloc(44 + dataBytes);
  out.write('RIFF', 0, 'ascii');
  out.writeUInt32LE(36 + dataBytes, 4);
  out.write('WAVE', 8, 'ascii');
  out.write('fmt ', 12, 'ascii');
  out.writeUInt32LE(16, 16); // fmt chunk size
  out.writeUInt16LE(1, 20); // PCM
  out.writeUInt16LE(1, 22); // channels
  out.writeUInt32LE(sampleRate, 24);
  out.writeUInt32LE(sampleRate * 2, 28); // byte rate
  out.writeUInt16LE(2, 32); // block align
  out.writeUInt16LE(16, 34); // bits per sample
  out.write('data', 36, 'ascii');
  out.writeUInt32LE(dataBytes, 40);
  for (let i = 0; i < samples.length; i++) out.writeInt16LE(samples[i]!, 44 + i * 2);
  return new Uint8Array(out);
}

const BLOCK_SIZE = 4096;

/** A mono 16-bit FLAC file of `seconds` of tone. */
export function flac(sampleRate: number, seconds: number): Uint8Array<ArrayBuffer> {
  const samples = tone(sampleRate, seconds);
  const pcm = Buffer.alloc(samples.length * 2);
  samples.forEach((sample, i) => pcm.writeInt16LE(sample, i * 2));
  const parts: Buffer[] = [Buffer.from('fLaC', 'ascii'), streamInfo(sampleRate, samples.length, createHash('md5').update(pcm).digest())];
  for (let start = 0, frame = 0; start < samples.length; start += BLOCK_SIZE, frame++) {
    parts.push(flacFrame(samples.subarray(start, Math.min(start + BLOCK_SIZE, samples.length)), frame));
  }
  return new Uint8Array(Buffer.concat(parts));
}

/** The last (and only) metadata block: STREAMINFO. */
function streamInfo(sampleRate: number, totalSamples: number, md5: Buffer): Buffer {
  const bits = new BitWriter();
  bits.write(1, 1); // last metadata block
  bits.write(0, 7); // STREAMINFO
  bits.write(34, 24); // length
  bits.write(BLOCK_SIZE, 16); // min block size (the last block may be shorter, which the format allows)
  bits.write(BLOCK_SIZE, 16); // max block size
  bits.write(0, 24); // min frame size: unknown
  bits.write(0, 24); // max frame size: unknown
  bits.write(sampleRate, 20);
  bits.write(0, 3); // channels - 1
  bits.write(15, 5); // bits per sample - 1
  bits.write(Math.floor(totalSamples / 2 ** 32), 4); // total samples, high 4 of 36 bits
  bits.write(totalSamples % 2 ** 32, 32);
  return Buffer.concat([bits.bytes(), md5]);
}

function flacFrame(samples: Int16Array, frameNumber: number): Buffer {
  const header = new BitWriter();
  header.write(0b11111111111110, 14); // sync
  header.write(0, 1); // reserved
  header.write(0, 1); // fixed block size
  header.write(0b0111, 4); // block size: 16 bits at the end of the header
  header.write(0b0000, 4); // sample rate: from STREAMINFO
  header.write(0b0000, 4); // one channel
  header.write(0b100, 3); // 16 bits per sample
  header.write(0, 1); // reserved
  for (const byte of utf8Number(frameNumber)) header.write(byte, 8);
  header.write(samples.length - 1, 16);
  const headerBytes = header.bytes();
  const body = Buffer.alloc(1 + samples.length * 2);
  body[0] = 0b00000010; // subframe: zero pad bit, type VERBATIM (000001), no wasted bits
  samples.forEach((sample, i) => body.writeInt16BE(sample, 1 + i * 2));
  const frame = Buffer.concat([headerBytes, Buffer.from([crc8(headerBytes)]), body]);
  const crc = Buffer.alloc(2);
  crc.writeUInt16BE(crc16(frame));
  return Buffer.concat([frame, crc]);
}

/** The frame number in FLAC's UTF-8-like coding (a lead byte giving the length, then 6 bits per byte). */
function utf8Number(value: number): number[] {
  if (value < 0x80) return [value];
  const limits = [0x800, 0x10000, 0x200000, 0x4000000, 0x80000000];
  const length = limits.findIndex((limit) => value < limit) + 2 || 7;
  const out: number[] = [];
  let rest = value;
  for (let i = 1; i < length; i++) {
    out.unshift(0x80 | (rest & 0x3f));
    rest = Math.floor(rest / 64);
  }
  const lead = (0xff << (8 - length)) & 0xff;
  out.unshift(lead | rest);
  return out;
}

function crc8(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x80 ? ((crc << 1) ^ 0x07) & 0xff : (crc << 1) & 0xff;
  }
  return crc;
}

function crc16(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x8005) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

class BitWriter {
  #bytes: number[] = [];
  #current = 0;
  #filled = 0;

  write(value: number, width: number): void {
    for (let bit = width - 1; bit >= 0; bit--) {
      this.#current = (this.#current << 1) | (Math.floor(value / 2 ** bit) & 1);
      if (++this.#filled === 8) {
        this.#bytes.push(this.#current);
        this.#current = 0;
        this.#filled = 0;
      }
    }
  }

  bytes(): Buffer {
    if (this.#filled !== 0) throw new Error('BitWriter: not byte aligned');
    return Buffer.from(this.#bytes);
  }
}

/** An Ogg Opus file of `pages` one-byte pages after its two header pages: cheap to make, costly to read page by page. */
export function tinyPageOgg(pages: number): Uint8Array {
  const page = (sequence: number, granule: number, data: Buffer, type = 0) => {
    const header = Buffer.alloc(28);
    header.write('OggS', 0, 'latin1');
    header[5] = type;
    header.writeBigInt64LE(BigInt(granule), 6);
    header.writeUInt32LE(1, 14);
    header.writeUInt32LE(sequence, 18);
    header[26] = 1;
    header[27] = data.length;
    return Buffer.concat([header, data]);
  };
  const head = Buffer.alloc(19);
  head.write('OpusHead', 0, 'latin1');
  head[8] = 1;
  head[9] = 1;
  head.writeUInt32LE(48_000, 12);
  const tags = Buffer.alloc(16);
  tags.write('OpusTags', 0, 'latin1');
  const all = [page(0, 0, head, 2), page(1, 0, tags)];
  for (let sequence = 2; sequence < pages + 2; sequence++) all.push(page(sequence, sequence * 960, Buffer.from([0xfc])));
  return new Uint8Array(Buffer.concat(all));
}
