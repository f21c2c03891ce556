/**
 * @module Work written once, run either in the caller's turn budget or all at once: a generator that
 * yields whenever the budget it was handed is spent (and never when it was handed none). Code that
 * calls other such work on its way (the fake model choosing a tool, then counting and cutting the
 * call) hands it on with `yield*`, so however deep the work goes, it waits for the next turn of
 * the event loop at one place, `runSteps`. A plain function and a promise-returning twin of the
 * same work would be two copies to keep in step.
 */
import type { TurnBudget } from './turn-budget.js';

/** Work that yields when its budget is spent; its return value is the result. */
export type Steps<T> = Generator<void, T, void>;

/**
 * The result of `steps`, made with `budget`: at once (no promise) when it never yielded, else
 * over later turns of the event loop, a fresh slice each.
 */
export function runSteps<T>(steps: Steps<T>, budget: TurnBudget): T | Promise<T> {
  const first = steps.next();
  return first.done ? first.value : runRest(steps, budget);
}

async function runRest<T>(steps: Steps<T>, budget: TurnBudget): Promise<T> {
  for (;;) {
    await budget.nextTurn();
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** The result of `steps` made without a budget (which never yield), at once. */
export function finishSteps<T>(steps: Steps<T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** Yields when `budget` (if any) is spent: a point where long work may wait for the next turn. */
export function* pause(budget: TurnBudget | undefined): Steps<void> {
  if (budget?.spent()) yield;
}
