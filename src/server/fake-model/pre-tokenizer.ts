/**
 * @module cl100k's pre-tokenization: the split of a text into pieces (a word with its leading
 * space, a run of up to three digits, punctuation with its trailing newlines, whitespace) that
 * BPE then encodes one by one, never merging across two pieces. ASCII text, all the fake model
 * writes and most prompts, is split by a hand-written scanner: the library's Unicode regex costs
 * about as much as the rest of a request. Any other text goes through that regex itself.
 *
 * One departure: a piece longer than MAX_PIECE_CHARS is cut into pieces of that length. The
 * library's BPE costs the square of a piece's length (a prompt of 128 KB of one letter held the
 * event loop for seconds) and finding a piece costs its length, so without the cut one run of a
 * character could stall the server. Real text has no such pieces (the longest cl100k token is 128
 * characters), so its tokens are the library's.
 */
import { CL100K_TOKEN_SPLIT_REGEX } from 'gpt-tokenizer/encodingParams/constants';

const LETTER = 1;
const DIGIT = 2;
/** `\s`: tab, line feed, vertical tab, form feed, carriage return, space. */
const SPACE = 4;
/** `\r` and `\n`, which the split regex treats apart from other whitespace. */
const NEWLINE = 8;
/** Anything else: `[^\s\p{L}\p{N}]`. */
const OTHER = 16;

/** Longest piece: longer runs are cut (see the module comment). */
const MAX_PIECE_CHARS = 256;
/** Characters from a piece's start that finding its end reads: the longest piece and one more. */
export const PIECE_LOOKAHEAD = MAX_PIECE_CHARS + 1;

const CLASSES = new Uint8Array(128);
for (let code = 0; code < 128; code++) {
  const char = String.fromCharCode(code);
  CLASSES[code] = /[A-Za-z]/.test(char) ? LETTER : /\d/.test(char) ? DIGIT : /[\r\n]/.test(char) ? SPACE | NEWLINE : /\s/.test(char) ? SPACE : OTHER;
}

/**
 * Where the scanner sees the text end: one character past the longest piece, so that it never scans
 * further whatever the text, and a piece that reaches it is known to be too long.
 */
let scanEnd = 0;

/** Class of the character at `index`; 0 past the end of the scan; -1 for a non-ASCII character. */
function classAt(text: string, index: number): number {
  if (index >= scanEnd) return 0;
  const code = text.charCodeAt(index);
  return code < 128 ? (CLASSES[code] as number) : -1;
}

/** Thrown to leave the scanner when it meets a non-ASCII character. */
const NOT_ASCII = new Error('not ASCII');

function classIs(text: string, index: number, wanted: number): boolean {
  const found = classAt(text, index);
  if (found < 0) throw NOT_ASCII;
  return (found & wanted) !== 0;
}

/**
 * End of the piece that starts at `start` in ASCII `text`: the split regex's alternatives in its
 * order, `'(?:[sS]|[dD]|[mM]|[tT]|[lL][lL]|[vV][eE]|[rR][eE])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}|
 * ?[^\s\p{L}\p{N}]+[\r\n]*|\s+$|\s*[\r\n]|\s+(?!\S)|\s`, the first that matches winning.
 */
function asciiPieceEnd(text: string, start: number): number {
  scanEnd = Math.min(text.length, start + PIECE_LOOKAHEAD);
  return Math.min(asciiScan(text, start), start + MAX_PIECE_CHARS);
}

function asciiScan(text: string, start: number): number {
  const first = classAt(text, start);
  if (first < 0) throw NOT_ASCII;
  if (text.charCodeAt(start) === 39) {
    const a = text.charCodeAt(start + 1) | 32;
    const b = text.charCodeAt(start + 2) | 32;
    if (a === 115 || a === 100 || a === 109 || a === 116) return start + 2; // 's 'd 'm 't
    if ((a === 108 && b === 108) || (a === 118 && b === 101) || (a === 114 && b === 101)) return start + 3; // 'll 've 're
  }
  if (first & LETTER || (!(first & (NEWLINE | DIGIT)) && classIs(text, start + 1, LETTER))) {
    let end = start + 1;
    while (classIs(text, end, LETTER)) end++;
    return end;
  }
  if (first & DIGIT) {
    let end = start + 1;
    while (end < start + 3 && classIs(text, end, DIGIT)) end++;
    return end;
  }
  const punctuation = text.charCodeAt(start) === 32 && classIs(text, start + 1, OTHER) ? start + 1 : start;
  if (classIs(text, punctuation, OTHER)) {
    let end = punctuation + 1;
    while (classIs(text, end, OTHER)) end++;
    while (classIs(text, end, NEWLINE)) end++;
    return end;
  }
  // A whitespace run: all of it at the end of the text, else up to its last newline, else all
  // but its last character (left to start the next piece, as in " word"), else the one character.
  let end = start;
  let afterNewline = -1;
  while (classIs(text, end, SPACE)) {
    if (classIs(text, end, NEWLINE)) afterNewline = end + 1;
    end++;
  }
  if (end === scanEnd) return end;
  if (afterNewline > 0) return afterNewline;
  return end - start >= 2 ? end - 1 : start + 1;
}

/** The split regex, sticky: it matches the piece that starts where it is told, or nothing. */
const SPLIT_AT = new RegExp(CL100K_TOKEN_SPLIT_REGEX.source, `${CL100K_TOKEN_SPLIT_REGEX.flags.replace('g', '')}y`);

/**
 * End of the piece that starts at `start`, by the library's regex, run over a window one character
 * longer than the longest piece (a match that fills the window is a piece too long, and is cut).
 */
function regexPieceEnd(text: string, start: number): number {
  const windowEnd = Math.min(text.length, start + PIECE_LOOKAHEAD);
  const window = start === 0 && windowEnd === text.length ? text : text.slice(start, windowEnd);
  SPLIT_AT.lastIndex = 0;
  const match = SPLIT_AT.exec(window);
  // Every character starts some alternative, so there is always a match; the guard keeps the walk moving.
  const length = match === null ? 1 : Math.max(1, match[0].length);
  return start + Math.min(length, MAX_PIECE_CHARS);
}

/**
 * Walks the pieces of a text one at a time, so that a caller can stop and go on later: with the
 * hand-written scanner while the text is ASCII, with the regex from the first other character on.
 */
export class PieceCursor {
  /** Where the next piece starts. */
  position = 0;
  /** Whether everything walked so far is ASCII. */
  ascii = true;

  constructor(readonly text: string) {}

  get done(): boolean {
    return this.position >= this.text.length;
  }

  /** End of the next piece, which the cursor moves past. */
  next(): number {
    if (this.ascii) {
      try {
        return (this.position = asciiPieceEnd(this.text, this.position));
      } catch (error) {
        if (error !== NOT_ASCII) throw error;
        this.ascii = false;
      }
    }
    return (this.position = regexPieceEnd(this.text, this.position));
  }
}
