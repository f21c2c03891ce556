/**
 * @module Waiting for a deadline on the `performance.now()` clock, the way every paced answer does:
 * one plain timer per wait, and the abort heard through `onAbort` (one real listener per signal),
 * since a thousand open streams each wait twenty times a second and `node:timers/promises` adds
 * and removes an EventTarget listener every time.
 */
import { onAbort } from '../abort-listeners.js';

let pending = 0;

/**
 * Timers waiting right now, over every answer of the process. A test hook: once every stream has
 * ended or been cancelled it is back to 0, which shows that no answer is left waiting on a timer.
 */
export function pendingStepTimers(): number {
  return pending;
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
  return new Promise((resolve, reject) => {
    const fire = () => {
      const rest = atMs - performance.now();
      if (rest > 0) {
        timer = setTimeout(fire, Math.ceil(rest));
        return;
      }
      unlisten();
      pending--;
      resolve();
    };
    let timer = setTimeout(fire, Math.ceil(left));
    pending++;
    const unlisten = onAbort(signal, () => {
      clearTimeout(timer);
      pending--;
      reject(signal.reason);
    });
  });
}
