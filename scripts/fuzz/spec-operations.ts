/**
 * What the fuzzer knows of each operation, read from the bundled spec and the generated operations
 * table: where it is served on the reference server, its request schema and media type, and its
 * request examples (the realistic starting points mutations are applied to).
 * @module
 */
import { apis, contracts, type ApiName } from '../../src/contract/index.js';
import type { OperationInfo, OperationValidators } from '../../src/contract/operation.js';
import { resolveLocalRef } from '../../src/contract/local-ref.js';
import { bundledDocument } from '../../src/contract/node.js';

export type Schema = Record<string, unknown>;

export interface FuzzOperation {
  api: ApiName;
  operationId: string;
  method: string;
  /** The spec's path with its parameters filled in (without the server's mount). */
  path: string;
  /** Path parameters by name, as filled in. */
  pathParams: Record<string, string>;
  mediaType: string | undefined;
  schema: Schema | undefined;
  /** The request examples' values (for multipart: the form's fields; binary parts hold placeholders). */
  examples: unknown[];
  /** Binary (file) parts of a multipart form. */
  fileFields: string[];
  /** The bundled document, for `$ref`s inside `schema`. */
  document: unknown;
  validators: OperationValidators;
  /** The credentials header of its first security scheme, carrying `fuzzApiKey`. */
  auth: Record<string, string>;
}

/** The API key every generated case carries; the fuzz target's servers expect it. */
export const fuzzApiKey = 'fuzz-key';

const pathParamValues: Record<string, string> = { project_id: 'fuzz-project', endpoint_id: 'fuzz-endpoint', model_id: 'Meta-Llama-3.3-70B-Instruct' };

function operationsOf(api: ApiName): FuzzOperation[] {
  const document = bundledDocument(api) as unknown as { paths: Record<string, Record<string, { operationId?: string; requestBody?: unknown }>> };
  const byId = new Map<string, { requestBody?: unknown }>();
  for (const item of Object.values(document.paths)) for (const operation of Object.values(item)) if (operation?.operationId) byId.set(operation.operationId, operation);
  const table: readonly OperationInfo[] = Object.values(contracts[api].operationTable);
  return table.map((info) => {
    const pathParams = Object.fromEntries(info.parameters.filter((p) => p.in === 'path').map((p) => [p.name, pathParamValues[p.name] ?? 'fuzz']));
    const path = info.path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(pathParams[name]!));
    const body = resolveLocalRef(document, byId.get(info.operationId)?.requestBody) as { content?: Record<string, { schema?: unknown; examples?: Record<string, unknown> }> } | undefined;
    const mediaType = info.request.mediaTypes[0];
    const content = mediaType ? body?.content?.[mediaType] : undefined;
    const schema = resolveLocalRef(document, content?.schema) as Schema | undefined;
    const examples = Object.values(content?.examples ?? {}).map((example) => (resolveLocalRef(document, example) as { value?: unknown }).value);
    const properties = (schema?.properties ?? {}) as Record<string, Schema>;
    const fileFields = Object.entries(properties)
      .filter(([, property]) => property.format === 'binary')
      .map(([name]) => name);
    const scheme = info.security[0]?.[0];
    // An operation without security still reaches a server started with a key only with it (as Bearer).
    const auth: Record<string, string> = !scheme || scheme.kind === 'bearer' ? { authorization: `Bearer ${fuzzApiKey}` } : { [scheme.headerName]: fuzzApiKey };
    const validators = (contracts[api].validators as unknown as Record<string, OperationValidators>)[info.operationId]!;
    return { api, operationId: info.operationId, method: info.method, path, pathParams, mediaType, schema, examples, fileFields, document, auth, validators };
  });
}

const cache = new Map<ApiName, FuzzOperation[]>();

export function fuzzOperations(api: ApiName): FuzzOperation[] {
  let operations = cache.get(api);
  if (!operations) cache.set(api, (operations = operationsOf(api)));
  return operations;
}

/** Where the reference server serves an operation. */
export function serverPath(operation: FuzzOperation): string {
  return apis[operation.api].mount + operation.path;
}
