/**
 * Authentication as the real services do it: the `key` header (SambaStudio native),
 * `Authorization: Bearer` (OpenAI-compatible, Cloud, LMI), `x-api-key` (Cloud Messages), read from
 * each operation's security requirements. With a configured key only that key passes (compared in
 * constant time); without one any non-empty key passes. An empty requirement (`{}`, "no key needed",
 * as on LMI, which checks no keys) lets a request through only while no key is configured: a server
 * started with `--api-key` guards every operation.
 * @module
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Route, SecurityScheme } from './routes.js';

export type AuthResult = { ok: true } | { ok: false; reason: 'missing' | 'invalid'; expected: string };

const passed: AuthResult = Object.freeze({ ok: true });

/**
 * Every request passes here, a burst of thousands at once: a request that passes makes no array,
 * closure or result object (the garbage of a burst's set-up is what its scavenges copy).
 */
export function authenticate(route: Route, headers: IncomingHttpHeaders, apiKey: string | undefined): AuthResult {
  if (route.security.length === 0) return passed;
  let sawKey = false;
  for (const alternative of route.security) {
    if (alternative.length === 0) {
      if (apiKey === undefined) return passed;
      continue;
    }
    // Every scheme of the alternative presents a key that passes; a key is compared only while all before it passed.
    let passes = true;
    for (const scheme of alternative) {
      const key = presentedKey(scheme, headers);
      if (key !== undefined) sawKey = true;
      if (passes && (key === undefined || key === '' || (apiKey !== undefined && !sameSecret(key, apiKey)))) passes = false;
    }
    if (passes) return passed;
  }
  return { ok: false, reason: sawKey ? 'invalid' : 'missing', expected: describeSecurity(route.security) };
}

/** How the operation wants its key, in words (`header "key"`, `Authorization: Bearer <key>`). */
export function describeSecurity(security: readonly (readonly SecurityScheme[])[]): string {
  return security.filter((alt) => alt.length > 0).map((alt) => alt.map((s) => (s.kind === 'bearer' ? 'an `Authorization: Bearer <key>` header' : `a \`${s.headerName}\` header`)).join(' and ')).join(' or ');
}

function presentedKey(scheme: SecurityScheme, headers: IncomingHttpHeaders): string | undefined {
  const raw = headers[scheme.headerName.toLowerCase()];
  if (raw === undefined) return undefined;
  const value = Array.isArray(raw) ? raw.join(', ') : raw;
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
