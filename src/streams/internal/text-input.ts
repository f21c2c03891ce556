/** Turns byte or text chunks into text: multibyte characters split across chunks are kept whole, and a leading BOM is dropped once. @module */

const BOM = 0xfeff;
/** One options object for every decode call rather than a new one per chunk. */
const streaming = { stream: true } as const;

export class TextInput {
  #decoder: TextDecoder | undefined;
  #started = false;

  /** The text of one chunk; bytes of a character cut at the end wait for the next chunk. */
  decode(chunk: string | Uint8Array): string {
    // ignoreBOM: the BOM is dropped below instead, so string chunks and byte chunks behave the same.
    const text = typeof chunk === 'string' ? chunk : (this.#decoder ??= new TextDecoder('utf-8', { ignoreBOM: true })).decode(chunk, streaming);
    return this.#started ? text : this.#first(text);
  }

  /** Whatever the decoder still holds at the end of the body (an incomplete character becomes U+FFFD). */
  end(): string {
    const rest = this.#decoder?.decode() ?? '';
    return this.#started ? rest : this.#first(rest);
  }

  #first(text: string): string {
    // An empty chunk (or the first byte of a split BOM) decides nothing yet.
    if (text === '') return text;
    this.#started = true;
    return text.charCodeAt(0) === BOM ? text.slice(1) : text;
  }
}
