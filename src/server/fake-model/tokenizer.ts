/**
 * @module The fake model's tokenizer: OpenAI's `cl100k_base` BPE (through `gpt-tokenizer`, which
 * ships its vocabulary as JavaScript, so nothing is downloaded). Llama 3's tokenizer grew out of
 * the same vocabulary, so counts land close to what SambaNova's Llama endpoints report.
 *
 * BPE never merges across two pre-tokenization pieces, so a text's tokens are its pieces' tokens
 * one after the other: each distinct piece is encoded by the library once and remembered (words
 * repeat constantly in prompts and in the fake model's own text), which gives the library's
 * tokens at a fraction of its cost.
 */
import { decode, encode } from 'gpt-tokenizer/encoding/cl100k_base';
import { pieceEnds } from './pre-tokenizer.js';

/**
 * Special-token markers such as `<|endoftext|>` in user text are counted as ordinary text: by
 * default the library throws on them, and a prompt must never make token counting fail.
 */
const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

/** Token ids of `text`, from the library itself (the reference the piece tokenizer agrees with). */
export function encodeText(text: string): number[] {
  return encode(text, PLAIN_TEXT);
}

/** Text of token ids. */
export function decodeTokens(ids: readonly number[]): string {
  return decode(ids);
}

/**
 * One token and its text. The text is only meaningful when the token is complete UTF-8 on its own;
 * the fake model only ever emits ASCII, where that holds (a token of a multi-byte character decodes
 * to U+FFFD alone).
 */
export interface TokenPiece {
  id: number;
  text: string;
  /** UTF-8 bytes of `text`, as OpenAI-style logprobs report them. */
  bytes: number[];
}

const encoder = new TextEncoder();
const pieceOfId = new Map<number, TokenPiece>();

/** The token of `id`: one shared, frozen object per id, so that tokens cost nothing per request. */
export function tokenOf(id: number): TokenPiece {
  let token = pieceOfId.get(id);
  if (token === undefined) {
    const text = decode([id]);
    token = Object.freeze({ id, text, bytes: Object.freeze(Array.from(encoder.encode(text))) as number[] });
    pieceOfId.set(id, token);
  }
  return token;
}

/** Pieces remembered at most; past that the oldest is forgotten, so user text cannot grow it forever. */
const MAX_PIECES = 50_000;
const tokensOfPiece = new Map<string, readonly TokenPiece[]>();

/** The tokens of one pre-tokenization piece (a piece encodes alone exactly as inside its text). */
function pieceTokens(piece: string): readonly TokenPiece[] {
  let tokens = tokensOfPiece.get(piece);
  if (tokens === undefined) {
    if (tokensOfPiece.size >= MAX_PIECES) tokensOfPiece.delete(tokensOfPiece.keys().next().value as string);
    tokens = Object.freeze(encode(piece, PLAIN_TEXT).map(tokenOf));
    tokensOfPiece.set(piece, tokens);
  }
  return tokens;
}

/** Number of tokens in `text` (use it for prompt token counts; the caller flattens messages). */
export function countTokens(text: string): number {
  let count = 0;
  for (let start = 0; start < text.length; ) {
    const end = lineEnd(text, start);
    count += lineCount(text.slice(start, end));
    start = end;
  }
  return count;
}

/**
 * End of the line that starts at `start`: after the next newline followed by a printable ASCII
 * character, where a piece always ends (no piece runs from a newline on into a non-space). So the
 * counts of such lines add up to the count of the text, and a line can be counted once and remembered.
 */
function lineEnd(text: string, start: number): number {
  for (let newline = text.indexOf('\n', start); newline >= 0; newline = text.indexOf('\n', newline + 1)) {
    const next = text.charCodeAt(newline + 1);
    if (next > 32 && next < 128) return newline + 1;
  }
  return text.length;
}

/**
 * Line counts are remembered (clients resend the same system prompt and the earlier turns), up to
 * this many characters of lines in all; past that the oldest are forgotten, and a longer line is
 * not remembered at all, so that user text cannot grow the memo without bound.
 */
const MAX_LINE_CHARS = 1 << 22;
const MAX_REMEMBERED_LINE = 1 << 16;
const countOfLine = new Map<string, number>();
let lineChars = 0;

function lineCount(line: string): number {
  const known = countOfLine.get(line);
  if (known !== undefined) return known;
  let count = 0;
  let start = 0;
  for (const end of pieceEnds(line).ends) {
    count += pieceTokens(line.slice(start, end)).length;
    start = end;
  }
  if (line.length > MAX_REMEMBERED_LINE) return count;
  for (const [oldest] of countOfLine) {
    if (lineChars + line.length <= MAX_LINE_CHARS) break;
    countOfLine.delete(oldest);
    lineChars -= oldest.length;
  }
  countOfLine.set(line, count);
  lineChars += line.length;
  return count;
}

/** A text with its tokens and where its pieces start, which is what cutting it needs. */
export interface TokenizedText {
  text: string;
  tokens: TokenPiece[];
  /** Per token: whether it is the first of its piece. */
  pieceStarts: boolean[];
  /** Whether the tokens' texts join up to `text`: known for ASCII text (a token of other text may hold part of a character). */
  joined: boolean;
}

/** `text` with its tokens: the tokens of its pieces, one after the other. */
export function tokenizeText(text: string): TokenizedText {
  const { ends, ascii } = pieceEnds(text);
  const tokens: TokenPiece[] = [];
  const pieceStarts: boolean[] = [];
  let start = 0;
  for (const end of ends) {
    const piece = pieceTokens(text.slice(start, end));
    for (let i = 0; i < piece.length; i++) {
      tokens.push(piece[i] as TokenPiece);
      pieceStarts.push(i === 0);
    }
    start = end;
  }
  return { text, tokens, pieceStarts, joined: ascii };
}

/** `text` split into tokenizer tokens, with the text of each. */
export function tokenize(text: string): TokenPiece[] {
  return tokenizeText(text).tokens;
}

/** `\s`, for the ASCII characters a joined text is made of. */
const isSpace = (code: number): boolean => code === 32 || (code >= 9 && code <= 13);

/**
 * The tokens of `written.text.slice(0, end)` for a joined text. Cutting a text leaves every piece
 * that ends before the cut as it was, so only the piece the cut falls in is tokenized again (the
 * split regex looks past a piece only through whitespace: a cut after whitespace is redone whole).
 */
export function tokensBefore(written: TokenizedText, end: number): TokenPiece[] {
  const { text, tokens, pieceStarts } = written;
  if (end <= 0) return [];
  if (isSpace(text.charCodeAt(end - 1))) return tokenize(text.slice(0, end));
  let count = 0;
  let offset = 0;
  while (count < tokens.length && offset + (tokens[count] as TokenPiece).text.length <= end) offset += (tokens[count++] as TokenPiece).text.length;
  if (offset === end && (count === tokens.length || pieceStarts[count])) return tokens.slice(0, count);
  let first = count;
  while (!pieceStarts[first]) offset -= (tokens[--first] as TokenPiece).text.length;
  return tokens.slice(0, first).concat(tokenize(text.slice(offset, end)));
}
