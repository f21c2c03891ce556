/** Keeps the API key out of everything the client hands back: a service that echoes it in an error body or message must not leak it into logs. @module */

const mask = '[redacted]';

/** `value` with every occurrence of `secret` in its strings replaced; the same object when there is none. */
export function redactSecret<T>(value: T, secret: string | undefined): T {
  if (!secret) return value;
  if (typeof value === 'string') return (value.includes(secret) ? value.split(secret).join(mask) : value) as T;
  if (!value || typeof value !== 'object') return value;
  // Cheap test first: most bodies do not hold the key.
  if (!JSON.stringify(value).includes(JSON.stringify(secret).slice(1, -1))) return value;
  return JSON.parse(JSON.stringify(value), (_key, v: unknown) => (typeof v === 'string' ? redactSecret(v, secret) : v)) as T;
}
