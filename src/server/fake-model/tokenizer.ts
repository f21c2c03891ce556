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
import { finishSteps, runSteps, type Steps } from '../../event-loop/steps.js';
import type { TurnBudget } from '../../event-loop/turn-budget.js';
import { PIECE_LOOKAHEAD, PieceCursor } from './pre-tokenizer.js';

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

/**
 * Pieces the library has encoded in this process. A piece of up to MAX_PIECE_CHARS of line breaks
 * and spaces costs the library milliseconds (a run of `\r\n` or of `\n \n` is a token every two or
 * three characters), so sliced work reads the clock after each one rather than every few pieces.
 */
let encodedPieces = 0;

/** The tokens of the cursor's next piece, which it moves past. */
function nextPieceTokens(cursor: PieceCursor): readonly TokenPiece[] {
  const start = cursor.position;
  return pieceTokens(cursor.text.slice(start, cursor.next()));
}

/** The tokens of one pre-tokenization piece (a piece encodes alone exactly as inside its text). */
function pieceTokens(piece: string): readonly TokenPiece[] {
  let tokens = tokensOfPiece.get(piece);
  if (tokens === undefined) {
    if (tokensOfPiece.size >= MAX_PIECES) tokensOfPiece.delete(tokensOfPiece.keys().next().value as string);
    encodedPieces++;
    // Kept as the memo's key, and by the library's own cache as the key of its parts.
    const kept = detached(piece);
    tokens = Object.freeze(encode(kept, PLAIN_TEXT).map(tokenOf));
    tokensOfPiece.set(kept, tokens);
  }
  return tokens;
}

/**
 * A copy of `text` that holds nothing else alive. V8 makes a slice of a dozen or more characters a
 * view of the string it was cut from, so a memo keyed by a piece or a line of a prompt would keep
 * the whole prompt (megabytes of a request long answered) for as long as it remembers the key: a
 * few thousand lines held 12 MB after 10,000 fuzz cases, a heap every major GC then has to carry.
 */
function detached(text: string): string {
  return structuredClone(text);
}

/** Number of tokens in `text`. A prompt of any size is counted with `countTokensUpTo` instead. */
export function countTokens(text: CountedText): number {
  const counter = new TokenCounter(text);
  counter.advance(Infinity, undefined);
  return counter.count;
}

/** The longest cl100k token, in UTF-8 bytes (so in UTF-16 units too): a text has at least length/128 tokens. */
export const MAX_TOKEN_CHARS = 128;

/**
 * A long text with the pieces it is made of, in order: a string of a body parsed in slices (see
 * json-body's `textPieces`) between the short texts around it. V8 keeps such a string as a tree of
 * its pieces until something reads a character of it, which first copies all of it into one flat
 * string, in one turn (12 M characters: 30-60 ms). Counting reads the pieces instead, a window at
 * a time, and never the text.
 */
export interface PiecedText {
  readonly text: string;
  readonly pieces: readonly string[];
}

/** A text to count: a string, or a long one given with its pieces. */
export type CountedText = string | PiecedText;

/** The characters of a counted text (a string's length is known without reading it). */
export function countedLength(text: CountedText): number {
  return typeof text === 'string' ? text.length : text.text.length;
}

/**
 * A text's tokens counted a bounded run at a time: `advance` stops when the caller's turn budget is
 * spent and goes on from there when called again, so that counting a long prompt never holds the event loop for long, and
 * stops for good once a limit is passed (a prompt over the context need not be counted to its end).
 *
 * The text is taken a line at a time (see `lineEnd`), each line's count remembered (a line met for
 * the first time is walked piece by piece, a step each); a line too long to remember, and everything
 * after it, is walked piece by piece. A text given with its pieces is read through a window of them
 * that moves on once a step could read past its end, keeping the unread rest: the steps, and so
 * the count, are those of the whole text.
 */
class TokenCounter {
  count = 0;
  /** The text, or the window of its pieces being read. */
  private text: string;
  /** The pieces not yet in the window; none for a string. */
  private readonly pieces: readonly string[];
  private nextPiece = 0;
  /** Start of the next line to count. */
  private position = 0;
  /** A line met for the first time, walked a piece a step (its pieces may be new to the library), and its tokens so far. */
  private line: { cursor: PieceCursor; count: number } | undefined;
  /** The rest of the text, walked by pieces once a long line was met. */
  private cursor: PieceCursor | undefined;

