/**
 * The typed-parameter table: for every operation whose JSON body has a `params` object of
 * `{"type", "value"}` parameters (SambaStudio's NLP, Generic v1 and multimodal APIs), the Python type
 * names each parameter may be sent with, from the `type` const or enum of its schema. Clients turn
 * plain values into that form with it, and reject a value of the wrong type before sending.
 * @module
 */
import { resolveLocalRef } from '../../src/contract/local-ref.js';
import type { OpenApiDocument, OperationEntry } from './catalog.js';
import { generatedHeader } from './header.js';

type Schema = Record<string, unknown>;

export function emitTypedParams(doc: OpenApiDocument, operations: OperationEntry[]): { js: string; dts: string } {
  const resolve = (value: unknown) => resolveLocalRef(doc, value) as Schema | undefined;
  /** The schema and its anyOf/oneOf branches, resolved. */
  const branches = (value: unknown): Schema[] => {
    const schema = resolve(value);
    if (!schema || typeof schema !== 'object') return [];
    const alternatives = (schema.anyOf ?? schema.oneOf) as unknown[] | undefined;
    return alternatives ? alternatives.flatMap(branches) : [schema];
  };
  /** Type names of one typed parameter, or none when it is not of the `{type, value}` form. */
  const typeNames = (value: unknown): string[] =>
    branches(value).flatMap((schema) => {
      const properties = schema.properties as Schema | undefined;
      const type = resolve(properties?.type);
      if (!properties?.value || !type) return [];
      if (typeof type.const === 'string') return [type.const];
      return Array.isArray(type.enum) ? type.enum.filter((t): t is string => typeof t === 'string') : [];
    });
  const table: Record<string, Record<string, string[]>> = {};
  for (const op of operations) {
    for (const slot of op.request) {
      if (slot.mediaType !== 'application/json') continue;
      for (const body of branches(slot.schema)) {
        for (const params of branches((body.properties as Schema | undefined)?.params)) {
          for (const [name, schema] of Object.entries((params.properties ?? {}) as Schema)) {
            const names = typeNames(schema);
            if (names.length === 0) continue;
            const entry = (table[op.operationId] ??= {});
            entry[name] = [...new Set([...(entry[name] ?? []), ...names])];
          }
        }
      }
    }
  }
  const text = `{${Object.entries(table).map(([id, params]) => `\n  ${JSON.stringify(id)}: ${JSON.stringify(params)},`).join('')}\n}`;
  return {
    js: `${generatedHeader}\n/** Python type names each typed parameter may be sent with, by operation and parameter. */\nexport const typedParams = ${text};\n`,
    dts: `${generatedHeader}\n/** Python type names each typed parameter may be sent with, by operation and parameter. */\nexport declare const typedParams: { readonly [operationId: string]: { readonly [param: string]: readonly string[] } };\n`,
  };
}
