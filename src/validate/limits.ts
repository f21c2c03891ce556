/**
 * A cheap look at a value's shape before the schema validators see it: a value nested deeper than
 * any request needs, with more members than any request has, or with an object wider than allowed,
 * is refused here, without a stack overflow at 10,000 levels (the walk never goes deeper than the
 * limit) and in time linear in what was looked at (it stops at the first limit crossed).
 * @module
 */
import type { Violation } from './violations.js';
import { escapeSegment, violation } from './violations.js';

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
  /**
   * Most members of any one object. Listing an object's keys cannot be done in slices (V8 lists
   * them all before handing out the first), so this bounds the time of every pass over one.
   * @default `maxNodes` (no limit of its own)
   */
  maxMembers?: number;
}

/** The defaults of `SizeLimits`, written once: far above any real payload of these APIs. */
export const defaultSizeLimits = { maxDepth: 64, maxNodes: 1_000_000, maxMembers: 1_000_000 } as const satisfies Required<SizeLimits>;

/** The violation of a crossed limit, at `path` (the value's for maxDepth and maxNodes, the wide object's for maxMembers). */
export function sizeViolation(path: string, crossed: 'maxDepth' | 'maxNodes' | 'maxMembers', max: number): Violation {
  if (crossed === 'maxDepth') return violation(path, crossed, `nesting at most ${max} levels deep`, `more than ${max} levels`);
  if (crossed === 'maxNodes') return violation(path, crossed, `at most ${max} array items and object members in all`, `more than ${max}`);
  return violation(path, crossed, `at most ${max} members in one object`, `more than ${max}`);
}

/** The deepest `maxDepth` checked by recursion; past it the walk keeps its own stack. */
const recursionSafeDepth = 512;

const walkStack: object[] = [];
const walkDepths: number[] = [];
const walkCrumbs: Array<Crumb | undefined> = [];

/**
 * The sizes of values measured as they were built (the server's incremental parse counts depth and
 * members as it goes): the next `checkSize` of such a value reads them instead of walking it, once.
 * A walk of 100,000 members held the event loop for tens of milliseconds, mostly in enumerating the
 * keys of wide objects, which cannot be done in slices.
 */
const measured = new WeakMap<object, MeasuredSize>();

export interface MeasuredSize {
  /** Deepest nesting: 1 for an object or array holding no other. */
  depth: number;
  /** Array items and object members in all, as `checkSize` counts them. */
  nodes: number;
  /** Members of its widest object. */
  widest: number;
}

/** Records the size of `value`, just built and not yet changed. */
export function noteMeasuredSize(value: object, size: MeasuredSize): void {
  measured.set(value, size);
}

/** A violation at `path` when `value` crosses a limit, else undefined. */
export function checkSize(value: unknown, path: string, limits: SizeLimits = defaultSizeLimits): Violation | undefined {
  nodesSeen = 0;
  if (value === null || typeof value !== 'object') return undefined;
  const maxDepth = limits.maxDepth ?? defaultSizeLimits.maxDepth;
  const maxNodes = limits.maxNodes ?? defaultSizeLimits.maxNodes;
  maxMembers = limits.maxMembers ?? maxNodes;
  widePath.length = 0;
  const crossed = crossedByMeasure(value, maxDepth, maxNodes) ?? (maxDepth <= recursionSafeDepth ? crossedByRecursion(value, maxDepth, maxNodes) : crossedByLoop(value, maxDepth, maxNodes));
  if (crossed === 'maxDepth') return sizeViolation(path, crossed, maxDepth);
  if (crossed === 'maxNodes') return sizeViolation(path, crossed, maxNodes);
  if (crossed === 'maxMembers') return sizeViolation(path + widePath.reverse().join(''), crossed, maxMembers);
  return undefined;
}

type Crossed = 'maxDepth' | 'maxNodes' | 'maxMembers' | undefined;

/** The `maxMembers` of the walk under way. */
let maxMembers: number = defaultSizeLimits.maxMembers;
/** The pointer of the object found too wide, its innermost step first (`/key`), built as the walk returns. */
const widePath: string[] = [];

