/**
 * @module Waiting for a deadline on the `performance.now()` clock, the way every paced answer does.
 * A thousand open streams each wait twenty times a second, so a wait is kept lean: a timer with the
 * wait as its argument (no closure), and the signal's abort heard through one listener per signal
 * for all the waits on it, held in an array (not a Set: adding and removing one entry per token made
 * a Set re-hash all the time; `node:timers/promises` adds and removes an EventTarget listener each time).
 */
import { onAbort } from '../abort-listeners.js';
import { sliceMs } from '../../event-loop/turn-budget.js';

let pending = 0;

/**
 * Timers waiting right now, over every answer of the process. A test hook: once every stream has
 * ended or been cancelled it is back to 0, which shows that no answer is left waiting on a timer.
 */
export function pendingStepTimers(): number {
  return pending;
}

interface Wait {
  atMs: number;
  resolve: () => void;
  reject: (reason: unknown) => void;
  timer: NodeJS.Timeout | undefined;
  /** Where it sits in its signal's list. */
  index: number;
  waits: SignalWaits;
}

/** The waits pending on one signal: all rejected, their timers cleared, when it aborts. */
class SignalWaits {
  private readonly list: Wait[] = [];

  constructor(signal: AbortSignal) {
    onAbort(signal, () => {
      for (const wait of this.list.splice(0)) {
        clearTimeout(wait.timer);
        pending--;
        wait.reject(signal.reason);
      }
    });
  }

  add(wait: Wait): void {
    wait.index = this.list.push(wait) - 1;
  }

  remove(wait: Wait): void {
    const last = this.list.pop()!;
    if (last === wait) return;
    this.list[wait.index] = last;
    last.index = wait.index;
  }
}

const waitsBySignal = new WeakMap<AbortSignal, SignalWaits>();

/**
 * When the turn of the event loop that ended a wait (its timer, or a yield) began: the steps that
 * follow at once, already due, share one slice from here (see `nextTurnIfBusy`).
 */
let turnStartedAt = performance.now();

/** Timers may fire a little early by rounding: a wait ends only once its time really passed. */
function fire(wait: Wait): void {
  const now = performance.now();
  const rest = wait.atMs - now;
  if (rest > 0) {
    wait.timer = setTimeout(fire, Math.ceil(rest), wait);
    return;
  }
  turnStartedAt = now;
  wait.waits.remove(wait);
  pending--;
  wait.resolve();
}

/**
 * For a step that is already due: undefined to go on in this turn, or, once the process has worked
 * for a slice since the turn began, a promise settled in the next turn. A fast pace (or a reader
 * that takes every write at once) makes every step due as soon as asked; without this, a stream
 * would be generated and written to its end in one turn, however long (a stream whose items each
 * echo megabytes held the loop for seconds).
 */
export function nextTurnIfBusy(): Promise<void> | undefined {
  if (performance.now() - turnStartedAt < sliceMs) return undefined;
  return new Promise((resolve) => setImmediate(startTurn, resolve));
}

function startTurn(resolve: () => void): void {
  turnStartedAt = performance.now();
  resolve();
}

/**
 * Resolves once `atMs` has passed, never before: a reported time to first token is never below the
 * one asked for. Rejects with the abort reason when `signal` aborts, and the pending timer is
 * cleared with it.
 */
export function waitUntil(atMs: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(signal.reason);
  const left = atMs - performance.now();
  if (left <= 0) return nextTurnIfBusy() ?? Promise.resolve();
  let waits = waitsBySignal.get(signal);
  if (!waits) waitsBySignal.set(signal, (waits = new SignalWaits(signal)));
  const on = waits;
  return new Promise((resolve, reject) => {
    const wait: Wait = { atMs, resolve, reject, timer: undefined, index: -1, waits: on };
    wait.timer = setTimeout(fire, Math.ceil(left), wait);
    pending++;
    on.add(wait);
  });
}

/**
 * A timer calling `fire(arg)` at `atMs` (or just after), counted in `pendingStepTimers` until it
 * fires or is cleared with `endStepTimer`: the wait of a producer that runs its own timer (no
 * promise, no closure per wait). The callback must call `endStepTimer` first thing.
 */
export function startStepTimer<T>(atMs: number, fire: (arg: T) => void, arg: T): NodeJS.Timeout {
  pending++;
  return setTimeout(fire, Math.max(1, Math.ceil(atMs - performance.now())), arg);
}

/** The timer of `startStepTimer` fired or is no longer wanted (cleared if it has not fired). */
export function endStepTimer(timer: NodeJS.Timeout): void {
  clearTimeout(timer);
  pending--;
}

/** As `waitUntil`, for a caller that goes on either way: false, instead of a rejection, when `signal` aborted first. */
export function reached(atMs: number, signal: AbortSignal): Promise<boolean> {
  return waitUntil(atMs, signal).then(yes, no);
}

const yes = () => true;
const no = () => false;
