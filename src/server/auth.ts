/**
 * Authentication as the real services do it: the `key` header (SambaStudio native),
 * `Authorization: Bearer` (OpenAI-compatible, Cloud, LMI), `x-api-key` (Cloud Messages), read from
 * each operation's security requirements. With a configured key only that key passes (compared in
 * constant time); without one any non-empty key passes.
 * @module
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHeaders } from './request-headers.js';
import type { Route, SecurityScheme } from './routes.js';

export type AuthResult = { ok: true } | { ok: false; reason: 'missing' | 'invalid'; expected: string };

export function authenticate(route: Route, headers: RequestHeaders, apiKey: string | undefined): AuthResult {
  if (route.security.length === 0) return { ok: true };
  let sawKey = false;
  for (const alternative of route.security) {
    const keys = alternative.map((scheme) => presentedKey(scheme, headers));
    if (keys.some((k) => k !== undefined)) sawKey = true;
    if (keys.every((k) => k !== undefined && k !== '' && (apiKey === undefined || sameSecret(k, apiKey)))) return { ok: true };
  }
  return { ok: false, reason: sawKey ? 'invalid' : 'missing', expected: describeSecurity(route.security) };
}

/** How the operation wants its key, in words (`header "key"`, `Authorization: Bearer <key>`). */
export function describeSecurity(security: readonly (readonly SecurityScheme[])[]): string {
  return security.map((alt) => alt.map((s) => (s.kind === 'bearer' ? 'an `Authorization: Bearer <key>` header' : `a \`${s.headerName}\` header`)).join(' and ')).join(' or ');
}

function presentedKey(scheme: SecurityScheme, headers: RequestHeaders): string | undefined {
  const value = headers.get(scheme.headerName);
  if (value === null) return undefined;
  if (scheme.kind === 'header') return value.trim();
  const match = /^Bearer\s+(.*)$/i.exec(value.trim());
  return match ? match[1]!.trim() : '';
}

/** Constant-time comparison that also hides the length of the configured key. */
function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
