/** Test access to what `npm run generate` wrote: bundled documents, validators, examples. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ErrorObject } from 'ajv';
import { contracts, type OperationValidators } from '../../src/contract/index.js';
import { resolveLocalRef } from '../../src/contract/local-ref.js';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const apiNames = ['sambastudio', 'sambanova-cloud', 'lmi'] as const;
export type ApiName = (typeof apiNames)[number];

type Doc = Record<string, any>;

const docs = new Map<ApiName, Doc>();
export function bundled(api: ApiName): Doc {
  let doc = docs.get(api);
  if (!doc) {
    doc = JSON.parse(readFileSync(`${repoRoot}generated/${api}/openapi.json`, 'utf8')) as Doc;
    docs.set(api, doc);
  }
  return doc;
}

export async function validatorsOf(api: ApiName): Promise<Readonly<Record<string, OperationValidators>>> {
  return contracts[api].validators;
}

type Check = (data: unknown) => boolean;

/**
 * The verdicts of the two builds behind a generated validator (first-error with discriminators, and
 * all-errors verbose) on `value`: they must always agree, or a validator could pass what its
 * violations would reject.
 */
export async function buildVerdicts(api: ApiName, validate: unknown, value: unknown): Promise<{ accept: boolean; explain: boolean }> {
  const mod = (await import(`${repoRoot}generated/${api}/validators.js`)) as Record<string, unknown> & { validatorBuilds: { accept: Record<string, Check>; explain: Record<string, Check> } };
  const name = Object.keys(mod).find((key) => mod[key] === validate);
  if (!name) throw new Error('not a validator exported by generated/' + api + '/validators.js');
  return { accept: mod.validatorBuilds.accept[name]!(value), explain: mod.validatorBuilds.explain[name]!(value) };
}

export interface OperationRef {
  api: ApiName;
  operationId: string;
  method: string;
  path: string;
  operation: Doc;
}

export function operations(api: ApiName): OperationRef[] {
  const out: OperationRef[] = [];
  for (const [path, item] of Object.entries<Doc>(bundled(api).paths ?? {})) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch']) {
      const operation = item[method] as Doc | undefined;
      if (operation) out.push({ api, operationId: operation.operationId, method, path, operation });
    }
  }
  return out;
}

export function deref(api: ApiName, value: unknown): any {
  return resolveLocalRef(bundled(api), value);
}

/** Every example of a media type, by name (`example` is named `example`). */
export function examplesOf(api: ApiName, media: Doc): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [];
  if (media.example !== undefined) out.push(['example', media.example]);
  for (const [name, ex] of Object.entries<Doc>(media.examples ?? {})) out.push([name, deref(api, ex).value]);
  return out;
}

export function requestExample(api: ApiName, operationId: string, name: string, mediaType = 'application/json'): unknown {
  const op = operations(api).find((o) => o.operationId === operationId);
  if (!op) throw new Error(`no operation ${operationId} in ${api}`);
  const media = deref(api, op.operation.requestBody)?.content?.[mediaType];
  const found = media && examplesOf(api, media).find(([n]) => n === name);
  if (!found) throw new Error(`no request example "${name}" (${mediaType}) on ${api} ${operationId}`);
  return structuredClone(found[1]);
}

export function formatErrors(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`).join('; ');
}

/** Path an ajv error points at: the value's path, or for a missing property the property's path. */
export function errorPath(error: ErrorObject): string {
  const missing = (error.params as { missingProperty?: string }).missingProperty;
  return missing === undefined ? error.instancePath : `${error.instancePath}/${missing}`;
}

type PatchOp = { op: 'add' | 'replace' | 'remove'; path: string; value?: unknown };

/** Applies JSON Patch add/replace/remove (RFC 6902) to a copy. */
export function applyPatch<T>(value: T, patch: PatchOp[]): T {
  const out = structuredClone(value) as any;
  for (const { op, path, value: v } of patch) {
    const keys = path.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    const last = keys.pop()!;
    const parent = keys.reduce((node, key) => node[key], out);
    if (parent === undefined || parent === null) throw new Error(`patch path ${path} has no parent`);
    if (op === 'remove') {
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete parent[last];
    } else if (Array.isArray(parent) && op === 'add') {
      parent.splice(last === '-' ? parent.length : Number(last), 0, structuredClone(v));
    } else {
      parent[last] = structuredClone(v);
    }
  }
  return out as T;
}
