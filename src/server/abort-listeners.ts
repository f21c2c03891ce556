/**
 * Listening for one signal's abort from many places at O(1) each. `EventTarget.addEventListener`
 * walks the signal's whole listener list to skip duplicates (and so does removing one), so a
 * thousand open streams each listening for the server's shutdown cost a million steps per wave.
 * Here each signal gets one real listener, and the callers a set.
 * @module
 */

const listenersBySignal = new WeakMap<AbortSignal, Set<() => void>>();

/** Calls `listener` once when `signal` aborts (never, if it already has: check `aborted` first); returns the function that stops listening. */
export function onAbort(signal: AbortSignal, listener: () => void): () => void {
  let listeners = listenersBySignal.get(signal);
  if (!listeners) {
    const created = new Set<() => void>();
    listeners = created;
    listenersBySignal.set(signal, created);
    signal.addEventListener(
      'abort',
      () => {
        for (const each of created) each();
        created.clear();
      },
      { once: true },
    );
  }
  const own = listeners;
  own.add(listener);
  return () => own.delete(listener);
}
