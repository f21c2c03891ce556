/** The bundled document as JSON and YAML, and its OpenAPI 3.2 twin. @module */
import type { OpenApiDocument } from './catalog.js';
import { toOpenApi32 } from './emit-openapi-32.js';

export function emitOpenApiDocs(doc: OpenApiDocument, toYaml: (value: unknown) => string): Array<[string, string]> {
  return [
    ['openapi.json', `${JSON.stringify(doc, null, 2)}\n`],
    ['openapi.yaml', toYaml(doc)],
    ['openapi-3.2.json', `${JSON.stringify(toOpenApi32(doc), null, 2)}\n`],
  ];
}
