/** The copy of a body kept for its check, up to a limit: past it the copy is dropped, never the body. @module */

export class BodyCopy {
  #chunks: Buffer[] = [];
  #size = 0;
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
    this.#size += chunk.byteLength;
    this.#chunks.push(chunk);
    return true;
  }

  /** The chunks kept, handed over and forgotten. */
  take(): Buffer[] {
    const chunks = this.#chunks;
    this.#chunks = [];
    this.#size = 0;
    return chunks;
  }

  /**
   * The chunks kept, as one buffer, joined once (a strict proxy asks for its check, then to send it
   * on). Joined in shared memory: a worker thread checks a big body without one more copy of it.
   */
  bytes(): Buffer {
    if (this.#chunks.length > 1) this.#chunks = [sharedCopy(this.#chunks, this.#size)];
    return this.#chunks[0] ?? Buffer.alloc(0);
  }
}

/** `chunks` joined into a buffer over a SharedArrayBuffer. */
export function sharedCopy(chunks: readonly Uint8Array[], size: number): Buffer {
  const whole = Buffer.from(new SharedArrayBuffer(size));
  let at = 0;
  for (const chunk of chunks) {
    whole.set(chunk, at);
    at += chunk.byteLength;
  }
  return whole;
}
