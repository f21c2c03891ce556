/**
 * The operations of a bundled document, flattened: what each accepts and answers, with a stable
 * validator name for every schema. Every emitter reads this one list.
 * @module
 */
import { resolveLocalRef } from '../../src/contract/local-ref.js';

export type JsonSchema = Record<string, unknown> | boolean;

export interface OpenApiDocument {
  openapi: string;
  info: Record<string, unknown>;
  paths?: Record<string, Record<string, unknown>>;
  components?: Record<string, Record<string, unknown>>;
  [key: string]: unknown;
}

export interface StreamFraming {
  framing: 'sse' | 'jsonl';
  terminator?: string;
  terminatorOptional?: boolean;
  errorEvents?: string[];
  errorProperty?: string;
}

export interface SchemaSlot {
  /** Export name of the generated validator. */
  name: string;
  schema: JsonSchema;
  /** Pointer of the schema in the bundled document. */
  pointer: string[];
}

export interface MediaSlot extends SchemaSlot {
  mediaType: string;
  stream?: StreamFraming;
}

export interface OperationEntry {
  operationId: string;
  method: string;
  path: string;
  pointer: string[];
  request: MediaSlot[];
  responses: Array<{ status: string; media: MediaSlot[] }>;
  parameters?: SchemaSlot;
}

export const httpMethods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

export function mediaSlug(mediaType: string): string {
  const sub = mediaType.split(';')[0]!.split('/')[1] ?? mediaType;
  return sub.replace(/[^A-Za-z0-9]+/g, '_');
}

export function listOperations(doc: OpenApiDocument): OperationEntry[] {
  const out: OperationEntry[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    const shared = (item.parameters as unknown[] | undefined) ?? [];
    for (const method of httpMethods) {
      const op = item[method] as Record<string, unknown> | undefined;
      if (!op) continue;
      const operationId = String(op.operationId ?? `${method} ${path}`);
      const pointer = ['paths', path, method];
      const entry: OperationEntry = { operationId, method, path, pointer, request: [], responses: [] };
      const body = resolveLocalRef(doc, op.requestBody) as { content?: Record<string, Record<string, unknown>> } | undefined;
      for (const [mediaType, media] of Object.entries(body?.content ?? {})) {
        if (media.schema === undefined) continue;
        entry.request.push({
          name: `${operationId}_request_${mediaSlug(mediaType)}`,
          mediaType,
          schema: media.schema as JsonSchema,
          pointer: [...pointer, 'requestBody', 'content', mediaType, 'schema'],
        });
      }
      for (const [status, rawResponse] of Object.entries((op.responses as Record<string, unknown>) ?? {})) {
        const response = resolveLocalRef(doc, rawResponse) as { content?: Record<string, Record<string, unknown>> };
        const media: MediaSlot[] = [];
        for (const [mediaType, m] of Object.entries(response.content ?? {})) {
          if (m.schema === undefined) continue;
          const stream = m['x-sambakit-stream'] as StreamFraming | undefined;
          media.push({
            name: `${operationId}_response_${status}_${mediaSlug(mediaType)}`,
            mediaType,
            schema: m.schema as JsonSchema,
            pointer: [...pointer, 'responses', status, 'content', mediaType, 'schema'],
            ...(stream ? { stream } : {}),
          });
        }
        entry.responses.push({ status, media });
      }
      const parameters = [...shared, ...((op.parameters as unknown[]) ?? [])].map((p) => resolveLocalRef(doc, p) as Parameter);
      if (parameters.length > 0) entry.parameters = parametersSlot(operationId, parameters, pointer);
      out.push(entry);
    }
  }
  return out;
}

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: JsonSchema;
}

/** One object schema `{path, query, header}` so a request's parameters validate in one call. */
function parametersSlot(operationId: string, parameters: Parameter[], pointer: string[]): SchemaSlot {
  const groups: Record<string, { type: 'object'; properties: Record<string, JsonSchema>; required: string[] }> = {};
  for (const p of parameters) {
    const group = (groups[p.in] ??= { type: 'object', properties: {}, required: [] });
    const name = p.in === 'header' ? p.name.toLowerCase() : p.name;
    group.properties[name] = p.schema ?? {};
    if (p.required) group.required.push(name);
  }
  const properties: Record<string, JsonSchema> = {};
  for (const [where, group] of Object.entries(groups)) {
    properties[where] = group.required.length > 0 ? group : { type: 'object', properties: group.properties };
  }
  return { name: `${operationId}_parameters`, schema: { type: 'object', properties }, pointer: [...pointer, 'parameters'] };
}
