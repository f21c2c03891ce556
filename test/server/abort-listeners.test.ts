/** onAbort: many listeners on one signal, each called once, each removable, at O(1). */
import { describe, expect, it } from 'vitest';
import { onAbort } from '../../src/server/abort-listeners.js';

describe('onAbort', () => {
  it('calls every listener once when the signal aborts, except those that stopped listening', () => {
    const controller = new AbortController();
    const calls: number[] = [];
    const stops = Array.from({ length: 5 }, (_, i) => onAbort(controller.signal, () => calls.push(i)));
    stops[1]!();
    stops[3]!();
    controller.abort();
    controller.abort();
    expect(calls).toEqual([0, 2, 4]);
  });

  it('keeps one listener on the signal itself however many callers listen', () => {
    const controller = new AbortController();
    let added = 0;
    const original = controller.signal.addEventListener.bind(controller.signal);
    controller.signal.addEventListener = ((...args: Parameters<AbortSignal['addEventListener']>) => {
      added++;
      original(...args);
    }) as AbortSignal['addEventListener'];
    for (let i = 0; i < 1000; i++) onAbort(controller.signal, () => {});
    expect(added).toBe(1);
  });

  it('a listener added after the abort is never called (the signal has fired)', () => {
    const controller = new AbortController();
    controller.abort();
    let called = false;
    onAbort(controller.signal, () => (called = true));
    expect(called).toBe(false);
  });
});
