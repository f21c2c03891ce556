/** Test sources for the stream decoders: fixed-size chunks, byte-by-byte feeding, delays, and read/cancel counting. */

export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/** `bytes` cut into pieces of `size` (views; the last one may be shorter). */
export function split(bytes: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

export interface SourceProbe {
  /** read() calls answered with a chunk. */
  reads: number;
  cancelled: boolean;
  cancelReason: unknown;
}

/** A pull-based ReadableStream of the given chunks, optionally waiting `delayMs` before each one. */
export function streamOf(chunks: Array<Uint8Array | string>, options: { delayMs?: number } = {}): { body: ReadableStream<Uint8Array>; probe: SourceProbe } {
  const probe: SourceProbe = { reads: 0, cancelled: false, cancelReason: undefined };
  let i = 0;
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (options.delayMs) await sleep(options.delayMs);
        if (i >= chunks.length) return controller.close();
        const chunk = chunks[i++]!;
        probe.reads++;
        controller.enqueue(typeof chunk === 'string' ? utf8(chunk) : chunk);
      },
      cancel(reason) {
        probe.cancelled = true;
        probe.cancelReason = reason;
      },
    },
    { highWaterMark: 0 },
  );
  return { body, probe };
}

/** The same text as a ReadableStream fed one byte at a time. */
export function byteByByte(text: string): ReadableStream<Uint8Array> {
  return streamOf(split(utf8(text), 1)).body;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Everything an async iterable yields, in order. */
export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const value of iterable) out.push(value);
  return out;
}

/** What an async iterable yielded before it threw, and what it threw (`undefined` if it did not). */
export async function collectUntilError<T>(iterable: AsyncIterable<T>): Promise<{ values: T[]; error: unknown }> {
  const values: T[] = [];
  try {
    for await (const value of iterable) values.push(value);
  } catch (error) {
    return { values, error };
  }
  return { values, error: undefined };
}

/** Reads a byte stream to the end as text. */
export async function readText(body: ReadableStream<Uint8Array>): Promise<string> {
  const reader = body.getReader();
  const text = new TextDecoder();
  let out = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return out + text.decode();
    out += text.decode(value, { stream: true });
  }
}
