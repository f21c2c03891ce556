/**
 * @module Random UUIDs as flat strings. Node builds `randomUUID()` from some twenty joined pieces,
 * which V8 keeps as a chain of string cells until something flattens it; a request id and an
 * answer id live as long as their stream, so a thousand open streams would hold twenty thousand
 * cells for the garbage collector to copy. `toLowerCase` copies it flat (a UUID is lower case).
 */
import { randomUUID } from 'node:crypto';

export function uuid(): string {
  return randomUUID().toLowerCase();
}
