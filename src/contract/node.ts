/**
 * Node only (reads files): the bundled documents of generated/, for the server's docs pages and
 * the tools. Everything else in src/contract is browser-safe and must not import this module.
 * @module
 */
import { readFileSync } from 'node:fs';
import type { ApiName } from './apis.js';

export type BundledDocument = Record<string, unknown> & { openapi: string; info: Record<string, unknown> };

const cache = new Map<string, string>();

/** A generated file of one API, read once. */
export function readGenerated(api: ApiName, file: 'openapi.json' | 'openapi.yaml'): string {
  const key = `${api}/${file}`;
  let text = cache.get(key);
  if (text === undefined) {
    text = readFileSync(new URL(`../../generated/${api}/${file}`, import.meta.url), 'utf8');
    cache.set(key, text);
  }
  return text;
}

export function bundledDocument(api: ApiName): BundledDocument {
  return JSON.parse(readGenerated(api, 'openapi.json')) as BundledDocument;
}
