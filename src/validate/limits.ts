/**
 * A cheap look at a value's shape before the schema validators see it: a value nested deeper than
 * any request needs, or with more members than any request has, is refused here, without a stack
 * overflow at 10,000 levels (the walk never goes deeper than the limit) and in time linear in what
 * was looked at (it stops at the first limit crossed).
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

/** The deepest `maxDepth` checked by recursion; past it the walk keeps its own stack. */
const recursionSafeDepth = 512;

const walkStack: object[] = [];
const walkDepths: number[] = [];

/**
 * The sizes of values measured as they were built (the server's incremental parse counts depth and
 * members as it goes): the next `checkSize` of such a value reads them instead of walking it, once.
 * A walk of 100,000 members held the event loop for tens of milliseconds, mostly in enumerating the
 * keys of wide objects, which cannot be done in slices.
 */
const measured = new WeakMap<object, { depth: number; nodes: number }>();

/**
 * Records the size of `value`, just built and not yet changed: its deepest nesting (1: an object or
 * array holding no other) and its array items and object members in all, as `checkSize` counts them.
 */
export function noteMeasuredSize(value: object, depth: number, nodes: number): void {
  measured.set(value, { depth, nodes });
}

/** A violation at `path` when `value` crosses a limit, else undefined. */
export function checkSize(value: unknown, path: string, limits: SizeLimits = defaultSizeLimits): Violation | undefined {
  nodesSeen = 0;
  if (value === null || typeof value !== 'object') return undefined;
  const maxDepth = limits.maxDepth ?? defaultSizeLimits.maxDepth;
  const maxNodes = limits.maxNodes ?? defaultSizeLimits.maxNodes;
  const crossed = crossedByMeasure(value, maxDepth, maxNodes) ?? (maxDepth <= recursionSafeDepth ? crossedByRecursion(value, maxDepth, maxNodes) : crossedByLoop(value, maxDepth, maxNodes));
  if (crossed === 'maxDepth') return violation(path, 'maxDepth', `nesting at most ${maxDepth} levels deep`, `more than ${maxDepth} levels`);
  if (crossed === 'maxNodes') return violation(path, 'maxNodes', `at most ${maxNodes} array items and object members in all`, `more than ${maxNodes}`);
  return undefined;
}

type Crossed = 'maxDepth' | 'maxNodes' | undefined;

/**
 * What a walk would find, from a measure taken when `value` was built: undefined (walk it) when there
 * is none, or when both limits are crossed, as then the walk's order decides which one it meets first.
 */
function crossedByMeasure(value: object, maxDepth: number, maxNodes: number): Crossed | 'neither' | undefined {
  const size = measured.get(value);
  if (size === undefined) return undefined;
  measured.delete(value);
  const tooDeep = size.depth > maxDepth;
  const tooMany = size.nodes > maxNodes;
  if (tooDeep && tooMany) return undefined;
  nodesSeen = tooDeep || tooMany ? 0 : size.nodes;
  return tooDeep ? 'maxDepth' : tooMany ? 'maxNodes' : 'neither';
}

/** Array items and object members counted by the last `checkSize` that passed (0 for a primitive). */
export function nodesOfLastCheck(): number {
  return nodesSeen;
}

let nodesSeen = 0;

/**
 * The common case (limits well under the stack's depth): a recursive walk, several times faster than
 * keeping a stack by hand; its recursion never goes deeper than `maxDepth` frames. Counts travel as
 * return values and budgets as arguments (no shared counter to write at every member).
 */
function crossedByRecursion(value: object, maxDepth: number, maxNodes: number): Crossed {
  nodesSeen = 0;
  if (maxDepth < 1) return 'maxDepth';
  const counted = Array.isArray(value) ? countArray(value, maxDepth - 1, maxNodes) : countObject(value, maxDepth - 1, maxNodes);
  if (counted === tooDeep) return 'maxDepth';
  if (counted === tooMany) return 'maxNodes';
  nodesSeen = counted;
  return undefined;
}

const tooDeep = -1;
const tooMany = -2;

/**
 * The members of `node` and of everything in it, or tooDeep / tooMany: `levels` more levels may be
 * entered below it, `budget` members may be counted in it.
 */
function countObject(node: object, levels: number, budget: number): number {
  let count = 0;
  for (const key in node) {
    if (++count > budget) return tooMany;
    const member: unknown = (node as Record<string, unknown>)[key];
    if (typeof member === 'object' && member !== null) {
      if (levels === 0) return tooDeep;
      const inner = Array.isArray(member) ? countArray(member, levels - 1, budget - count) : countObject(member, levels - 1, budget - count);
      if (inner < 0) return inner;
      count += inner;
    }
  }
  return count;
}

function countArray(node: readonly unknown[], levels: number, budget: number): number {
  let count = node.length;
  if (count > budget) return tooMany;
  for (let i = 0; i < node.length; i++) {
    const item = node[i];
    if (typeof item === 'object' && item !== null) {
      if (levels === 0) return tooDeep;
      const inner = Array.isArray(item) ? countArray(item, levels - 1, budget - count) : countObject(item, levels - 1, budget - count);
      if (inner < 0) return inner;
      count += inner;
    }
  }
  return count;
}

/** Limits set past the stack's depth: the same walk with a stack of its own (one pair of arrays for every call). */
function crossedByLoop(value: object, maxDepth: number, maxNodes: number): Crossed {
  const stack = walkStack;
  const depths = walkDepths;
  stack.length = 0;
  depths.length = 0;
  stack.push(value);
  depths.push(1);
  let nodes = 0;
  while (stack.length > 0) {
    const node = stack.pop()!;
    const depth = depths.pop()!;
    if (depth > maxDepth) return refused('maxDepth');
    if (Array.isArray(node)) {
      nodes += node.length;
      if (nodes > maxNodes) return refused('maxNodes');
      for (let i = 0; i < node.length; i++) {
        const item: unknown = node[i];
        if (item !== null && typeof item === 'object') {
          stack.push(item);
          depths.push(depth + 1);
        }
      }
    } else {
      for (const key in node) {
        if (++nodes > maxNodes) return refused('maxNodes');
        const member: unknown = (node as Record<string, unknown>)[key];
        if (member !== null && typeof member === 'object') {
          stack.push(member);
          depths.push(depth + 1);
        }
      }
    }
  }
  nodesSeen = nodes;
  return undefined;
}

/** Drops what a refused walk left on the stack, so that no payload is kept alive by it. */
function refused(crossed: Crossed): Crossed {
  walkStack.length = 0;
  walkDepths.length = 0;
  return crossed;
}
