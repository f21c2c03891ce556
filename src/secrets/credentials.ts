/**
 * Keeps keys out of what the server and the proxy report: every credential a request carries (its
 * security headers, and the usual ones whatever the spec says) is cut wherever it appears, in a
 * header violation, an echoed body, a message or a log line alike.
 * @module
 */
import type { IncomingHttpHeaders } from 'node:http';

const credentialHeaders = ['authorization', 'proxy-authorization', 'x-api-key', 'api-key', 'key', 'cookie'];
const redacted = '[redacted]';
/** Shorter values are not searched for: they would blank out ordinary words. */
const minimumSecretLength = 4;

/** The credentials in a raw header list; `extraNames` are the operation's own security headers. */
export function credentialsOf(raw: readonly string[], extraNames: readonly string[] = []): string[] {
  const values: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (credentialHeaders.includes(name) || extraNames.includes(name)) values.push(raw[i + 1]!);
  }
  return secretsIn(values);
}

/** The credentials in headers as Node parsed them (no copy of the names), and `ownKey`, the key a server is configured with. */
export function credentialsIn(headers: IncomingHttpHeaders, ownKey?: string): string[] {
  const values = ownKey ? [ownKey] : [];
  for (const name of credentialHeaders) {
    const value = headers[name];
    if (typeof value === 'string') values.push(value);
  }
  return secretsIn(values);
}

/** Each header value, and the parts of it that may be echoed alone: longest first, so a part never cuts a whole. */
function secretsIn(values: readonly string[]): string[] {
  const secrets: string[] = [];
  for (const raw of values) {
    const value = raw.trim();
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

/**
 * `text` with every secret replaced, as written and percent-encoded (a path echoes it so). In JSON
 * text a secret is looked for as a JSON string writes it, never as is: a quote or backslash in a key
 * would otherwise be replaced out of the JSON's own syntax.
 */
export function redactText(text: string, secrets: readonly string[], json = false): string {
  for (const secret of secrets) {
    for (const form of [json ? JSON.stringify(secret).slice(1, -1) : secret, encodeURIComponent(secret)]) {
      if (text.includes(form)) text = text.split(form).join(redacted);
    }
  }
  return text;
}

/** `record` with every secret replaced wherever it appears in its JSON. */
export function withoutSecrets<T>(record: T, secrets: readonly string[]): T {
  if (secrets.length === 0) return record;
  return JSON.parse(redactText(JSON.stringify(record), secrets, true)) as T;
}
