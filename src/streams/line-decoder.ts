/** Splits byte or text chunks into lines at LF, CR or CRLF, whatever the chunk boundaries. @module */
import { StreamBufferLimitError } from './errors.js';
import { TextInput } from './internal/text-input.js';

export interface LineDecoderOptions {
  /**
   * Most characters one line may have, ended or not; a longer one throws `StreamBufferLimitError`
   * and the decoder must then be dropped.
   * @default Infinity
   */
  maxLineLength?: number;
}

const LF = 10;

/**
 * Push decoder for lines, in the spirit of openai-node's `LineDecoder` (itself ported from httpx):
 * `decode()` returns the lines a chunk completes, `flush()` the unfinished last line at the end.
 * A CR that ends a chunk ends its line at once, and an LF opening the next chunk is then skipped, so a
 * CRLF split across chunks is one line end and a lone CR does not wait for more data. A leading BOM is
 * dropped; a multibyte character split across byte chunks is kept whole.
 *
 * @example
 * const lines = new LineDecoder();
 * lines.decode('a\r'); // ['a']
 * lines.decode('\nb'); // []
 * lines.flush();       // ['b']
 */
export class LineDecoder {
  readonly #input = new TextInput();
  readonly #max: number;
  #pending = '';
  #skipLF = false;

  constructor(options: LineDecoderOptions = {}) {
    this.#max = options.maxLineLength ?? Infinity;
  }

  decode(chunk: string | Uint8Array): string[] {
    return this.#split(this.#input.decode(chunk));
  }

  /** The last line if the body did not end with a line end; call once, at the end. */
  flush(): string[] {
    const lines = this.#split(this.#input.end());
    this.#skipLF = false;
    if (this.#pending !== '') {
      lines.push(this.#pending);
      this.#pending = '';
    }
    return lines;
  }

  #split(text: string): string[] {
    const lines: string[] = [];
    if (text === '') return lines;
    let start = 0;
    if (this.#skipLF) {
      this.#skipLF = false;
      if (text.charCodeAt(0) === LF) start = 1;
    }
    const length = text.length;
    let cr = text.indexOf('\r', start);
    let lf = text.indexOf('\n', start);
    while (cr !== -1 || lf !== -1) {
      let end: number;
      let next: number;
      if (cr !== -1 && (lf === -1 || cr < lf)) {
        end = cr;
        if (cr + 1 === length) {
          next = length;
          this.#skipLF = true;
        } else {
          next = text.charCodeAt(cr + 1) === LF ? cr + 2 : cr + 1;
        }
      } else {
        end = lf;
        next = lf + 1;
      }
      let line = text.slice(start, end);
      if (this.#pending !== '') {
        line = this.#pending + line;
        this.#pending = '';
      }
      if (line.length > this.#max) throw new StreamBufferLimitError(this.#max, 'line');
      lines.push(line);
      start = next;
      if (cr !== -1 && cr < start) cr = text.indexOf('\r', start);
      if (lf !== -1 && lf < start) lf = text.indexOf('\n', start);
    }
    if (start < length) {
      this.#pending += text.slice(start);
      if (this.#pending.length > this.#max) throw new StreamBufferLimitError(this.#max, 'line');
    }
    return lines;
  }
}
