/**
 * The three API documents as the rest of sambakit sees them: names, titles, where the reference
 * server mounts each, and the bundled documents from generated/.
 * @module
 */
import { readFileSync } from 'node:fs';

export const apiNames = ['sambastudio', 'sambanova-cloud', 'lmi'] as const;
export type ApiName = (typeof apiNames)[number];

export interface ApiInfo {
  name: ApiName;
  title: string;
  /** URL prefix under which the reference server serves this API's paths. */
  mount: string;
}

export const apis: Readonly<Record<ApiName, ApiInfo>> = {
  sambastudio: { name: 'sambastudio', title: 'SambaStudio', mount: '' },
  'sambanova-cloud': { name: 'sambanova-cloud', title: 'SambaNova Cloud', mount: '/cloud/v1' },
  lmi: { name: 'lmi', title: 'DJL LMI', mount: '/lmi' },
};

export function isApiName(value: string): value is ApiName {
  return (apiNames as readonly string[]).includes(value);
}

export type BundledDocument = Record<string, unknown> & { openapi: string; info: Record<string, unknown> };

const cache = new Map<string, unknown>();

/** A generated file of one API, read once. */
export function readGenerated(api: ApiName, file: 'openapi.json' | 'openapi.yaml'): string {
  const key = `${api}/${file}`;
  let text = cache.get(key) as string | undefined;
  if (text === undefined) {
    text = readFileSync(new URL(`../../generated/${api}/${file}`, import.meta.url), 'utf8');
    cache.set(key, text);
  }
  return text;
}

export function bundledDocument(api: ApiName): BundledDocument {
  return JSON.parse(readGenerated(api, 'openapi.json')) as BundledDocument;
}
