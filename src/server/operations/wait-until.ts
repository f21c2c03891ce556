/**
 * @module Waiting for a deadline on the `performance.now()` clock, the way every paced answer does:
 * one plain timer per wait and one abort listener per signal (not per wait), since a thousand open
 * streams each wait twenty times a second and `node:timers/promises` adds and removes a listener
 * on the signal every time.
 */

interface Waiter {
  timer: ReturnType<typeof setTimeout>;
  reject: (reason: unknown) => void;
}

/** The waits pending on each signal, cleared all at once when it aborts. */
const waitersBySignal = new WeakMap<AbortSignal, Set<Waiter>>();
let pending = 0;

/**
 * Timers waiting right now, over every answer of the process. A test hook: once every stream has
 * ended or been cancelled it is back to 0, which shows that no answer is left waiting on a timer.
 */
export function pendingStepTimers(): number {
  return pending;
}

function waitersOf(signal: AbortSignal): Set<Waiter> {
  let waiters = waitersBySignal.get(signal);
  if (!waiters) {
    const created = new Set<Waiter>();
    waiters = created;
    waitersBySignal.set(signal, created);
    signal.addEventListener(
      'abort',
      () => {
        for (const waiter of created) {
          clearTimeout(waiter.timer);
          pending--;
          waiter.reject(signal.reason);
        }
        created.clear();
      },
      { once: true },
    );
  }
  return waiters;
}

/**
 * Resolves once `atMs` has passed. Timers may fire a little early by rounding, so it waits again
 * until the time really passed: a reported time to first token is never below the one asked for.
 * Rejects with the abort reason when `signal` aborts, and the pending timer is cleared with it.
 */
export function waitUntil(atMs: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(signal.reason);
  const left = atMs - performance.now();
  if (left <= 0) return Promise.resolve();
  const waiters = waitersOf(signal);
  return new Promise((resolve, reject) => {
    const waiter: Waiter = { timer: undefined as unknown as Waiter['timer'], reject };
    const fire = () => {
      const rest = atMs - performance.now();
      if (rest > 0) {
        waiter.timer = setTimeout(fire, Math.ceil(rest));
        return;
      }
      waiters.delete(waiter);
      pending--;
      resolve();
    };
    waiter.timer = setTimeout(fire, Math.ceil(left));
    waiters.add(waiter);
    pending++;
  });
}
