/**
 * The same document as OpenAPI 3.2, where a stream's item schema has its standard place
 * (`itemSchema`) instead of our vendor extension. For tools that read 3.2; the 3.1 document
 * stays the one every other output is built from.
 * @module
 */
import type { OpenApiDocument } from './catalog.js';

export function toOpenApi32(doc: OpenApiDocument): OpenApiDocument {
  const copy = structuredClone(doc);
  copy.openapi = '3.2.0';
  const visit = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(visit);
    const record = node as Record<string, unknown>;
    const content = record.content as Record<string, Record<string, unknown>> | undefined;
    if (content && typeof content === 'object') {
      for (const media of Object.values(content)) {
        if (media && typeof media === 'object' && media['x-sambakit-stream'] && media.schema !== undefined) {
          media.itemSchema = media.schema;
          delete media.schema;
        }
      }
    }
    Object.values(record).forEach(visit);
  };
  visit(copy.paths);
  visit(copy.components);
  return copy;
}
