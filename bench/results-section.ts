/** Writing one bench's section of bench/RESULTS.md, shared by the benches. @module */
import { readFileSync, writeFileSync } from 'node:fs';

/** Replaces the section under `heading` (up to the next `## `), or appends it; other sections stay as they are. */
export function writeSection(path: string, heading: string, section: string): void {
  const text = readFileSync(path, 'utf8');
  const at = text.indexOf(`\n${heading}\n`);
  if (at === -1) {
    writeFileSync(path, `${text.replace(/\n*$/, '')}\n\n${section.trimEnd()}\n`);
    return;
  }
  const next = text.indexOf('\n## ', at + heading.length + 1);
  const after = next === -1 ? '' : `\n${text.slice(next + 1)}`;
  writeFileSync(path, `${text.slice(0, at + 1)}${section.trimEnd()}\n${after}`);
}
