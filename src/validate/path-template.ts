/** Path templates of the spec (`/v1/{project_id}/chat`) as patterns. @module */

/**
 * A pattern with one group per parameter; `anchored: false` lets any prefix come before (a mount
 * or a server's base path), for reading the parameters of a URL whose operation is known.
 */
export function templatePattern(template: string, anchored = true): RegExp {
  const source = template
    .split(/(\{[^}]+\})/)
    .map((part) => (part.startsWith('{') ? '([^/]+)' : part.replace(/[.*+?^$()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`${anchored ? '^' : ''}${source}/?$`);
}

export function templateParamNames(template: string): string[] {
  return [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
}

/** The parameters of `pathname` by name, decoded, or undefined when it does not fit. */
export function matchTemplate(pattern: RegExp, names: readonly string[], pathname: string): Record<string, string> | undefined {
  const match = pattern.exec(pathname);
  if (!match) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < names.length; i++) params[names[i]!] = safeDecode(match[i + 1]!);
  return params;
}

/** A malformed escape (`%zz`) is kept as sent. */
function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
