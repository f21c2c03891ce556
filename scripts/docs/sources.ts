/**
 * Where each fact of the spec comes from, on the docs pages. The spec marks an operation, response,
 * parameter, header or schema with `x-sambakit-source: vendor | observed | sambakit` (unmarked: the
 * vendor's documents), and the generator writes the mark as the first sentence of its description
 * ("**Source: observed** (…)."), so Redoc shows it where it applies. The pages add the legend: the
 * landing page, and the introduction of every API page.
 * @module
 */
import { sourceMeanings } from '../generate/source-marks.js';

/** What a reader adds to each mark's meaning (the meanings are the generator's, one wording for both). */
const notes: Readonly<Record<string, string>> = {
  vendor: 'Anything unmarked is from them too.',
  observed: 'Schema branches whose description starts with "Observed variant" are such forms, accepted beside the documented one.',
  sambakit: 'For example the `violations` list in error bodies.',
};

/** The marks a reader meets, in the words the legend uses. */
export const sourceLegend: ReadonlyArray<{ mark: string; meaning: string }> = Object.entries(sourceMeanings).map(([mark, meaning]) => ({
  mark,
  meaning: [`${meaning}.`, notes[mark]].filter(Boolean).join(' '),
}));

/** The legend as Markdown, for an API page's introduction. */
export function sourceLegendMarkdown(): string {
  const rows = sourceLegend.map(({ mark, meaning }) => `- **Source: ${mark}**: ${meaning}`);
  return ['**Where each fact comes from.** A description that starts with a source mark says where its fact comes from:', ...rows].join('\n');
}

/** A copy of `doc` with the legend at the end of its introduction. */
export function withSourceLegend<T extends Record<string, unknown>>(doc: T): T {
  const out = structuredClone(doc);
  const info = out.info as Record<string, unknown>;
  info.description = [typeof info.description === 'string' ? info.description.trimEnd() : '', sourceLegendMarkdown()].filter(Boolean).join('\n\n');
  return out;
}
