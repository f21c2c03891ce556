/**
 * @module An answer's JSON text, the same bytes `JSON.stringify` writes, made in slices: a batch's
 * answer (256 completions with logprobs run to tens of megabytes), or one answer's 2,000 tokens of
 * logprobs with 20 alternatives each, is written a part at a time, with turns of the event loop
 * between parts whenever the slice is spent. A value is written by one `JSON.stringify` when it is
 * small (at most `wholeNodes` arrays, objects and values, counted up to that many and no further,
 * a long string weighing as many nodes as its escaping costs); a larger one is taken apart into its
 * members or elements, at any depth, and a long string into runs of its characters (a Responses
 * answer echoes `instructions` of megabytes). An ordinary answer is small: one `JSON.stringify`.
 */
import { TurnBudget } from '../event-loop/turn-budget.js';
import { writeStringSteps } from './fake-model/json-writer.js';

/**
 * The most nodes a value written by one `JSON.stringify` holds: under a millisecond of work (an
 * embedding of 4,096 floats, or some 50 tokens with 20 logprobs each), so that a value counted as
 * small never holds the loop, and few enough calls for a large one.
 */
const wholeNodes = 8192;

/**
 * Characters of a string that weigh one node: escaping a run of newlines or control characters
 * costs about as much per 8 characters as a node, so a string counted small is under a millisecond too.
 */
const nodeChars = 8;

/** Text gathered before it becomes one buffer of the answer. */
const pieceChars = 64 * 1024;

/**
 * `JSON.stringify(value)`: one string for an answer without lists; else the same text as UTF-8
 * buffers, encoded in the slices that wrote them (a single string of tens of megabytes would be
 * encoded, and measured for its length, in one turn), as a promise when it took more than one slice.
 */
export function jsonText(value: unknown, piecesOf?: PiecesOf): string | Buffer[] | Promise<Buffer[]> {
  if (isSmall(value)) return JSON.stringify(value);
  const budget = new TurnBudget();
  const pieces = new Pieces(piecesOf);
  const writing = write(value, pieces, budget);
  return writing.next().done ? pieces.end() : finish(writing, pieces, budget);
}

async function finish(writing: Generator<void, boolean>, pieces: Pieces, budget: TurnBudget): Promise<Buffer[]> {
  do await budget.nextTurn();
  while (!writing.next().done);
  return pieces.end();
}

/**
 * The pieces a long string of the request was parsed in (json-body's `textPieces`), when it has
 * them: an answer that echoes it (a Responses answer's `instructions`) is written from them, since
 * the string's first read copies it whole, in one turn.
 */
export type PiecesOf = (text: string) => readonly string[] | undefined;

/** The answer's text as it is written, turned into buffers a piece at a time. */
class Pieces {
  private readonly buffers: Buffer[] = [];
  private pending = '';

  constructor(readonly piecesOf: PiecesOf | undefined) {}

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

/**
 * An array, or a plain object (its text is its members'): what can be written a part at a time.
 * Anything else (a `toJSON` owner, a class instance) is left to `JSON.stringify` whole.
 */
function isContainer(value: unknown): value is Record<string, unknown> | unknown[] {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return (Array.isArray(value) || prototype === Object.prototype || prototype === null) && typeof (value as { toJSON?: unknown }).toJSON !== 'function';
}

/** Whether `value` holds at most `wholeNodes` nodes: counted depth first, stopping once past it. */
function isSmall(value: unknown): boolean {
  if (!isContainer(value)) return typeof value !== 'string' || value.length <= wholeNodes * nodeChars;
  let seen = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node === 'string') seen += node.length / nodeChars;
    if (++seen > wholeNodes) return false;
    if (!isContainer(node)) continue;
    if (Array.isArray(node)) for (const item of node) stack.push(item);
    else for (const key in node) stack.push(node[key]);
  }
  return true;
}

/**
 * Writes the text of `value` to `pieces`, with `prefix` (a separator, a member's key) before it;
 * false when JSON leaves the value out (`undefined`, a function, a symbol). Yields once the slice
 * is spent, to be resumed in a later turn.
 */
function* write(value: unknown, pieces: Pieces, budget: TurnBudget, prefix = ''): Generator<void, boolean> {
  if (isSmall(value)) {
    const text = JSON.stringify(value) as string | undefined;
    if (text !== undefined) pieces.add(prefix + text);
    if (budget.spent()) yield;
    return text !== undefined;
  }
  if (typeof value === 'string') {
    yield* writeString(value, pieces, budget, prefix);
    return true;
  }
  pieces.add(prefix);
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const separator = index === 0 ? '[' : ',';
      if (!(yield* write(value[index], pieces, budget, separator))) pieces.add(`${separator}null`);
    }
    pieces.add(']');
    return true;
  }
  const record = value as Record<string, unknown>;
  let separator = '{';
  for (const key of Object.keys(record)) {
    if (yield* write(record[key], pieces, budget, `${separator}${JSON.stringify(key)}:`)) separator = ',';
  }
  pieces.add(separator === '{' ? '{}' : '}');
  return true;
}

/** A long string's JSON, escaped a run of characters at a time (from its pieces when it has them). */
function* writeString(value: string, pieces: Pieces, budget: TurnBudget, prefix: string): Generator<void> {
  pieces.add(prefix);
  yield* writeStringSteps(pieces.piecesOf?.(value) ?? [value], (text) => pieces.add(text), budget);
}
