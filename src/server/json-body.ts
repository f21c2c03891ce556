/**
 * Parses a JSON request body without holding the event loop: a small body with `JSON.parse` at once,
 * a large one with @streamparser/json (a maintained, dependency-free incremental parser) fed in
 * slices with a turn of the event loop between them. The incremental parse refuses nesting and
 * member counts past `bodySizeLimits` as soon as it meets them, so a body of millions of
 * items, an object of a hundred thousand keys or a deep run of `[` costs the work up to the limit,
 * not the whole body.
 * @module
 */
import { TokenParser, Tokenizer, TokenType, type ParsedTokenInfo } from '@streamparser/json';
import type { StringBuilder } from '@streamparser/json/utils/bufferedString.js';
import { TurnBudget } from '../event-loop/turn-budget.js';
import type { CountedText, PiecedText } from './fake-model/index.js';
import type { PiecesOf } from './json-text.js';
import { checkSize, noteMeasuredSize, sizeViolation, type SizeLimits } from '../validate/limits.js';
import { escapeSegment, type Violation } from '../validate/violations.js';

/**
 * The size limits of the server's request bodies, applied while parsing and again by the
 * validators. The validators' default of a million members would hold the event loop for about a
 * second in one validation; a hundred thousand cost a few tens of milliseconds, and is far past
 * any request these APIs take (no context holds 100,000 messages). One object's keys are listed
 * whole by every pass over it (the validators, the fake model, the answer's writer): 10,000 cost
 * about a millisecond a pass, 99,000 twenty; OpenAI's structured outputs take 5,000 properties in
 * all. sambakit's choice.
 */
export const bodySizeLimits = { maxDepth: 64, maxNodes: 100_000, maxMembers: 10_000 } as const satisfies Required<SizeLimits>;

export type JsonParseResult = { ok: true; value: unknown } | { ok: false; message: string } | { ok: false; violation: Violation };

/**
 * Bodies up to this size are parsed by one `JSON.parse` call: a few milliseconds at most, and the
 * fastest way for the usual request. Larger ones are parsed in slices.
 */
export const syncParseBytes = 256 * 1024;
/** Bytes handed to the incremental parser per call: well under a millisecond of work. */
const pieceBytes = 16 * 1024;

/**
 * The body, given as the chunks it came in, parsed: synchronously when small, else a promise settled
 * after the sliced parse (the chunks are never joined: copying megabytes is a long turn too).
 */
