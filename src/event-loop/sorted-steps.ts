/**
 * @module Strings sorted as `Array.prototype.sort()` sorts them (by UTF-16 code units), as steps
 * that yield when the caller's budget is spent. One `sort()` of 100,000 object keys held the event
 * loop for 50-200 ms (longer when the keys share long prefixes); a merge sort can stop between any
 * two comparisons.
 */
import type { Steps } from './steps.js';
import type { TurnBudget } from './turn-budget.js';

/** Lists this short are sorted in one call: a fraction of a slice, whatever their strings. */
export const SORT_AT_ONCE = 512;
/** Comparisons between two looks at the budget. */
const COMPARISONS_PER_CHECK = 1024;

/** A sorted copy of `items`: the order `items.slice().sort()` gives. */
export function* sortedSteps(items: readonly string[], budget: TurnBudget | undefined): Steps<string[]> {
  if (items.length <= SORT_AT_ONCE || budget === undefined) return items.slice().sort();
  // Bottom-up: runs of SORT_AT_ONCE sorted at once, then merged pairwise into runs twice as long.
  let from: string[] = [];
  for (let start = 0; start < items.length; start += SORT_AT_ONCE) {
    if (budget.spent()) yield;
    for (const item of items.slice(start, start + SORT_AT_ONCE).sort()) from.push(item);
  }
  let to: string[] = new Array<string>(items.length);
  let compared = 0;
  for (let width = SORT_AT_ONCE; width < items.length; width *= 2) {
    for (let start = 0; start < items.length; start += 2 * width) {
      const middle = Math.min(start + width, items.length);
      const end = Math.min(start + 2 * width, items.length);
      let left = start;
      let right = middle;
      for (let out = start; out < end; out++) {
        if (++compared % COMPARISONS_PER_CHECK === 0 && budget.spent()) yield;
        // `<=` keeps equal strings in their order, as the stable `sort()` does.
        to[out] = right >= end || (left < middle && from[left]! <= from[right]!) ? from[left++]! : from[right++]!;
      }
    }
    [from, to] = [to, from];
  }
  return from;
}
