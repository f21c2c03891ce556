/** How long the client waits before a retry: what the service asked for, else backoff with jitter; and no wait past a minute. */
import { describe, expect, it } from 'vitest';
import { RateLimitError, SambaNovaCloudChat } from '../../src/client/index.js';
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

describe('a service asking for a wait', () => {
  /** A chat client whose fetch answers 429 with `retry-after` (seconds) until the last of `tries`, then 200. */
  function limited(retryAfter: string, tries: number) {
    let sent = 0;
    const fetch = async () => {
      sent++;
      if (sent < tries) return new Response('{"error":{"message":"slow down"}}', { status: 429, headers: { 'content-type': 'application/json', 'retry-after': retryAfter } });
      return new Response('{"choices":[]}', { headers: { 'content-type': 'application/json' } });
    };
    const client = new SambaNovaCloudChat({ apiKey: 'k', fetch, baseURL: 'http://127.0.0.1:9/v1' });
    return { chat: () => client.chat({ model: 'm', messages: [] }), sent: () => sent };
  }

  it('is waited for up to a minute, then the call is retried', async () => {
    const { chat, sent } = limited('0', 2);
    await expect(chat()).resolves.toEqual({ choices: [] });
    expect(sent()).toBe(2);
  });

  it('longer than a minute is not waited for: the typed error comes at once', async () => {
    const { chat, sent } = limited('61', 2);
    await expect(chat()).rejects.toBeInstanceOf(RateLimitError);
    expect(sent()).toBe(1);
  });
});