export function parseJsonBody(chunks: readonly Buffer[]): JsonParseResult | Promise<JsonParseResult> {
  let size = 0;
  for (const chunk of chunks) size += chunk.byteLength;
  if (size > syncParseBytes) return parseInSlices(chunks);
  return parseAtOnce(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
}

/**
 * Bodies past this size may hold an object wider than `maxMembers` (a member takes at least 5
 * bytes, `"k":0,`): they are measured after their parse, as a large body is while parsed, so that
 * validation need not look at the width of objects (request-validation.ts).
 */
const mayBeWideBytes = 5 * bodySizeLimits.maxMembers;

function parseAtOnce(bytes: Buffer): JsonParseResult {
  let text = bytes.toString('utf8');
  // As a Web body reader would, a UTF-8 byte order mark is not part of the JSON.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  const tooLarge = bytes.byteLength > mayBeWideBytes ? checkSize(value, '/body', bodySizeLimits) : undefined;
  return tooLarge ? { ok: false, violation: tooLarge } : { ok: true, value };
}

async function parseInSlices(chunks: readonly Buffer[]): Promise<JsonParseResult> {
  const parse = new IncrementalParse();
  // Decoded here rather than by the parser, so that invalid UTF-8 becomes U+FFFD as it does for
  // `JSON.parse` of a small body (the parser's own decoder would refuse it).
  const decoder = new TextDecoder('utf-8', { ignoreBOM: false });
  const budget = new TurnBudget();
  for (const chunk of chunks) {
    for (let offset = 0; offset < chunk.byteLength && !parse.failed; offset += pieceBytes) {
      parse.write(decoder.decode(chunk.subarray(offset, offset + pieceBytes), { stream: true }));
      if (budget.spent()) await budget.nextTurn();
    }
  }
  parse.write(decoder.decode());
  return parse.end();
}

/**
 * A JSON document that came as a string inside a request (SambaStudio's `process_prompt`
 * conversations), parsed as a body is: at once when small, else in slices within `budget`, under
 * the same size limits. A string of a large body is read from the pieces it was parsed in when they
 * are given (`textPieces`): read whole, it would first be copied into one flat string (V8 keeps it
 * as a tree of its pieces until then), tens of milliseconds for 20 MB in one turn.
 */
export function parseJsonText(text: string, budget = new TurnBudget(), pieces?: readonly string[]): JsonParseResult | Promise<JsonParseResult> {
  if (text.length > syncParseBytes) return parseTextInSlices(pieces ?? [text], budget);
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

/** Pieces never split a surrogate pair, which the parser would encode apart. */
async function parseTextInSlices(pieces: readonly string[], budget: TurnBudget): Promise<JsonParseResult> {
  const parse = new IncrementalParse();
  for (const text of pieces) {
    for (let offset = 0; offset < text.length && !parse.failed; ) {
      let end = Math.min(text.length, offset + pieceBytes);
      const last = text.charCodeAt(end - 1);
      if (last >= 0xd800 && last <= 0xdbff && end < text.length) end++;
      parse.write(offset === 0 && end === text.length ? text : text.slice(offset, end));
      offset = end;
      if (budget.spent()) await budget.nextTurn();
    }
  }
  return parse.end();
}

/** Strings of a body parsed in slices at least this long keep their pieces (`textPieces`): some milliseconds to copy whole. */
const piecedChars = 1 << 20;

/** The long strings of each body parsed in slices, with their pieces; let go with the body. */
const piecedStrings = new WeakMap<object, PiecedText[]>();

/** The pieces `text`, a string of `body` (as parsed in slices), came in, if it is long: for `parseJsonText`. */
export function textPieces(body: unknown, text: string): readonly string[] | undefined {
  return piecesIn(piecedOf(body), text);
}

/**
 * `textPieces` of `body` without holding the body: an open stream lets its request's body go, yet
 * its events may echo a long string of it (a Responses stream's `instructions`).
 */
export function piecesOfBody(body: unknown): PiecesOf {
  const pieced = piecedOf(body);
  return (text) => piecesIn(pieced, text);
}

const piecedOf = (body: unknown) => (typeof body === 'object' && body !== null ? piecedStrings.get(body) : undefined);

function piecesIn(pieced: readonly PiecedText[] | undefined, text: string): readonly string[] | undefined {
  if (pieced === undefined || text.length < piecedChars) return undefined;
  const alike = pieced.filter((each) => each.text.length === text.length);
  // The same string object is compared without reading its characters, two others by reading both
  // whole: strings of one length are not told apart (then they are read as they are).
  return alike.length === 1 && alike[0]!.text === text ? alike[0]!.pieces : undefined;
}

/**
 * `texts`, strings of `body`, joined with `separator` as `join` would, by concatenation (a rope:
 * `join` copies the whole into one flat string), and kept as a string of `body` with the pieces of
 * them all when long, so that counting and the request hash read pieces (a Messages `system` of
 * several blocks).
 */
export function joinedText(body: unknown, texts: readonly string[], separator: string): string {
  if (texts.length === 1) return texts[0]!;
  let text = '';
  const pieces: string[] = [];
  texts.forEach((each, index) => {
    if (index > 0) {
      text += separator;
      pieces.push(separator);
    }
    text += each;
    const own = textPieces(body, each);
    // One at a time: a text of lone surrogate escapes comes in a piece per character, too many for one call's arguments.
    if (own) for (const piece of own) pieces.push(piece);
    else if (each !== '') pieces.push(each);
  });
  if (text.length >= piecedChars && typeof body === 'object' && body !== null) {
    const pieced = piecedOf(body);
    if (pieced) pieced.push({ text, pieces });
    else piecedStrings.set(body, [{ text, pieces }]);
  }
  return text;
}

/**
 * `text`, a string of `body`, to count: with the pieces it came in when it has them (`textPieces`),
 * so that counting reads them and never the whole string.
 */
export function countedText(body: unknown, text: string): CountedText {
  const pieces = textPieces(body, text);
  return pieces === undefined ? text : { text, pieces };
}

/**
 * The tokenizer's string builder (its `StringBuilder` interface; the default one, `BufferedString`,
 * is the same but for the pieces): a string's UTF-8 bytes gathered in a buffer and decoded a buffer
 * at a time, each decoded piece kept, so a long string can be read later a piece at a time.
 */
class PiecedString implements StringBuilder {
  byteLength = 0;
  /** The text so far, apart from what waits in the buffer. */
  pieces: string[] = [];
  // As the default builder's: invalid UTF-8 cannot come (the parser is fed strings), and would throw.
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private readonly buffer = new Uint8Array(64 * 1024);
  private offset = 0;

  appendChar(char: number): void {
    if (this.offset >= this.buffer.length) this.flush();
    this.buffer[this.offset++] = char;
    this.byteLength += 1;
  }

  appendBuf(buf: Uint8Array, start = 0, end = buf.length): void {
    const size = end - start;
    if (this.offset + size > this.buffer.length) this.flush();
    this.byteLength += size;
    // A span longer than the buffer is whole characters (the tokenizer never cuts one): decoded alone.
    if (size > this.buffer.length) this.pieces.push(this.decoder.decode(buf.subarray(start, end)));
    else {
      this.buffer.set(buf.subarray(start, end), this.offset);
      this.offset += size;
    }
  }

  appendCharCode(code: number): void {
    this.flush();
    this.pieces.push(String.fromCharCode(code));
  }

  reset(): void {
    this.pieces = [];
    this.offset = 0;
    this.byteLength = 0;
  }

  toString(): string {
    this.flush();
    const { pieces } = this;
    if (pieces.length === 1) return pieces[0]!;
    let text = '';
    for (const piece of pieces) text += piece;
    return text;
  }

  private flush(): void {
    if (this.offset === 0) return;
    this.pieces.push(this.decoder.decode(this.buffer.subarray(0, this.offset)));
    this.offset = 0;
  }
}

/**
 * One incremental parse, counting depth and members as the validators' size check does; the value's
 * measure is handed to that check (`noteMeasuredSize`), which then need not walk it again, unless a
 * key came twice (the member it replaced may have held more than one, or been counted twice in its
 * object).
 */
class IncrementalParse {
  private outcome: JsonParseResult | undefined;
  private readonly tokenizer = new Tokenizer();
  private readonly strings = new PiecedString();
  private readonly pieced: PiecedText[] = [];
  private readonly parser = new TokenParser({ paths: ['$'], keepStack: false });
  private depth = 0;
  private deepest = 0;
  private members = 0;
  private widest = 0;
  private repeatedKey = false;
  /** Whether the container at each depth is an array (its items count as members one by one). */
  private readonly inArray = new Uint8Array(bodySizeLimits.maxDepth + 2);
  /** Members so far of the object open at each depth. */
  private readonly own = new Uint32Array(bodySizeLimits.maxDepth + 2);

  constructor() {
    // The builder is a field the tokenizer reads by this name (@streamparser/json is pinned).
    (this.tokenizer as unknown as { bufferedString: StringBuilder }).bufferedString = this.strings;
    this.tokenizer.onToken = (info) => this.token(info);
    this.tokenizer.onError = (error) => this.fail(error.message);
    this.parser.onError = (error) => this.fail(error.message);
    this.parser.onValue = ({ value }) => {
      this.outcome ??= { ok: true, value };
    };
  }

  get failed(): boolean {
    return this.outcome?.ok === false;
  }

  /** After the value, only whitespace may follow: anything else is written, to be refused. */
  write(text: string): void {
    if (this.outcome === undefined || (this.outcome.ok && text.trim() !== '')) this.tokenizer.write(text);
  }

  end(): JsonParseResult {
    if (this.outcome === undefined && !this.tokenizer.isEnded) this.tokenizer.end();
    const { outcome } = this;
    if (outcome?.ok && typeof outcome.value === 'object' && outcome.value !== null) {
      if (this.pieced.length > 0) piecedStrings.set(outcome.value, this.pieced);
      if (!this.repeatedKey) noteMeasuredSize(outcome.value, { depth: this.deepest, nodes: this.members, widest: this.widest });
    }
    return outcome ?? { ok: false, message: 'Unexpected end of JSON input' };
  }

  private token(info: ParsedTokenInfo): void {
    if (this.failed) return;
    const { token } = info;
    if (token === TokenType.STRING && (info.value as string).length >= piecedChars) this.pieced.push({ text: info.value as string, pieces: this.strings.pieces });
    if (token === TokenType.COLON && !this.repeatedKey) this.repeatedKey = this.keyIsRepeated();
    if (token === TokenType.COLON || (this.inArray[this.depth] === 1 && startsValue(token))) {
      if (++this.members > bodySizeLimits.maxNodes) return this.refuse(sizeViolation('/body', 'maxNodes', bodySizeLimits.maxNodes));
    }
    if (token === TokenType.COLON) {
      const own = ++this.own[this.depth]!;
      if (own > bodySizeLimits.maxMembers) return this.refuse(sizeViolation(`/body${this.openObjectPointer()}`, 'maxMembers', bodySizeLimits.maxMembers));
      if (own > this.widest) this.widest = own;
    }
    if (token === TokenType.LEFT_BRACE || token === TokenType.LEFT_BRACKET) {
      if (++this.depth > bodySizeLimits.maxDepth) return this.refuse(sizeViolation('/body', 'maxDepth', bodySizeLimits.maxDepth));
      this.inArray[this.depth] = token === TokenType.LEFT_BRACKET ? 1 : 0;
      this.own[this.depth] = 0;
      if (this.depth > this.deepest) this.deepest = this.depth;
    } else if (token === TokenType.RIGHT_BRACE || token === TokenType.RIGHT_BRACKET) {
      this.depth--;
    }
    this.parser.write(info);
  }

  /**
   * The JSON Pointer of the object being read, from the keys of the containers the parser holds
   * open (the first is the body's own, which has none; @streamparser/json is pinned).
   */
  private openObjectPointer(): string {
    const { stack } = this.parser as unknown as { stack: ReadonlyArray<{ key: string | number | undefined }> };
    let pointer = '';
    for (let level = 1; level < stack.length; level++) pointer += `/${escapeSegment(String(stack[level]!.key))}`;
    return pointer;
  }

  /** Whether the key just read is already a member of its object (the parser keeps both; @streamparser/json is pinned). */
  private keyIsRepeated(): boolean {
    const { value, key } = this.parser as unknown as { value: object; key: string };
    return Object.hasOwn(value, key);
  }

  private fail(message: string): void {
    if (this.outcome === undefined || this.outcome.ok) this.outcome = { ok: false, message };
  }

  private refuse(found: Violation): void {
    this.outcome = { ok: false, violation: found };
  }
}

function startsValue(token: TokenType): boolean {
  return token !== TokenType.COMMA && token !== TokenType.COLON && token !== TokenType.RIGHT_BRACE && token !== TokenType.RIGHT_BRACKET;
}
