/** How long the client waits before a retry: what the service asked for, else backoff with jitter. */
import { describe, expect, it } from 'vitest';
import { backoffMs, isRetryableStatus, serverDelayMs } from '../../src/client/retry.js';

describe('serverDelayMs', () => {
  const now = Date.parse('2026-12-05T18:00:00Z');
  it('reads Retry-After in seconds and as an HTTP date, retry-after-ms, and Cloud\'s request-window reset when no request is left', () => {
    expect(serverDelayMs(new Headers({ 'retry-after': '3' }), now)).toBe(3000);
    expect(serverDelayMs(new Headers({ 'retry-after': '0' }), now)).toBe(0);
    expect(serverDelayMs(new Headers({ 'retry-after': 'Sat, 05 Dec 2026 18:00:07 GMT' }), now)).toBe(7000);
    expect(serverDelayMs(new Headers({ 'retry-after': 'Sat, 05 Dec 2026 17:59:00 GMT' }), now)).toBe(0);
    expect(serverDelayMs(new Headers({ 'retry-after-ms': '250', 'retry-after': '9' }), now)).toBe(250);
    expect(serverDelayMs(new Headers({ 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '12.5' }), now)).toBe(12_500);
    expect(serverDelayMs(new Headers({ 'x-ratelimit-remaining-requests': '3', 'x-ratelimit-reset-requests': '12' }), now)).toBeUndefined();
    expect(serverDelayMs(new Headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
    expect(serverDelayMs(new Headers(), now)).toBeUndefined();
  });
});

describe('backoffMs', () => {
  it('doubles from 0.5 s up to 8 s, each cut by at most a quarter at random', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffMs(n, undefined, () => 0))).toEqual([500, 1000, 2000, 4000, 8000, 8000]);
    expect(backoffMs(1, undefined, () => 1)).toBe(375);
    expect(backoffMs(3, new Headers({ 'retry-after': '1' }), () => 0.5)).toBe(1000);
  });
});

it('retries 408, 409, 429 and 5xx only', () => {
  expect([400, 401, 404, 408, 409, 413, 422, 424, 429, 500, 502, 503, 504].filter(isRetryableStatus)).toEqual([408, 409, 429, 500, 502, 503, 504]);
});
