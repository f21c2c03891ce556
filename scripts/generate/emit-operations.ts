/**
 * The operations table: for every operation, what a server routes on and a client sends (method,
 * path template, security, request media types, parameters), what may come back (statuses and media
 * types, stream framing) and which error shape the API speaks there. The .d.ts gives every entry as
 * literal types, so code can key on an operation and know its method, path and media types.
 * Each entry is also its own export (`<operationId>_operation`), so code that calls or checks one
 * operation imports that entry alone and a bundler leaves the rest of the table out.
 * @module
 */
import { resolveLocalRef } from '../../src/contract/local-ref.js';
import type { OpenApiDocument, OperationEntry } from './catalog.js';
import { generatedHeader } from './header.js';
import { SpecError, type SpecProblem } from './spec-error.js';
import type { SpecSources } from './spec-sources.js';

interface SecurityScheme {
  name: string;
  kind: 'header' | 'bearer';
  headerName: string;
}

interface ParameterInfo {
  name: string;
  in: string;
  required: boolean;
}

export function emitOperations(doc: OpenApiDocument, operations: OperationEntry[], sources: SpecSources, rootFile: string): { js: string; dts: string } {
  const problems: SpecProblem[] = [];
  const schemes = (doc.components?.securitySchemes ?? {}) as Record<string, Record<string, unknown>>;
  const table: Record<string, unknown> = {};
  for (const op of operations) {
    const raw = resolveLocalRef(doc, pick(doc, op.pointer)) as Record<string, unknown>;
    const requirements = (raw.security ?? doc.security ?? []) as Array<Record<string, string[]>>;
    const security: SecurityScheme[][] = [];
    for (const requirement of requirements) {
      const all: SecurityScheme[] = [];
      for (const name of Object.keys(requirement)) {
        const scheme = toScheme(name, schemes[name]);
        if (scheme) all.push(scheme);
        else problems.push({ location: sources.locate(rootFile, ['components', 'securitySchemes', name]), message: `security scheme ${name} is neither an apiKey in a header nor http bearer; sambakit cannot send or check it` });
      }
      security.push(all);
    }
    const body = resolveLocalRef(doc, raw.requestBody) as { required?: boolean } | undefined;
    const pathItem = pick(doc, op.pointer.slice(0, -1)) as { parameters?: unknown[] };
    const parameters: ParameterInfo[] = [...(pathItem.parameters ?? []), ...((raw.parameters as unknown[] | undefined) ?? [])].map((p) => {
      const parameter = resolveLocalRef(doc, p) as { name: string; in: string; required?: boolean };
      return { name: parameter.name, in: parameter.in, required: parameter.required === true };
    });
    const responses = Object.fromEntries(op.responses.map((r) => [r.status, r.media.map((m) => m.mediaType)]));
    const streams: Record<string, unknown> = {};
    for (const r of op.responses) for (const m of r.media) if (m.stream) streams[m.mediaType] = { ...m.stream, status: Number(r.status) };
    const errorResponse = resolveLocalRef(doc, (raw.responses as Record<string, unknown> | undefined)?.['400']) as { content?: Record<string, { schema?: { $ref?: string } }> } | undefined;
    const errorSchema = errorResponse?.content?.['application/json']?.schema?.$ref?.split('/').pop() ?? null;
    table[op.operationId] = {
      operationId: op.operationId,
      method: op.method.toUpperCase(),
      path: op.path,
      security,
      request: { required: body?.required === true, mediaTypes: op.request.map((m) => m.mediaType) },
      parameters,
      responses,
      streams,
      errorSchema,
      ...(raw.deprecated === true ? { deprecated: true } : {}),
    };
  }
  if (problems.length > 0) throw new SpecError(problems);

  const servers = serversOf(doc);
  const ids = Object.keys(table);
  const js = [
    generatedHeader,
    '/** The servers the document names: host (null when the URL leaves it to a variable) and base path; a real URL is host + base path + path template. */',
    `export const servers = ${JSON.stringify(servers)};`,
    ...ids.flatMap((id) => [`/** ${id}: its routing, security, media types, statuses, stream framing, error shape. */`, `export const ${entryName(id)} = ${JSON.stringify(table[id], null, 2)};`]),
    '/** Every operation of this API by operationId (this holds them all: import one entry by name to load only it). */',
    `export const operationTable = { ${ids.map((id) => `${JSON.stringify(id)}: ${entryName(id)}`).join(', ')} };`,
    '',
  ];
  const dts = [
    generatedHeader,
    '/** How an API key is sent: the whole value of a header, or `Authorization: Bearer <key>`. */',
    'export interface SecurityScheme {',
    '  readonly name: string;',
    "  readonly kind: 'header' | 'bearer';",
    '  /** Lower case. */',
    '  readonly headerName: string;',
    '}',
    '',
    '/** How the items of one stream are framed on the wire, and the status they come with. */',
    'export interface StreamFraming {',
    "  readonly framing: 'sse' | 'jsonl';",
    '  readonly terminator?: string;',
    '  /** The terminator may be missing: one operation answering in two schemas, one without an end marker. */',
    '  readonly terminatorOptional?: boolean;',
    '  readonly errorEvents?: readonly string[];',
    '  readonly errorProperty?: string;',
    '  readonly eventFromType?: boolean;',
    '  readonly status: number;',
    '}',
    '',
    '/** One operation as the table gives it. */',
    'export interface OperationInfo {',
    '  readonly operationId: string;',
    '  /** Upper case. */',
    '  readonly method: string;',
    '  /** Path template as the spec writes it, without the server prefix. */',
    '  readonly path: string;',
    '  /** Alternatives (any one passes), each a list of schemes that must all pass. */',
    '  readonly security: readonly (readonly SecurityScheme[])[];',
    '  readonly request: { readonly required: boolean; readonly mediaTypes: readonly string[] };',
    "  readonly parameters: readonly { readonly name: string; readonly in: 'path' | 'query' | 'header' | 'cookie'; readonly required: boolean }[];",
    '  /** Media types by status code (or `default`). */',
    '  readonly responses: { readonly [status: string]: readonly string[] };',
    '  /** Stream framing by media type, for the media types that stream. */',
    '  readonly streams: { readonly [mediaType: string]: StreamFraming };',
    '  /** Component name of the JSON schema the 400 response declares: which error shape the operation speaks. */',
    '  readonly errorSchema: string | null;',
    '  /** Marked deprecated in the spec: served for clients that still call it, never suggested to new ones. */',
    '  readonly deprecated?: true;',
    '}',
    '',
    `export declare const servers: ${literalType(servers, '')};`,
    ...ids.map((id) => `export declare const ${entryName(id)}: ${literalType(table[id], '')};`),
    `export declare const operationTable: {\n${ids.map((id) => `  readonly ${JSON.stringify(id)}: typeof ${entryName(id)};`).join('\n')}\n};`,
    '',
    '/** The operationIds of this API. */',
    'export type OperationId = keyof typeof operationTable;',
    '',
  ];
  return { js: js.join('\n'), dts: dts.join('\n') };
}

