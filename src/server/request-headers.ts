/**
 * Request headers as handlers read them: `get` and `has` like the Web `Headers`, straight over the
 * object Node already parsed (names lower-cased), so no copy is made per request.
 * @module
 */
import type { IncomingHttpHeaders } from 'node:http';

export interface RequestHeaders {
  /** The header's value (repeated headers joined with `, `), or null. */
  get(name: string): string | null;
  has(name: string): boolean;
}

export function nodeRequestHeaders(raw: IncomingHttpHeaders): RequestHeaders {
  return new NodeRequestHeaders(raw);
}

/** A class: one object per request, its methods shared. */
class NodeRequestHeaders implements RequestHeaders {
  constructor(private readonly raw: IncomingHttpHeaders) {}

  get(name: string): string | null {
    const value = this.raw[name.toLowerCase()];
    if (value === undefined) return null;
    return Array.isArray(value) ? value.join(', ') : value;
  }

  has(name: string): boolean {
    return this.raw[name.toLowerCase()] !== undefined;
  }
}
