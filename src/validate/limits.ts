/**
 * A cheap, iterative look at a value's shape before the schema validators see it: a value nested
 * deeper than any request needs, or with more members than any request has, is refused here,
 * without recursion (no stack overflow at 10,000 levels) and in time linear in what was looked at
 * (it stops at the first limit crossed).
 * @module
 */
import type { Violation } from './violations.js';
import { violation } from './violations.js';

export interface SizeLimits {
  /**
   * Deepest nesting of arrays and objects accepted.
   * @default 64
   */
  maxDepth?: number;
  /**
   * Most array items and object members accepted, counted over the whole value.
   * @default 1_000_000
   */
  maxNodes?: number;
}

/** The defaults of `SizeLimits`, written once: far above any real payload of these APIs. */
export const defaultSizeLimits = { maxDepth: 64, maxNodes: 1_000_000 } as const satisfies Required<SizeLimits>;

/** A violation at `path` when `value` crosses a limit, else undefined. */
export function checkSize(value: unknown, path: string, limits: SizeLimits = defaultSizeLimits): Violation | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const maxDepth = limits.maxDepth ?? defaultSizeLimits.maxDepth;
  const maxNodes = limits.maxNodes ?? defaultSizeLimits.maxNodes;
  const stack: object[] = [value];
  const depths: number[] = [1];
  let nodes = 0;
  while (stack.length > 0) {
    const node = stack.pop()!;
    const depth = depths.pop()!;
    if (depth > maxDepth) return violation(path, 'maxDepth', `nesting at most ${maxDepth} levels deep`, `more than ${maxDepth} levels`);
    if (Array.isArray(node)) {
      nodes += node.length;
      if (nodes > maxNodes) return violation(path, 'maxNodes', `at most ${maxNodes} array items and object members in all`, `more than ${maxNodes}`);
      for (let i = 0; i < node.length; i++) {
        const item: unknown = node[i];
        if (item !== null && typeof item === 'object') {
          stack.push(item);
          depths.push(depth + 1);
        }
      }
    } else {
      for (const key in node) {
        if (++nodes > maxNodes) return violation(path, 'maxNodes', `at most ${maxNodes} array items and object members in all`, `more than ${maxNodes}`);
        const member: unknown = (node as Record<string, unknown>)[key];
        if (member !== null && typeof member === 'object') {
          stack.push(member);
          depths.push(depth + 1);
        }
      }
    }
  }
  return undefined;
}
