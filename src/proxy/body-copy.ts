/**
 * The copy of a body kept for its check, up to a limit: past it the copy is dropped, never the body.
 *
 * A small body is kept as the chunks read. A big one is copied, chunk by chunk as it comes, into
 * segments of shared memory, which a worker thread reads to check it: joining the chunks of a 16 MB
 * body into one buffer at its end took 50-250 ms in one turn of the event loop (the page faults of
 * fresh memory included), the proxy's worst loop block under fuzz.
 * @module
 */

/** A body past this size is copied into shared segments as it comes; up to it, its chunks are kept as read. */
export const keptAsReadBytes = 256 * 1024;
/** Size of one shared segment: a fresh one is touched a chunk at a time, never all in one turn. */
const segmentBytes = 1024 * 1024;

export class BodyCopy {
  /** The chunks as read, or (`#segmented`) the shared segments holding them, the last filled to `#filled`. */
  #parts: Buffer[] = [];
  #size = 0;
  #segmented = false;
  #filled = 0;
  overflowed = false;

  constructor(private readonly limit: number) {}

  /**
   * Keeps `chunk`, or returns false when it would pass the limit: the copy is then over and the
   * chunk not kept (the ones before it stay, for a caller that holds the body back and must send them).
   */
  add(chunk: Buffer): boolean {
    if (this.overflowed) return false;
    if (this.#size + chunk.byteLength > this.limit) {
      this.overflowed = true;
      return false;
    }
    if (!this.#segmented && this.#size + chunk.byteLength > keptAsReadBytes) {
      const kept = this.#parts;
      this.#parts = [];
      this.#segmented = true;
      for (const part of kept) this.#write(part);
    }
    if (this.#segmented) this.#write(chunk);
    else this.#parts.push(chunk);
    this.#size += chunk.byteLength;
    return true;
  }

  /** The body kept so far, in order: the chunks as read, or the shared segments holding them. */
  parts(): Buffer[] {
    if (!this.#segmented) return this.#parts;
    const last = this.#parts.length - 1;
    return this.#parts.map((segment, index) => (index === last ? segment.subarray(0, this.#filled) : segment));
  }

  /** The body kept, handed over (as `parts`) and forgotten. */
  take(): Buffer[] {
    const parts = this.parts();
    this.#parts = [];
    this.#size = 0;
    this.#segmented = false;
    this.#filled = 0;
    return parts;
  }

  #write(chunk: Uint8Array): void {
    for (let at = 0; at < chunk.byteLength; ) {
      let segment = this.#parts.at(-1);
      if (segment === undefined || this.#filled === segment.byteLength) {
        this.#parts.push((segment = Buffer.from(new SharedArrayBuffer(segmentBytes))));
        this.#filled = 0;
      }
      const length = Math.min(chunk.byteLength - at, segment.byteLength - this.#filled);
      segment.set(chunk.subarray(at, at + length), this.#filled);
      this.#filled += length;
      at += length;
    }
  }
}

/** The total length of `parts`. */
export function lengthOf(parts: readonly Uint8Array[]): number {
  let length = 0;
  for (const part of parts) length += part.byteLength;
  return length;
}

/** `parts` as one buffer: the only part itself, else a copy of them joined (a small body's, checked on the event loop). */
export function joined(parts: readonly Uint8Array[]): Buffer {
  if (parts.length === 1) return Buffer.from(parts[0]!.buffer, parts[0]!.byteOffset, parts[0]!.byteLength);
  return Buffer.concat(parts);
}

/** `part` in shared memory: itself when it is there already, else a copy. */
export function shared(part: Uint8Array): Uint8Array {
  if (part.buffer instanceof SharedArrayBuffer) return part;
  const copy = new Uint8Array(new SharedArrayBuffer(part.byteLength));
  copy.set(part);
  return copy;
}
