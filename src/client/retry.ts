/**
 * When to try a request again and how long to wait first: exponential backoff with jitter, unless
 * the service said how long (`Retry-After` in seconds or as an HTTP date, `retry-after-ms`, or
 * SambaNova Cloud's `x-ratelimit-reset-requests`).
 * @module
 */

/** 408 (the service gave up), 409 (a conflict that may clear), 429 (rate limit), every 5xx. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/** First backoff; doubles per attempt. */
const initialDelayMs = 500;
const maxDelayMs = 8_000;
/** A service asking for a longer wait than this is not waited for: the error is thrown instead. */
export const maxServerDelayMs = 60_000;

/** Milliseconds the service asked to wait, or undefined when it did not say (or said something unreadable). */
export function serverDelayMs(headers: Headers | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  const ms = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const retryAfter = headers.get('retry-after');
  if (retryAfter !== null) {
    const seconds = Number(retryAfter.trim());
    if (retryAfter.trim() !== '' && Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
    const date = Date.parse(retryAfter);
    if (Number.isFinite(date)) return Math.max(0, date - now);
  }
  // Cloud's reset of the per-minute request window, in seconds (e.g. "12" or "12.5").
  const reset = Number.parseFloat(headers.get('x-ratelimit-reset-requests') ?? '');
  if (Number.isFinite(reset) && reset >= 0 && headers.get('x-ratelimit-remaining-requests') === '0') return reset * 1000;
  return undefined;
}

/**
 * The wait before retry number `retry` (1-based): the server's figure when it gave one, else
 * 0.5 s, 1 s, 2 s ... capped at 8 s, each shortened by up to a quarter at random so that clients
 * that failed together do not come back together.
 */
export function backoffMs(retry: number, headers: Headers | undefined, random: () => number = Math.random): number {
  const asked = serverDelayMs(headers);
  if (asked !== undefined) return asked;
  const base = Math.min(initialDelayMs * 2 ** (retry - 1), maxDelayMs);
  return base * (1 - 0.25 * random());
}
