/**
 * What a stream has handed out so far, for `ItemStream.received` and the errors that end a stream.
 * @module
 */
import type { ItemDecoder, ItemReceiver } from '../streams/stream-items.js';

/** Size of the blocks small reads are copied into. */
const blockSize = 64 * 1024;

/**
 * Keeps the body's bytes rather than the items decoded from them, and decodes the bytes again only
 * when someone asks for the items. Kept items are trees of objects that outlive the garbage
 * collector's young generation and must be copied out of it, which cost a third of the client's
 * decode time (bench/RESULTS.md, "keepItems"). Kept reads cost less, but a live stream comes as one
 * small read per event, each its own ArrayBuffer from fetch that the collector would carry out of
 * the young generation (about 1 µs a read, bench/RESULTS.md, "small reads"); so small reads are
 * copied into shared blocks, a memcpy each, and only a large read is kept as it is. The same framing over the same bytes, however split, gives the
 * same items, so the first `count` decoded again are the ones handed out: equal values, not the
 * same objects.
 */
export class ReceivedItems<T> implements ItemReceiver<T, unknown> {
  /** Items handed out, kept or not. */
  count = 0;
  readonly #newDecoder: () => ItemDecoder<T, unknown>;
  /** Bytes not yet decoded again: these blocks, then the first `#filled` of `#block`; undefined when nothing is kept. */
  #blocks: Uint8Array[] | undefined;
  #block: Uint8Array = new Uint8Array(0);
  #filled = 0;
  #ended = false;
  #replay: ItemDecoder<T, unknown> | undefined;
  #replayEnded = false;
  readonly #decoded: T[] = [];

  /** `keep: false` counts the items and keeps nothing; `newDecoder` makes a decoder of the stream's framing, for the replay. */
  constructor(keep: boolean, newDecoder: () => ItemDecoder<T, unknown>) {
    this.#newDecoder = newDecoder;
    this.#blocks = keep ? [] : undefined;
  }

  /** A read of the body, about to be decoded. */
  read(chunk: Uint8Array): void {
    if (!this.#blocks) return;
    if (this.#filled + chunk.length > this.#block.length) {
      this.#blocks.push(this.#block.subarray(0, this.#filled));
      // A large read is a full block of its own, not copied.
      this.#block = chunk.length < blockSize / 4 ? new Uint8Array(blockSize) : chunk;
      this.#filled = 0;
    }
    if (this.#block !== chunk) this.#block.set(chunk, this.#filled);
    this.#filled += chunk.length;
  }

  /** The body ended (an unfinished last line is an item then). */
  end(): void {
    this.#ended = true;
  }

  /** The items so far (none when not kept), decoded again from the bytes not decoded yet. */
  get items(): readonly T[] {
    const blocks = this.#blocks;
    if (!blocks) return [];
    if (this.#decoded.length < this.count) {
      const replay = (this.#replay ??= this.#newDecoder());
      blocks.push(this.#block.subarray(0, this.#filled));
      // Decoded now: later reads fill the rest of the block.
      this.#blocks = [];
      this.#block = this.#block.subarray(this.#filled);
      this.#filled = 0;
      // The bytes gave `count` items before; an error they led to comes again after those and is not news here.
      try {
        for (const block of blocks) if (!replay.stopped) replay.feed(block, this);
        if (this.#ended && !this.#replayEnded) {
          this.#replayEnded = true;
          replay.end(this);
        }
      } catch {}
    }
    // Items of the last read past the one that ended the stream (an invalid or error item) were not handed out.
    if (this.#decoded.length > this.count) this.#decoded.length = this.count;
    return this.#decoded;
  }

  /** An item decoded again. */
  take(kind: 'item' | 'error', value: unknown): void {
    if (kind === 'item') this.#decoded.push(value as T);
  }
}
