/** TypeScript types of one bundled document, by openapi-typescript (pinned; frozen upstream). @module */
import openapiTS, { astToString } from 'openapi-typescript';
import type { OpenApiDocument } from './catalog.js';
import { generatedHeader } from './header.js';

export async function emitTypes(doc: OpenApiDocument): Promise<string> {
  // A structured clone: openapi-typescript annotates the object it is given.
  // defaultNonNullable off: a field with a default stays optional in requests (the server fills it in).
  // emptyObjectsUnknown: a free-form object (a JSON Schema, tool arguments) is Record<string, unknown>, not never.
  const ast = await openapiTS(conditionalsAsUnions(structuredClone(doc)) as never, { silent: true, defaultNonNullable: false, emptyObjectsUnknown: true });
  return `${generatedHeader}\n${astToString(ast)}`;
}

/**
 * openapi-typescript types a schema made of `if`/`then`/`else` as `unknown`. Such a schema (LMI's
 * `/invocations` body: chat when it has `messages`, LMI's own schema otherwise) is one of its two
 * branches, so for the types it becomes `anyOf: [then, else]`; validation keeps the conditional.
 */
function conditionalsAsUnions<T>(node: T): T {
  if (Array.isArray(node)) {
    node.forEach(conditionalsAsUnions);
  } else if (node && typeof node === 'object') {
    const schema = node as Record<string, unknown>;
    if ('if' in schema && 'then' in schema && 'else' in schema && !('anyOf' in schema) && !('oneOf' in schema)) {
      schema.anyOf = [schema.then, schema.else];
      delete schema.if;
      delete schema.then;
      delete schema.else;
    }
    Object.values(schema).forEach(conditionalsAsUnions);
  }
  return node;
}
