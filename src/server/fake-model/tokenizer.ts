/**
 * @module The fake model's tokenizer: OpenAI's `cl100k_base` BPE (through `gpt-tokenizer`, which
 * ships its vocabulary as JavaScript, so nothing is downloaded). Llama 3's tokenizer grew out of
 * the same vocabulary, so counts land close to what SambaNova's Llama endpoints report.
 */
import { decode, encode } from 'gpt-tokenizer/encoding/cl100k_base';

/**
 * Special-token markers such as `<|endoftext|>` in user text are counted as ordinary text: by
 * default the library throws on them, and a prompt must never make token counting fail.
 */
const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

/** Token ids of `text`. */
export function encodeText(text: string): number[] {
  return encode(text, PLAIN_TEXT);
}

/** Number of tokens in `text` (use it for prompt token counts; the caller flattens messages). */
export function countTokens(text: string): number {
  return text.length === 0 ? 0 : encodeText(text).length;
}

/** Text of token ids. */
export function decodeTokens(ids: readonly number[]): string {
  return decode(ids);
}

/** One token's id and text. */
export interface TokenPiece {
  id: number;
  text: string;
}

/**
 * `text` split into tokenizer tokens with the text of each. Only meaningful for text whose every
 * token is complete UTF-8 on its own; the fake model only ever emits ASCII, where that holds (a
 * token of a multi-byte character would decode to U+FFFD alone).
 */
export function tokenize(text: string): TokenPiece[] {
  return encodeText(text).map((id) => ({ id, text: tokenText(id) }));
}

/** Each token's text, decoded once: the vocabulary is fixed and the fake model reuses few tokens. */
const tokenTexts = new Map<number, string>();
function tokenText(id: number): string {
  let text = tokenTexts.get(id);
  if (text === undefined) {
    text = decode([id]);
    tokenTexts.set(id, text);
  }
  return text;
}

/** UTF-8 bytes of a token's text, as OpenAI-style logprobs report them. */
export function utf8Bytes(text: string): number[] {
  return Array.from(new TextEncoder().encode(text));
}