function step(key: string | number): string {
  return `/${escapeSegment(String(key))}`;
}

/**
 * What a walk would find, from a measure taken when `value` was built: undefined (walk it) when there
 * is none, when more than one limit is crossed, as then the walk's order decides which one it meets
 * first, or when an object is too wide: the walk finds where.
 */
function crossedByMeasure(value: object, maxDepth: number, maxNodes: number): Crossed | 'neither' | undefined {
  const size = measured.get(value);
  if (size === undefined) return undefined;
  measured.delete(value);
  const tooDeep = size.depth > maxDepth;
  const tooMany = size.nodes > maxNodes;
  if ((tooDeep && tooMany) || size.widest > maxMembers) return undefined;
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
  if (counted === tooWide) return 'maxMembers';
  nodesSeen = counted;
  return undefined;
}

const tooDeep = -1;
const tooMany = -2;
const tooWide = -3;

/**
 * The members of `node` and of everything in it, or tooDeep / tooMany / tooWide: `levels` more
 * levels may be entered below it, `budget` members may be counted in it.
 */
function countObject(node: object, levels: number, budget: number): number {
  let count = 0;
  let own = 0;
  for (const key in node) {
    if (++count > budget) return tooMany;
    if (++own > maxMembers) return tooWide;
    const member: unknown = (node as Record<string, unknown>)[key];
    if (typeof member === 'object' && member !== null) {
      if (levels === 0) return tooDeep;
      const inner = Array.isArray(member) ? countArray(member, levels - 1, budget - count) : countObject(member, levels - 1, budget - count);
      if (inner < 0) return within(inner, key);
      count += inner;
    }
  }
  return count;
}

/** A crossing found inside the member at `key`, passed up; the wide object's pointer gains the step. */
function within(crossed: number, key: string | number): number {
  if (crossed === tooWide) widePath.push(step(key));
  return crossed;
}

function countArray(node: readonly unknown[], levels: number, budget: number): number {
  let count = node.length;
  if (count > budget) return tooMany;
  for (let i = 0; i < node.length; i++) {
    const item = node[i];
    if (typeof item === 'object' && item !== null) {
      if (levels === 0) return tooDeep;
      const inner = Array.isArray(item) ? countArray(item, levels - 1, budget - count) : countObject(item, levels - 1, budget - count);
      if (inner < 0) return within(inner, i);
      count += inner;
    }
  }
  return count;
}

/** Where a value stands in the walk with a stack of its own: its key and its container's place. */
interface Crumb {
  up: Crumb | undefined;
  key: string | number;
}

/** Limits set past the stack's depth: the same walk with a stack of its own (one set of arrays for every call). */
function crossedByLoop(value: object, maxDepth: number, maxNodes: number): Crossed {
  const stack = walkStack;
  const depths = walkDepths;
  const crumbs = walkCrumbs;
  stack.length = 0;
  depths.length = 0;
  crumbs.length = 0;
  stack.push(value);
  depths.push(1);
  crumbs.push(undefined);
  let nodes = 0;
  while (stack.length > 0) {
    const node = stack.pop()!;
    const depth = depths.pop()!;
    const crumb = crumbs.pop();
    if (depth > maxDepth) return refused('maxDepth');
    if (Array.isArray(node)) {
      nodes += node.length;
      if (nodes > maxNodes) return refused('maxNodes');
      for (let i = 0; i < node.length; i++) {
        const item: unknown = node[i];
        if (item !== null && typeof item === 'object') {
          stack.push(item);
          depths.push(depth + 1);
          crumbs.push({ up: crumb, key: i });
        }
      }
    } else {
      let own = 0;
      for (const key in node) {
        if (++nodes > maxNodes) return refused('maxNodes');
        if (++own > maxMembers) {
          for (let at = crumb; at; at = at.up) widePath.push(step(at.key));
          return refused('maxMembers');
        }
        const member: unknown = (node as Record<string, unknown>)[key];
        if (member !== null && typeof member === 'object') {
          stack.push(member);
          depths.push(depth + 1);
          crumbs.push({ up: crumb, key });
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
  walkCrumbs.length = 0;
  return crossed;
}
