/**
 * @module A name from the request quoted in an error message, cut when long: a tool or field name
 * of megabytes echoed whole made an error body of megabytes (more than a client keeps to read the
 * message), for a message whose point is which name was meant.
 */

/** Longest name quoted whole. */
const quotedNameLength = 200;

/** `"name"`, or its first 200 characters with the full length when longer (cut before a lone high surrogate, so the quote keeps whole characters). */
export function quotedName(name: string): string {
  if (name.length <= quotedNameLength) return `"${name}"`;
  const cut = /[\ud800-\udbff]/.test(name.charAt(quotedNameLength - 1)) ? quotedNameLength - 1 : quotedNameLength;
  return `"${name.slice(0, cut)}…" (${name.length} characters)`;
}
