/**
 * The event-stream parsing of WHATWG HTML ("Interpreting an event stream") over byte or text
 * chunks: lines end at CR, LF or CRLF wherever the chunks split them; `data:` lines join with LF;
 * `event` and `id` (ignored when it holds NUL) fields, any other field (`retry`, unknown ones) handed
 * on; comments; a field without a colon has an empty value; one space after the colon is dropped; a
 * blank line dispatches.
 * `id` belongs to the event that carries it, as eventsource-parser has it (the oracle of
 * test/streams/sse-parser.test.ts), not to every later event as an `EventSource` keeps it.
 * Our own rather than eventsource-parser: the whole runtime for streaming is sambakit's, and this
 * one hands out an event's fields without an object per event and ends a line at a CR at once.
 * @module
 */
import { StreamBufferLimitError } from '../errors.js';
import { TextInput } from './text-input.js';

export interface SSEParserHandlers {
  /** A dispatched event: its data (lines joined with LF), its `event` field and its `id` field, if sent. */
  onEvent(data: string, event: string | undefined, id: string | undefined): void;
  onComment?: ((comment: string) => void) | undefined;
  /**
   * A field other than `data`, `event` and `id`: `retry`, or one the WHATWG algorithm ignores. What
   * `retry` holds is the handler's business, so a reader of items (the client) bundles none of it.
   */
  onField?: ((name: string, value: string, line: string) => void) | undefined;
}

const LF = 10;
const SPACE = 32;

export class SSEParser {
  readonly #on: SSEParserHandlers;
  readonly #max: number;
  readonly #input = new TextInput();
  /** The unfinished last line. */
  #pending = '';
  /** The last chunk ended with a CR: an LF opening the next one belongs to that line end. */
  #skipLF = false;
  /** The event's data so far; undefined until its first `data` line. */
  #data: string | undefined;
  #event: string | undefined;
  #id: string | undefined;

  /** `maxBufferSize`: most characters held for the unfinished line plus the unfinished event's data. */
  constructor(handlers: SSEParserHandlers, maxBufferSize = Infinity) {
    this.#on = handlers;
    this.#max = maxBufferSize;
  }

  /** Parses a chunk; `onEvent` runs for every event it completes before this returns. */
  feed(chunk: Uint8Array | string): void {
    let text = this.#input.decode(chunk);
    let start = 0;
    if (this.#skipLF && text !== '') {
      this.#skipLF = false;
      if (text.charCodeAt(0) === LF) start = 1;
    }
    // (A pending line means the last chunk did not end with a CR: start is 0.)
    if (this.#pending !== '') {
      // A piece of a long line: joined once its end comes, not re-scanned per chunk.
      if (text.indexOf('\n') === -1 && text.indexOf('\r') === -1) {
        this.#pending += text;
        return this.#checkSize();
      }
      text = this.#pending + text;
      this.#pending = '';
    }
    const length = text.length;
    let cr = text.indexOf('\r', start);
    let lf = text.indexOf('\n', start);
    while (lf !== -1 || cr !== -1) {
      let end = lf;
      let next = lf + 1;
      if (cr !== -1 && (lf === -1 || cr < lf)) {
        end = cr;
        next = cr + 1;
        if (next === length) this.#skipLF = true;
        else if (text.charCodeAt(next) === LF) next++;
      }
      this.#line(text, start, end);
      start = next;
      if (cr !== -1 && cr < start) cr = text.indexOf('\r', start);
      if (lf !== -1 && lf < start) lf = text.indexOf('\n', start);
    }
    if (start < length) this.#pending = text.slice(start);
    this.#checkSize();
  }

  /** The body ended: the unfinished line ends, and the event it completes is dispatched (WHATWG would drop it). */
  end(): void {
    const rest = this.#pending + this.#input.end();
    this.#pending = '';
    if (rest !== '') this.#line(rest, 0, rest.length);
    this.#line('', 0, 0);
  }

  #line(text: string, start: number, end: number): void {
    if (start === end) {
      const data = this.#data;
      const event = this.#event;
      const id = this.#id;
      this.#data = this.#event = this.#id = undefined;
      if (data !== undefined) this.#on.onEvent(data, event, id);
      return;
    }
    if (text.startsWith(':', start)) {
      this.#on.onComment?.(text.slice(text.charCodeAt(start + 1) === SPACE ? start + 2 : start + 1, end));
      return;
    }
    if (text.startsWith('data:', start)) {
      // A space right after the colon is inside the line: lines end at a CR or LF.
      this.#addData(text.slice(text.charCodeAt(start + 5) === SPACE ? start + 6 : start + 5, end));
      return;
    }
    // Sliced first, so that the search for a colon stops at the line's end.
    const line = text.slice(start, end);
    const colon = line.indexOf(':');
    const value = colon === -1 ? '' : line.slice(line.charCodeAt(colon + 1) === SPACE ? colon + 2 : colon + 1);
    const name = colon === -1 ? line : line.slice(0, colon);
    switch (name) {
      case 'data':
        this.#addData(value);
        break;
      case 'event':
        this.#event = value || undefined;
        break;
      case 'id':
        if (!value.includes('\0')) this.#id = value;
        break;
      default:
        this.#on.onField?.(name, value, line);
    }
  }

  #addData(value: string): void {
    this.#data = this.#data === undefined ? value : `${this.#data}\n${value}`;
  }

  #checkSize(): void {
    if (this.#pending.length + (this.#data?.length ?? 0) > this.#max) throw new StreamBufferLimitError(this.#max, 'event');
  }
}
