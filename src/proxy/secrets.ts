/**
 * Keeps keys out of what the proxy reports: every credential a request carries (its security
 * headers, and the usual ones whatever the spec says) is cut from a record wherever it appears, in
 * a header violation, an echoed body or a message alike.
 * @module
 */

const credentialHeaders = ['authorization', 'proxy-authorization', 'x-api-key', 'api-key', 'key', 'cookie'];
const redacted = '[redacted]';
/** Shorter values are not searched for: they would blank out ordinary words. */
const minimumSecretLength = 4;

/** The credentials in a raw header list; `extraNames` are the operation's own security headers. */
export function credentialsOf(raw: readonly string[], extraNames: readonly string[] = []): string[] {
  const secrets: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (!credentialHeaders.includes(name) && !extraNames.includes(name)) continue;
    const value = raw[i + 1]!.trim();
    secrets.push(value);
    // `Bearer <key>`, `Basic <token>`: the key alone may be echoed elsewhere.
    const space = value.indexOf(' ');
    if (space <= 0) continue;
    const token = value.slice(space + 1).trim();
    secrets.push(token);
    // Basic's token is `user:password` in base64: either half may be the key, in clear elsewhere.
    if (value.slice(0, space).toLowerCase() === 'basic') secrets.push(...basicCredentials(token));
  }
  return secrets.filter((s) => s.length >= minimumSecretLength).sort((a, b) => b.length - a.length);
}

/** The user and the password of a Basic token, and the pair; none when it is not base64 of `user:password`. */
function basicCredentials(token: string): string[] {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(token)) return [];
  const pair = Buffer.from(token, 'base64').toString('utf8');
  const colon = pair.indexOf(':');
  return colon < 0 ? [] : [pair, pair.slice(0, colon), pair.slice(colon + 1)];
}

/** `record` with every secret replaced, as raw text and as it appears inside JSON strings. */
export function withoutSecrets<T>(record: T, secrets: readonly string[]): T {
  if (secrets.length === 0) return record;
  let text = JSON.stringify(record);
  for (const secret of secrets) {
    const escaped = JSON.stringify(secret).slice(1, -1);
    text = text.split(escaped).join(redacted);
  }
  return JSON.parse(text) as T;
}
