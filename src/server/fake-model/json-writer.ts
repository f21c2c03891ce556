/**
 * @module JSON written as steps to a sink, a piece at a time, so that a value of tens of thousands
 * of members (keys sorted by the hundred thousand, strings of megabytes) is written in the caller's
 * turn budget: `JSON.stringify`'s text in the value's own key order (the fake model's answers), or
 * canonical JSON, object keys sorted at every level (the stable text that request parameters are
 * hashed from, so that key order in a request body never changes the output; the request hash
 * reads it without building the text). Either way, what JSON cannot hold is left out of objects and
 * `null` in arrays.
 */
import { finishSteps, type Steps } from '../../event-loop/steps.js';
import { SORT_AT_ONCE, sortedSteps } from '../../event-loop/sorted-steps.js';
import type { TurnBudget } from '../../event-loop/turn-budget.js';

/** Where the text goes, a piece at a time. */
export type TextSink = (text: string) => void;

/** Characters of a string escaped and written at a time. */
const STRING_PIECE = 1 << 16;
/** Values written between two looks at the budget (a small value is written at once, whatever the budget). */
const VALUES_PER_CHECK = 256;

/**
 * A string given as the pieces it is made of (a long prompt: see the tokenizer's `PiecedText`),
 * written as that string from its pieces, so the string itself is never read (its first read copies
 * it whole, in one turn).
 */
export class StringPieces {
  constructor(readonly pieces: readonly string[]) {}
}

/** Object keys as they are (`JSON.stringify`'s order) or sorted (canonical JSON). */
export type KeyOrder = 'own' | 'sorted';

/** `value` as canonical JSON text. */
export function canonicalJson(value: unknown): string {
  let json = '';
  finishSteps(writeJsonSteps(value, (text) => (json += text), undefined, 'sorted'));
  return json;
}

/**
 * `JSON.stringify(value)`, written as steps: a string of megabytes in it is escaped a piece at a
 * time, and the text is joined without copying (V8 keeps it as a rope of its pieces until read).
 */
export function* jsonTextSteps(value: unknown, budget: TurnBudget | undefined): Steps<string> {
  let json = '';
  yield* writeJsonSteps(value, (text) => (json += text), budget, 'own');
  return json;
}

/** `value`'s JSON handed to `write` in pieces, as steps that yield when `budget` is spent. */
export function writeJsonSteps(value: unknown, write: TextSink, budget: TurnBudget | undefined, order: KeyOrder): Steps<void> {
  return writeValue(value, { write, budget, order, values: 0 });
}

interface Writer {
  write: TextSink;
  budget: TurnBudget | undefined;
  order: KeyOrder;
  /** Values written so far (keys included): the budget is looked at every `VALUES_PER_CHECK`. */
  values: number;
}

function* writeValue(value: unknown, writer: Writer): Steps<void> {
  const { write, budget } = writer;
  if (++writer.values % VALUES_PER_CHECK === 0 && budget?.spent()) yield;
  if (typeof value === 'string' && value.length > STRING_PIECE) return yield* writeStringSteps([value], write, budget);
  if (value instanceof StringPieces) return yield* writeStringSteps(value.pieces, write, budget);
  if (value === null || typeof value !== 'object') return write(scalarJson(value));
  if (Array.isArray(value)) {
    write('[');
    for (let i = 0; i < value.length; i++) {
      if (i > 0) write(',');
      if (!wroteAtOnce(value[i], writer)) yield* writeValue(value[i], writer);
    }
    return write(']');
  }
  const record = value as Record<string, unknown>;
  // Object.keys makes a fresh array: a short one is sorted in place, with no copy, and one already
  // in order (the request hash's own fields are written so) is not sorted at all.
  let keys = Object.keys(record);
  if (writer.order === 'sorted' && !inOrder(keys)) keys = keys.length <= SORT_AT_ONCE ? keys.sort() : yield* sortedSteps(keys, budget);
  let written = 0;
  write('{');
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const item = record[key];
    if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
    if (written++ > 0) write(',');
    if (!wroteAtOnce(key, writer)) yield* writeValue(key, writer);
    write(':');
    if (!wroteAtOnce(item, writer)) yield* writeValue(item, writer);
  }
  write('}');
}

/**
 * A scalar or a short string written at once, counted as `writeValue` counts it; false (nothing
 * written) for what needs `writeValue`'s steps: a container, a long string, or the value at which the
 * budget is looked at. Most values of a request are scalars: a generator each was most of what
 * hashing an ordinary request allocated (3 of its 5 KB).
 */
function wroteAtOnce(value: unknown, writer: Writer): boolean {
  if ((writer.values + 1) % VALUES_PER_CHECK === 0) return false;
  if ((value !== null && typeof value === 'object') || (typeof value === 'string' && value.length > STRING_PIECE)) return false;
  writer.values++;
  writer.write(scalarJson(value));
  return true;
}

/** Whether `keys` are already in the order `sort()` gives (by UTF-16 code units). */
function inOrder(keys: readonly string[]): boolean {
  for (let i = 1; i < keys.length; i++) if (keys[i - 1]! > keys[i]!) return false;
  return true;
}

function scalarJson(value: unknown): string {
  if (typeof value === 'number' && !Number.isFinite(value)) return 'null';
  if (typeof value === 'bigint') return JSON.stringify(value.toString());
  return JSON.stringify(value) ?? 'null';
}

/**
 * `JSON.stringify(text)` of the text `pieces` make, written a run at a time, as steps that yield
 * when `budget` is spent: the runs' escapes are the whole string's, as long as no cut falls between
 * the two halves of a surrogate pair (a lone half is escaped on its own).
 */
export function* writeStringSteps(pieces: readonly string[], write: TextSink, budget: TurnBudget | undefined): Steps<void> {
  write('"');
  let held = '';
  for (let index = 0; index < pieces.length; index++) {
    let text = held + pieces[index]!;
    held = '';
    // A high surrogate that ends a piece waits for the next, which may start with its pair.
    if (index < pieces.length - 1 && isHighSurrogate(text.charCodeAt(text.length - 1))) {
      held = text.slice(-1);
      text = text.slice(0, -1);
    }
    for (let start = 0; start < text.length; ) {
      if ((start > 0 || index > 0) && budget?.spent()) yield;
      let end = Math.min(start + STRING_PIECE, text.length);
      if (end < text.length && isHighSurrogate(text.charCodeAt(end - 1)) && isLowSurrogate(text.charCodeAt(end))) end--;
      write(JSON.stringify(text.slice(start, end)).slice(1, -1));
      start = end;
    }
  }
  write('"');
}

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;
