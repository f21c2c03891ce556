/**
 * @module A request's own regular expressions (json_schema `pattern`s and `patternProperties`)
 * run on RE2's engine (re2js): time linear in the text, whatever the pattern. V8's backtracking
 * engine took 2.5 s to test `^(a+)+$` against 22 `a`s and a `!`, and doubles with each `a`, so
 * one request could hold the server for minutes. RE2 has no lookarounds or backreferences: a
 * pattern that needs them is not run at all (null), and what depended on it says so where it is used.
 */
import { RE2JS } from 're2js';

export interface LinearPattern {
  /** Whether the pattern matches anywhere in `text` (JSON Schema patterns are not anchored). */
  test(text: string): boolean;
}

/**
 * The longest text a sample is checked over. RE2 runs a pattern at a fraction of a microsecond a
 * character, not the few nanoseconds V8 takes on a benign one, so a check of a long text would
 * hold the event loop: longer samples go unchecked (the samplers follow the pattern as they write).
 */
export const CHECKED_CHARS = 16_384;

/** Compiled patterns kept; a schema's patterns repeat across its samples and requests. */
const CACHE_LIMIT = 512;
const cache = new Map<string, LinearPattern | null>();

/** `pattern` (ECMA-262 syntax) on RE2's engine, or null when RE2 cannot express it or it is not a valid pattern. */
export function linearPattern(pattern: string): LinearPattern | null {
  const hit = cache.get(pattern);
  if (hit !== undefined) return hit;
  let compiled: LinearPattern | null;
  try {
    compiled = RE2JS.compile(RE2JS.translateRegExp(pattern));
  } catch {
    compiled = null;
  }
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(pattern, compiled);
  return compiled;
}

/**
 * ajv's `code.regExp`: a pattern RE2 cannot express makes the schema's compile fail (its samples
 * then go unchecked). `code` is what standalone code would call; these checkers are never written out.
 */
export const linearRegExp = Object.assign(
  (pattern: string): LinearPattern => {
    const compiled = linearPattern(pattern);
    if (compiled === null) throw new Error(`pattern ${JSON.stringify(pattern)} needs a backtracking engine`);
    return compiled;
  },
  { code: 'linearRegExp' },
);
