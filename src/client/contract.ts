/**
 * The client's one window on generated/: per API, the openapi-typescript types, the stream item
 * types and, at run time, what each operation needs on the wire (method, path, auth, request media
 * type, stream framings). Nothing else in src/client reads generated/.
 * @module
 */
import type { operations as StudioOperations } from '../../generated/sambastudio/schema.js';
import type { operations as CloudOperations } from '../../generated/sambanova-cloud/schema.js';
import type { operations as LmiOperations } from '../../generated/lmi/schema.js';
import type { StreamItems as StudioStreamItems } from '../../generated/sambastudio/streams.js';
import type { StreamItems as CloudStreamItems } from '../../generated/sambanova-cloud/streams.js';
import type { StreamItems as LmiStreamItems } from '../../generated/lmi/streams.js';
import studioDocument from '../../generated/sambastudio/openapi.json' with { type: 'json' };
import cloudDocument from '../../generated/sambanova-cloud/openapi.json' with { type: 'json' };
import lmiDocument from '../../generated/lmi/openapi.json' with { type: 'json' };
import { streams as studioStreams } from '../../generated/sambastudio/streams.js';
import { streams as cloudStreams } from '../../generated/sambanova-cloud/streams.js';
import { streams as lmiStreams } from '../../generated/lmi/streams.js';
import type { StreamFramingSpec } from '../streams/types.js';

export type ApiName = 'sambastudio' | 'sambanova-cloud' | 'lmi';

/** The types of one API, as the generic client is parameterised by them. */
export interface ApiTypes {
  operations: object;
  streamItems: object;
}
export interface SambaStudioTypes {
  operations: StudioOperations;
  streamItems: StudioStreamItems;
}
export interface SambaNovaCloudTypes {
  operations: CloudOperations;
  streamItems: CloudStreamItems;
}
export interface LmiTypes {
  operations: LmiOperations;
  streamItems: LmiStreamItems;
}

/** How a request proves its key: `Authorization: Bearer` or a named header. */
export type AuthScheme = { readonly kind: 'bearer' } | { readonly kind: 'header'; readonly name: string };

/** What the transport needs to send one operation and read its answer. */
export interface OperationInfo {
  readonly operationId: string;
  readonly method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** The path template of the spec (`/v1/{project_id}/{endpoint_id}/chat/completions`). */
  readonly path: string;
  /** Accepted schemes, preferred first. */
  readonly auth: readonly AuthScheme[];
  /** Request media types, the first preferred; empty without a body. */
  readonly requestMediaTypes: readonly string[];
  readonly bodyRequired: boolean;
  /** Stream framings of the success answer by media type. */
  readonly streams: Readonly<Record<string, StreamFramingSpec>>;
}

type Json = Record<string, unknown>;

function resolve(document: Json, value: unknown): Json | undefined {
  let current = value as Json | undefined;
  for (let hops = 0; hops < 16 && typeof current?.$ref === 'string'; hops++) {
    current = (current.$ref as string)
      .slice(2)
      .split('/')
      .reduce<unknown>((node, key) => (node as Json | undefined)?.[key], document) as Json | undefined;
  }
  return current;
}

function authOf(document: Json, security: unknown): AuthScheme[] {
  const schemes = ((document.components as Json | undefined)?.securitySchemes ?? {}) as Record<string, Json>;
  const out: AuthScheme[] = [];
  for (const requirement of (security ?? []) as Json[]) {
    for (const name of Object.keys(requirement)) {
      const scheme = schemes[name];
      if (scheme?.type === 'http' && String(scheme.scheme).toLowerCase() === 'bearer') out.push({ kind: 'bearer' });
      else if (scheme?.type === 'apiKey' && scheme.in === 'header') out.push({ kind: 'header', name: String(scheme.name).toLowerCase() });
    }
  }
  return out;
}

function tableOf(document: Json, streams: Record<string, Record<string, StreamFramingSpec>>): Readonly<Record<string, OperationInfo>> {
  const table: Record<string, OperationInfo> = {};
  for (const [path, item] of Object.entries(document.paths as Record<string, Json>)) {
    for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
      const operation = item[method] as Json | undefined;
      if (!operation || typeof operation.operationId !== 'string') continue;
      const body = resolve(document, operation.requestBody);
      table[operation.operationId] = {
        operationId: operation.operationId,
        method,
        path,
        auth: authOf(document, operation.security ?? document.security),
        requestMediaTypes: body ? Object.keys(body.content as Json) : [],
        bodyRequired: body?.required === true,
        streams: streams[operation.operationId] ?? {},
      };
    }
  }
  return table;
}

export const operationTables: Readonly<Record<ApiName, Readonly<Record<string, OperationInfo>>>> = {
  sambastudio: tableOf(studioDocument as Json, studioStreams as Record<string, Record<string, StreamFramingSpec>>),
  'sambanova-cloud': tableOf(cloudDocument as Json, cloudStreams as Record<string, Record<string, StreamFramingSpec>>),
  lmi: tableOf(lmiDocument as Json, lmiStreams as Record<string, Record<string, StreamFramingSpec>>),
};

/**
 * The Python type names each typed SambaStudio parameter may be sent with (`max_tokens_to_generate`:
 * `['int']`, `stop_sequences`: `['str', 'list']`), from the `type` const or enum of its schema.
 */
export const nativeParamTypes: Readonly<Record<string, readonly string[]>> = (() => {
  const document = studioDocument as Json;
  const schemas = (document.components as Json).schemas as Record<string, Json>;
  const typed = schemas.SambaStudioTypedParams?.properties as Record<string, unknown> | undefined;
  const table: Record<string, string[]> = {};
  const typeNames = (schema: Json | undefined): string[] => {
    if (!schema) return [];
    if (Array.isArray(schema.oneOf) || Array.isArray(schema.anyOf)) return ((schema.oneOf ?? schema.anyOf) as unknown[]).flatMap((branch) => typeNames(resolve(document, branch)));
    const type = resolve(document, (schema.properties as Json | undefined)?.type);
    if (typeof type?.const === 'string') return [type.const];
    return Array.isArray(type?.enum) ? (type.enum as string[]) : [];
  };
  for (const [name, schema] of Object.entries(typed ?? {})) table[name] = typeNames(resolve(document, schema));
  return table;
})();

/** The first server URL of each API's document with its variables at their defaults (SambaNova Cloud: `https://api.sambanova.ai/v1`). */
export const defaultServerURLs: Readonly<Record<ApiName, string>> = (() => {
  const first = (document: Json): string => {
    const server = (document.servers as Json[] | undefined)?.[0];
    const variables = (server?.variables ?? {}) as Record<string, Json>;
    return String(server?.url ?? '').replace(/\{([^}]+)\}/g, (_, name: string) => String(variables[name]?.default ?? ''));
  };
  return { sambastudio: first(studioDocument as Json), 'sambanova-cloud': first(cloudDocument as Json), lmi: first(lmiDocument as Json) };
})();
