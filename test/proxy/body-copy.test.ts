/**
 * The proxy's copy of a body for its check: a small body is kept as the chunks read; a big one is
 * copied into shared segments as it comes, so that no single turn joins the whole of it (joining a
 * 16 MB body at its end was the proxy's worst loop block under fuzz) and the worker reads it as it is.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BodyCopy, joined, keptAsReadBytes, lengthOf } from '../../src/proxy/body-copy.js';

/** `size` bytes of random data as socket reads of at most 64 KiB. */
function reads(size: number): Buffer[] {
  const body = randomBytes(size);
  const out: Buffer[] = [];
  for (let at = 0; at < size; at += 65_536) out.push(body.subarray(at, Math.min(size, at + 65_536)));
  return out;
}

describe('BodyCopy', () => {
  it('keeps a small body as the very chunks read (no copy)', () => {
    const chunks = reads(100_000);
    const copy = new BodyCopy(1 << 30);
    for (const chunk of chunks) expect(copy.add(chunk)).toBe(true);
    expect(copy.parts()).toHaveLength(chunks.length);
    copy.parts().forEach((part, index) => expect(part).toBe(chunks[index]));
  });

  it('copies a big body into shared segments of at most 1 MiB as it comes: the segments hold it whole by the last chunk, with no join left to do', () => {
    const chunks = reads(5 * 1024 * 1024 + 12_345);
    const copy = new BodyCopy(1 << 30);
    let segmentsSeen = 0;
    for (const chunk of chunks) {
      copy.add(chunk);
      // Past the kept-as-read size, every chunk is in shared memory the moment it is added.
      if (lengthOf(copy.parts()) > keptAsReadBytes) {
        for (const part of copy.parts()) expect(part.buffer).toBeInstanceOf(SharedArrayBuffer);
        segmentsSeen = copy.parts().length;
      }
    }
    const parts = copy.parts();
    expect(parts.length).toBe(segmentsSeen);
    expect(parts.length).toBe(6);
    for (const part of parts) expect(part.byteLength).toBeLessThanOrEqual(1024 * 1024);
    expect(joined(parts).equals(Buffer.concat(chunks))).toBe(true);
  });

  it('past the limit, refuses the chunk and keeps what came before for a holder to send on; `take` hands it over and forgets it', () => {
    const chunks = reads(600_000);
    const copy = new BodyCopy(500_000);
    const accepted = chunks.filter((chunk) => copy.add(chunk));
    expect(copy.overflowed).toBe(true);
    const taken = copy.take();
    expect(joined(taken).equals(Buffer.concat(accepted))).toBe(true);
    expect(copy.parts()).toEqual([]);
  });
});
