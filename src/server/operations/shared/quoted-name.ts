/**
 * @module A name from the request quoted in an error message, cut when long: a tool, field or model
 * name of megabytes echoed whole made an error body of megabytes (more than a client keeps to read
 * the message), for a message whose point is which name was meant.
 */

/** Longest name quoted whole. */
const quotedNameLength = 200;

/** The first 200 characters of a longer name (cut before a lone high surrogate, so whole characters stay); undefined when it is short enough to quote whole. */
export function cutName(name: string): string | undefined {
  if (name.length <= quotedNameLength) return undefined;
  return name.slice(0, /[\ud800-\udbff]/.test(name.charAt(quotedNameLength - 1)) ? quotedNameLength - 1 : quotedNameLength);
}

/** `"name"`, or its first 200 characters with the full length when longer. */
export function quotedName(name: string): string {
  const cut = cutName(name);
  return cut === undefined ? `"${name}"` : `"${cut}…" (${name.length} characters)`;
}