/** The export an operation's entry has in operations.js (the validators' exports use the same `<operationId>_` prefix). */
export function entryName(operationId: string): string {
  return `${operationId}_operation`;
}

/** Host and base path of each server URL (`https://api.sambanova.ai/v1` -> api.sambanova.ai, `/v1`); a host written as a variable is null. */
function serversOf(doc: OpenApiDocument): Array<{ host: string | null; basePath: string }> {
  const servers = (doc.servers as Array<{ url: string }> | undefined) ?? [];
  return servers.map((server) => {
    const match = /^(?:[^:/]*:\/\/([^/]*))?(.*)$/.exec(server.url)!;
    const host = match[1] && !match[1].includes('{') ? match[1].toLowerCase() : null;
    return { host, basePath: match[2]!.replace(/\/$/, '') };
  });
}

function toScheme(name: string, scheme: Record<string, unknown> | undefined): SecurityScheme | undefined {
  if (scheme?.type === 'apiKey' && scheme.in === 'header') return { name, kind: 'header', headerName: String(scheme.name).toLowerCase() };
  if (scheme?.type === 'http' && String(scheme.scheme).toLowerCase() === 'bearer') return { name, kind: 'bearer', headerName: 'authorization' };
  return undefined;
}

function pick(doc: unknown, pointer: string[]): unknown {
  return pointer.reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], doc);
}

/** A JSON value as a TypeScript type of literals, readonly all the way down (as `as const` would give). */
function literalType(value: unknown, indent: string): string {
  if (Array.isArray(value)) return value.length === 0 ? 'readonly []' : `readonly [${value.map((v) => literalType(v, indent)).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) return '{}';
    const inner = `${indent}  `;
    return `{\n${entries.map(([k, v]) => `${inner}readonly ${JSON.stringify(k)}: ${literalType(v, inner)};`).join('\n')}\n${indent}}`;
  }
  return JSON.stringify(value);
}
