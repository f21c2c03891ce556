/**
 * What a stream has handed out so far, for `ItemStream.received` and the errors that end a stream.
 * @module
 */
import type { ItemDecoder, ItemReceiver } from '../streams/stream-items.js';

type Chunk = Uint8Array | string;

/**
 * Keeps the body's reads rather than the items decoded from them, and decodes the reads again only
 * when someone asks for the items. Kept items are trees of objects that outlive the garbage
 * collector's young generation and must be copied out of it, which cost a third of the client's
 * decode time (bench/RESULTS.md, "keepItems"); a kept read is one reference to bytes the collector
 * never copies. The same framing over the same reads gives the same items, so the first `count`
 * decoded again are the ones handed out: equal values, not the same objects.
 */
export class ReceivedItems<T> implements ItemReceiver<T, unknown> {
  /** Items handed out, kept or not. */
  count = 0;
  readonly #newDecoder: () => ItemDecoder<T, unknown>;
  /** Reads not yet decoded again; undefined when nothing is kept. */
  #reads: Chunk[] | undefined;
  #ended = false;
  #replay: ItemDecoder<T, unknown> | undefined;
  #replayEnded = false;
  readonly #decoded: T[] = [];

  /** `keep: false` counts the items and keeps nothing; `newDecoder` makes a decoder of the stream's framing, for the replay. */
  constructor(keep: boolean, newDecoder: () => ItemDecoder<T, unknown>) {
    this.#newDecoder = newDecoder;
    this.#reads = keep ? [] : undefined;
  }

  /** A read about to be decoded. */
  read(chunk: Chunk): void {
    this.#reads?.push(chunk);
  }

  /** The body ended (an unfinished last line is an item then). */
  end(): void {
    this.#ended = true;
  }

  /** The items so far (none when not kept), decoded again from the reads not decoded yet. */
  get items(): readonly T[] {
    const reads = this.#reads;
    if (reads === undefined) return [];
    if (this.#decoded.length < this.count) {
      const replay = (this.#replay ??= this.#newDecoder());
      // The reads gave `count` items before; an error they led to comes again after those and is not news here.
      try {
        for (const chunk of reads) if (!replay.stopped) replay.feed(chunk, this);
        reads.length = 0;
        if (this.#ended && !this.#replayEnded) {
          this.#replayEnded = true;
          replay.end(this);
        }
      } catch {
        reads.length = 0;
      }
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
