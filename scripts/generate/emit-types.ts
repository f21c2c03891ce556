/** TypeScript types of one bundled document, by openapi-typescript (pinned; frozen upstream). @module */
import openapiTS, { astToString } from 'openapi-typescript';
import type { OpenApiDocument } from './catalog.js';
import { generatedHeader } from './header.js';

export async function emitTypes(doc: OpenApiDocument): Promise<string> {
  // A structured clone: openapi-typescript annotates the object it is given.
  // defaultNonNullable off: a field with a default stays optional in requests (the server fills it in).
  // emptyObjectsUnknown: a free-form object (a JSON Schema, tool arguments) is Record<string, unknown>, not never.
  const ast = await openapiTS(structuredClone(doc) as never, { silent: true, defaultNonNullable: false, emptyObjectsUnknown: true });
  return `${generatedHeader}\n${astToString(ast)}`;
}
