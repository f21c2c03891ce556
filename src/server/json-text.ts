/**
 * @module An answer's JSON text, the same bytes `JSON.stringify` writes, made in slices: a batch's
 * answer (256 completions with logprobs run to tens of megabytes) is written one element at a
 * time, with turns of the event loop between elements whenever the slice is spent. Only lists of
 * several elements are split (the body itself, or a member such as `data`, `items` or
 * `predictions`, and their elements' own lists): an ordinary answer is one `JSON.stringify`.
 */
import { TurnBudget } from '../event-loop/turn-budget.js';

/** Lists down to this depth are written element by element; deeper values whole. */
const splitDepth = 2;

/** Text gathered before it becomes one buffer of the answer. */
const pieceChars = 64 * 1024;

/**
 * `JSON.stringify(value)`: one string for an answer without lists; else the same text as UTF-8
 * buffers, encoded in the slices that wrote them (a single string of tens of megabytes would be
 * encoded, and measured for its length, in one turn), as a promise when it took more than one slice.
 */
export function jsonText(value: unknown): string | Buffer[] | Promise<Buffer[]> {
  if (!holdsList(value)) return JSON.stringify(value);
  const budget = new TurnBudget();
  const pieces = new Pieces();
  const writing = write(value, 0, pieces, budget);
  return writing.next().done ? pieces.end() : finish(writing, pieces, budget);
}

async function finish(writing: Generator<void, boolean>, pieces: Pieces, budget: TurnBudget): Promise<Buffer[]> {
  do await budget.nextTurn();
  while (!writing.next().done);
  return pieces.end();
}

/** The answer's text as it is written, turned into buffers a piece at a time. */
class Pieces {
  private readonly buffers: Buffer[] = [];
  private pending = '';

  add(text: string): void {
    this.pending += text;
    if (this.pending.length >= pieceChars) this.flush();
  }

  end(): Buffer[] {
    this.flush();
    return this.buffers;
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    this.buffers.push(Buffer.from(this.pending));
    this.pending = '';
  }
}

const isList = (value: unknown): value is unknown[] => Array.isArray(value) && value.length > 1;

/** A list of several elements, or a plain object (its text is its members') with one as a member. */
function holdsList(value: unknown): value is Record<string, unknown> | unknown[] {
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) return value.length > 1;
  const prototype = Object.getPrototypeOf(value);
  if ((prototype !== Object.prototype && prototype !== null) || typeof (value as { toJSON?: unknown }).toJSON === 'function') return false;
  for (const key in value) if (isList((value as Record<string, unknown>)[key])) return true;
  return false;
}

/**
 * Writes the text of `value` to `pieces`, with `prefix` (a separator, a member's key) before it;
 * false when JSON leaves the value out (`undefined`, a function, a symbol). Yields once the slice
 * is spent, to be resumed in a later turn.
 */
function* write(value: unknown, depth: number, pieces: Pieces, budget: TurnBudget, prefix = ''): Generator<void, boolean> {
  if (depth === splitDepth || !holdsList(value)) {
    const text = JSON.stringify(value) as string | undefined;
    if (text !== undefined) pieces.add(prefix + text);
    if (budget.spent()) yield;
    return text !== undefined;
  }
  pieces.add(prefix);
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const separator = index === 0 ? '[' : ',';
      if (!(yield* write(value[index], depth + 1, pieces, budget, separator))) pieces.add(`${separator}null`);
    }
    pieces.add(']');
    return true;
  }
  let separator = '{';
  for (const key of Object.keys(value)) {
    if (yield* write(value[key], depth + 1, pieces, budget, `${separator}${JSON.stringify(key)}:`)) separator = ',';
  }
  pieces.add(separator === '{' ? '{}' : '}');
  return true;
}
