/**
 * @module Work over a large input done in slices: a budget of a few milliseconds per turn of the
 * event loop, after which the work waits for the next turn, so that other requests and open streams
 * are served in between. No request may hold the loop for much over 50 ms; a slice is a few
 * milliseconds so that the work around it (parsing, validation, answering) fits in the same turn.
 *
 * One budget is made per piece of work and handed down to everything it calls (the server's body
 * reading and validation, the fake model's token counts), so a turn has one clock, however deep the
 * work goes. Outside src/server because the fake model, which has no server imports, slices its
 * counting by the caller's budget too. Node only (`setImmediate`).
 */

/** Work done before the event loop gets a turn. */
export const sliceMs = 4;

export class TurnBudget {
  private until = performance.now() + sliceMs;

  /** Whether this turn's slice is used up: then `nextTurn()` before going on. */
  spent(): boolean {
    return performance.now() >= this.until;
  }

  /** Settles in a later turn of the event loop (after its I/O), with a fresh slice. */
  async nextTurn(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.until = performance.now() + sliceMs;
  }
}

/**
 * `each` of every item in order, a turn of the event loop between items whenever the slice is
 * spent: the elements of a batch (up to the spec's 256), or the tokens of a long answer, are made
 * one by one, never all in one turn. At once (no promise) when the whole list fits in the slice.
 */
export function mapInTurns<T, R>(items: readonly T[], each: (item: T, index: number) => R, budget = new TurnBudget()): R[] | Promise<R[]> {
  const results: R[] = [];
  for (let index = 0; index < items.length; index++) {
    if (budget.spent()) return mapRest(items, each, budget, results);
    results.push(each(items[index]!, index));
  }
  return results;
}

async function mapRest<T, R>(items: readonly T[], each: (item: T, index: number) => R, budget: TurnBudget, results: R[]): Promise<R[]> {
  for (let index = results.length; index < items.length; index++) {
    if (budget.spent()) await budget.nextTurn();
    results.push(each(items[index]!, index));
  }
  return results;
}
