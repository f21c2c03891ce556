/**
 * Listening for one signal's abort from many places at O(1) each. `EventTarget.addEventListener`
 * walks the signal's whole listener list to skip duplicates (and so does removing one), so a
 * thousand open streams each listening for the server's shutdown cost a million steps per wave.
 * Here each signal gets one real listener, and the callers a set.
 * @module
 */

/** What hears an abort: a function, or an object whose `aborted` is called (an open stream: no closure per stream). */
export type AbortListener = (() => void) | { aborted(): void };

const listenersBySignal = new WeakMap<AbortSignal, Set<AbortListener>>();

/** Calls `listener` once when `signal` aborts (never, if it already has: check `aborted` first); undo with `removeAbortListener`. */
export function addAbortListener(signal: AbortSignal, listener: AbortListener): void {
  let listeners = listenersBySignal.get(signal);
  if (!listeners) {
    const created = new Set<AbortListener>();
    listeners = created;
    listenersBySignal.set(signal, created);
    signal.addEventListener(
      'abort',
      () => {
        for (const each of created) {
          if (typeof each === 'function') each();
          else each.aborted();
        }
        created.clear();
      },
      { once: true },
    );
  }
  listeners.add(listener);
}

export function removeAbortListener(signal: AbortSignal, listener: AbortListener): void {
  listenersBySignal.get(signal)?.delete(listener);
}

/** As `addAbortListener`, returning the function that stops listening. */
export function onAbort(signal: AbortSignal, listener: () => void): () => void {
  addAbortListener(signal, listener);
  return () => removeAbortListener(signal, listener);
}