  constructor(text: CountedText) {
    this.text = typeof text === 'string' ? text : '';
    this.pieces = typeof text === 'string' ? [] : text.pieces;
  }

  /**
   * Counts on until the end of the text, until more than `limit` tokens are counted, or until
   * `budget` is spent (never without one), whichever comes first. True when counting is over (the
   * end was reached or the limit passed).
   */
  advance(limit: number, budget: TurnBudget | undefined): boolean {
    let encoded = encodedPieces;
    for (let step = 1; this.count <= limit; step++) {
      if (this.line !== undefined) {
        const { cursor } = this.line;
        this.line.count += nextPieceTokens(cursor).length;
        if (cursor.done) {
          this.count += rememberLine(cursor.text, this.line.count);
          this.position += cursor.text.length;
          this.line = undefined;
        }
      } else {
        const at = this.cursor?.position ?? this.position;
        if (this.nextPiece < this.pieces.length && at + STEP_LOOKAHEAD > this.text.length) this.slide(at);
        const { text } = this;
        if (this.cursor !== undefined) {
          if (this.cursor.done) return true;
          this.count += nextPieceTokens(this.cursor).length;
        } else {
          if (this.position >= text.length) return true;
          const end = lineEnd(text, this.position);
          if (end < 0) this.cursor = cursorAt(text, this.position, true);
          else {
            const line = text.slice(this.position, end);
            const known = countOfLine.get(line);
            if (known === undefined) this.line = { cursor: new PieceCursor(line), count: 0 };
            else {
              this.count += known;
              this.position = end;
            }
          }
        }
      }
      // A step is at most a remembered line or one piece; the clock is read every few of them, and after any the library encoded.
      if (((step & 7) === 0 || encoded !== encodedPieces) && budget !== undefined && budget.spent()) return false;
      encoded = encodedPieces;
    }
    return true;
  }

  /** The window from `at` on, then the next pieces up to WINDOW_CHARS, joined. */
  private slide(at: number): void {
    const parts = [this.text.slice(at)];
    let chars = parts[0]!.length;
    while (this.nextPiece < this.pieces.length && chars < WINDOW_CHARS) {
      const piece = this.pieces[this.nextPiece++]!;
      parts.push(piece);
      chars += piece.length;
    }
    this.text = parts.join('');
    this.position = 0;
    if (this.cursor !== undefined) this.cursor = cursorAt(this.text, 0, this.cursor.ascii);
  }
}

/** A cursor over `text` from `position`, still on the ASCII scanner if `ascii` (a text's first other character moves it to the regex for good). */
function cursorAt(text: string, position: number, ascii: boolean): PieceCursor {
  const cursor = new PieceCursor(text);
  cursor.position = position;
  cursor.ascii = ascii;
  return cursor;
}

/**
 * Tokens of a prompt of any size, or, once counting has passed `limit`, the count so far (a number
 * above `limit`: the prompt does not fit, and is not counted to its end). A text too long to fit
 * at all is answered at once from its length alone. Counting goes on in the caller's `budget`: in
 * the same turn while it lasts (the whole of any ordinary prompt), then in slices between which the
 * event loop runs, so a caller counting many texts (the turns of a conversation, a list of inputs)
 * holds the loop no longer than its own slice.
 */
export function countTokensUpTo(text: CountedText, limit: number, budget: TurnBudget): number | Promise<number> {
  const atLeast = Math.ceil(countedLength(text) / MAX_TOKEN_CHARS);
  if (atLeast > limit) return atLeast;
  const counter = new TokenCounter(text);
  if (!budget.spent() && counter.advance(limit, budget)) return counter.count;
  return countInSlices(counter, limit, budget);
}

/**
 * The tokens of `text` counted as `countTokensUpTo` does, as steps that yield when `budget` is
 * spent, for work that counts on its way through other such steps (the fake model's tool calls).
 */
export function* countTokensSteps(text: string, limit: number, budget: TurnBudget | undefined): Steps<number> {
  const counter = new TokenCounter(text);
  while (!counter.advance(limit, budget)) yield;
  return counter.count;
}

