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

  bytes(): Buffer {
    return this.#chunks.length === 1 ? this.#chunks[0]! : Buffer.concat(this.#chunks, this.#size);
  }
}
