/**
 * Where each fact of the spec comes from, on the docs pages. The spec marks a node with
 * `x-sambakit-source: vendor | observed | sambakit` (unmarked: the vendor's documents), and the
 * generator writes the mark into the node's description. Media types have no description, so their
 * marks go into the operation's; every API page and the landing page carry the legend.
 * @module
 */
import { resolveLocalRef } from '../../src/spec/local-ref.js';

type Node = Record<string, unknown>;

export const sourceKey = 'x-sambakit-source';

/** The marks a reader meets, in the words the legend uses. */
export const sourceLegend: ReadonlyArray<{ mark: string; meaning: string }> = [
  { mark: 'vendor', meaning: "stated in the vendor's documents (SambaStudio, SambaNova Cloud, DJL serving). Anything unmarked is from them too." },
  { mark: 'observed', meaning: 'seen on a live service or in captured traffic, not stated in a vendor document. Schema branches whose description starts with "Observed variant" are such forms, accepted beside the documented one.' },
  { mark: 'sambakit', meaning: "sambakit's own choice where the vendor documents say nothing (for example the `violations` list in error bodies, and the reference server's fault and variant headers)." },
];

/** The legend as Markdown, for an API page's introduction. */
export function sourceLegendMarkdown(): string {
  const rows = sourceLegend.map(({ mark, meaning }) => `- **Source: ${mark}**: ${meaning}`);
  return ['**Where each fact comes from.** Descriptions start with a source mark where it is not the vendor documents:', ...rows].join('\n');
}

const methods = ['get', 'put', 'post', 'delete', 'patch'] as const;

/** A copy of `doc` with the legend in its introduction and media-type marks in their operations' descriptions. */
export function withSourceNotes<T extends Node>(doc: T): T {
  const out = structuredClone(doc);
  const info = out.info as Node;
  info.description = [typeof info.description === 'string' ? info.description.trimEnd() : '', sourceLegendMarkdown()].filter(Boolean).join('\n\n');
  for (const item of Object.values((out.paths ?? {}) as Record<string, Node>)) {
    for (const method of methods) {
      const operation = item[method] as Node | undefined;
      if (!operation) continue;
      const marks = mediaTypeMarks(out, operation);
      if (marks.length === 0) continue;
      const description = typeof operation.description === 'string' ? operation.description.trimEnd() : '';
      operation.description = [description, ...marks].filter(Boolean).join('\n\n');
    }
  }
  return out;
}

function mediaTypeMarks(doc: Node, operation: Node): string[] {
  const marks: string[] = [];
  const requestContent = ((resolveLocalRef(doc, operation.requestBody) as Node | undefined)?.content ?? {}) as Record<string, Node>;
  for (const [mediaType, media] of Object.entries(requestContent)) {
    if (typeof media[sourceKey] === 'string') marks.push(`Request body \`${mediaType}\`: **Source: ${media[sourceKey]}**.`);
  }
  for (const [status, response] of Object.entries((operation.responses ?? {}) as Record<string, unknown>)) {
    const content = ((resolveLocalRef(doc, response) as Node | undefined)?.content ?? {}) as Record<string, Node>;
    for (const [mediaType, media] of Object.entries(content)) {
      if (typeof media[sourceKey] === 'string') marks.push(`Response ${status} \`${mediaType}\`: **Source: ${media[sourceKey]}**.`);
    }
  }
  return marks;
}