async function countInSlices(counter: TokenCounter, limit: number, budget: TurnBudget): Promise<number> {
  do await budget.nextTurn();
  while (!counter.advance(limit, budget));
  return counter.count;
}

/**
 * End of the line that starts at `start`: after the next newline followed by a printable ASCII
 * character, where a piece always ends (no piece runs from a newline on into a non-space). So the
 * counts of such lines add up to the count of the text, and a line can be counted once and
 * remembered. -1 when the line is longer than a line that is remembered.
 */
function lineEnd(text: string, start: number): number {
  const last = start + MAX_REMEMBERED_LINE;
  for (let newline = text.indexOf('\n', start); newline >= 0 && newline < last; newline = text.indexOf('\n', newline + 1)) {
    const next = text.charCodeAt(newline + 1);
    if (next > 32 && next < 128) return newline + 1;
  }
  return text.length <= last ? text.length : -1;
}

/**
 * Line counts are remembered (clients resend the same system prompt and the earlier turns), up to
 * this many characters of lines in all; past that the oldest are forgotten. Longer lines are not
 * remembered, so that user text cannot grow the memo without bound.
 */
const MAX_LINE_CHARS = 1 << 22;
const MAX_REMEMBERED_LINE = 1 << 12;
const countOfLine = new Map<string, number>();
let lineChars = 0;

/**
 * Characters a step of the count reads from where it starts: a line (see `lineEnd`) and the one
 * after it, or a pre-tokenization piece. A step that starts at least this far from the end of a
 * window of pieces reads what the whole text holds there, so it finds the same line or piece.
 */
const STEP_LOOKAHEAD = Math.max(MAX_REMEMBERED_LINE + 1, PIECE_LOOKAHEAD);
/** Characters of pieces joined into one window: a copy of well under a millisecond. */
const WINDOW_CHARS = 1 << 16;

/** Remembers the count of a line, and gives it back. */
function rememberLine(line: string, count: number): number {
  for (const [oldest] of countOfLine) {
    if (lineChars + line.length <= MAX_LINE_CHARS) break;
    countOfLine.delete(oldest);
    lineChars -= oldest.length;
  }
  countOfLine.set(detached(line), count);
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
  return finishSteps(tokenizeSteps(text, Infinity, undefined));
}

/**
 * `tokenizeText(text)`, made a piece at a time as steps that yield when `budget` is spent; or, once
 * more than `limit` tokens are found, the tokens of the pieces walked so far, with the start of
 * `text` they spell as its text: enough to know the text does not fit `limit`, and to cut it there.
 */
export function* tokenizeSteps(text: string, limit: number, budget: TurnBudget | undefined): Steps<TokenizedText> {
  const cursor = new PieceCursor(text);
  const tokens: TokenPiece[] = [];
  const pieceStarts: boolean[] = [];
  for (let step = 1; !cursor.done && tokens.length <= limit; step++) {
    const encoded = encodedPieces;
    const piece = nextPieceTokens(cursor);
    for (let i = 0; i < piece.length; i++) {
      tokens.push(piece[i] as TokenPiece);
      pieceStarts.push(i === 0);
    }
    // A piece is at most MAX_PIECE_CHARS; the clock is read every few of them, and after any the library encoded.
    if (((step & 15) === 0 || encoded !== encodedPieces) && budget?.spent()) yield;
  }
  return { text: cursor.done ? text : text.slice(0, cursor.position), tokens, pieceStarts, joined: cursor.ascii };
}

/** `text` split into tokenizer tokens, with the text of each. */
export function tokenize(text: string): TokenPiece[] {
  return tokenizeText(text).tokens;
}

/**
 * `tokenize(text)` in the caller's `budget` (`tokenizeSteps` run by `runSteps`): in the same turn
 * while the slice lasts, then in slices between which the event loop runs (a prompt of a whole
 * context is megabytes). A promise when it took more than the slice.
 */
export function tokenizeInTurns(text: string, budget: TurnBudget): TokenPiece[] | Promise<TokenPiece[]> {
  const made = runSteps(tokenizeSteps(text, Infinity, budget), budget);
  return made instanceof Promise ? made.then((tokenized) => tokenized.tokens) : made.tokens;
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
