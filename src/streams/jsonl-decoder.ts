/** JSON-lines decoding: one JSON text per line, blank lines skipped, an optional `data: ` prefix dropped. @module */
import { openChunkSource } from './internal/chunk-source.js';
import { BatchIterator, type PushDecoder } from './internal/batch-iterator.js';
import { LineDecoder, type LineDecoderOptions } from './line-decoder.js';
import type { StreamSource } from './types.js';

const SPACE = 32;

/**
 * The JSON text of one line, or `undefined` for a blank line. A leading `data:` (and one space) is
 * dropped, as DJL's own test client does even for `application/jsonlines`, since some LMI builds
 * frame lines as SSE data; blank lines come from that framing and from the async vLLM path, which
 * ends with an empty item (shared/research/wire-formats.md, DJL-LMI).
 */
export function jsonLinePayload(line: string): string | undefined {
  if (line.length === 0) return undefined;
  let text = line;
  if (line.startsWith('data:')) text = line.charCodeAt(5) === SPACE ? line.slice(6) : line.slice(5);
  // Only pay for trim() when the text could be blank: JSON.parse accepts the surrounding spaces anyway.
  const first = text.charCodeAt(0);
  if (text.length === 0 || (first <= SPACE && text.trim() === '')) return undefined;
  return text;
}

/**
 * A push decoder for JSON lines: `decode()` returns the JSON texts of the lines a chunk completes,
 * `flush()` the last one if the body did not end with a line end (DJL's frontend writes a final error
 * object without one). The texts are not parsed here.
 */
export class JSONLDecoder {
  readonly #lines: LineDecoder;

  constructor(options: LineDecoderOptions = {}) {
    this.#lines = new LineDecoder(options);
  }

  decode(chunk: string | Uint8Array): string[] {
    return payloads(this.#lines.decode(chunk));
  }

  flush(): string[] {
    return payloads(this.#lines.flush());
  }
}

function payloads(lines: string[]): string[] {
  let kept = 0;
  for (let i = 0; i < lines.length; i++) {
    const payload = jsonLinePayload(lines[i] as string);
    if (payload !== undefined) lines[kept++] = payload;
  }
  lines.length = kept;
  return lines;
}

export interface IterateJSONLOptions extends LineDecoderOptions {
  /** Stops reading and cancels the body; the iterator then throws `signal.reason`, as fetch does. */
  signal?: AbortSignal;
}

/**
 * The JSON texts of a body's lines, one by one, unparsed. `break` (or `return()`) cancels the body.
 *
 * @example
 * for await (const text of iterateJSONL(response.body!)) console.log(JSON.parse(text));
 */
export function iterateJSONL(body: StreamSource, options: IterateJSONLOptions = {}): AsyncIterableIterator<string> {
  const lines = new JSONLDecoder(options);
  const decoder: PushDecoder<string> = {
    stopped: false,
    feed(chunk, out) {
      for (const text of lines.decode(chunk)) out.push(text);
    },
    end(out) {
      for (const text of lines.flush()) out.push(text);
    },
  };
  return new BatchIterator(openChunkSource(body, options.signal), decoder, options.signal);
}
