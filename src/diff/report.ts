/** The diff as text for people (breaking first, grouped by operation) and as JSON for machines. @module */
import type { DiffResult } from './diff.js';
import type { Finding } from './findings.js';

export interface ReportInput extends DiffResult {
  old: string;
  new: string;
}

/** Stable machine-readable form; `version` changes only when a field changes meaning. */
export function toJson(input: ReportInput): string {
  return `${JSON.stringify(
    { version: 1, old: input.old, new: input.new, breaking: input.breaking, nonBreaking: input.nonBreaking, findings: input.findings },
    null,
    2,
  )}\n`;
}

const styles = { red: [31, 39], yellow: [33, 39], green: [32, 39], bold: [1, 22], dim: [2, 22] } as const;

function operationTitle(f: Finding): string {
  if (!f.operation) return '(document)';
  return `${f.operation.method} ${f.operation.path}${f.operation.operationId ? ` (${f.operation.operationId})` : ''}`;
}

export function toText(input: ReportInput, { color }: { color: boolean }): string {
  const paint = (style: keyof typeof styles, text: string) => (color ? `\x1b[${styles[style][0]}m${text}\x1b[${styles[style][1]}m` : text);
  const lines = [`${input.old} -> ${input.new}`];
  if (input.findings.length === 0) return `${lines[0]}\nno changes to the API's operations\n`;
  lines.push(
    `${paint(input.breaking > 0 ? 'red' : 'green', `${input.breaking} breaking`)}, ${input.nonBreaking} non-breaking change${input.nonBreaking === 1 ? '' : 's'}`,
  );
  for (const breaking of [true, false]) {
    const section = input.findings.filter((f) => f.breaking === breaking);
    if (section.length === 0) continue;
    lines.push('', paint(breaking ? 'red' : 'yellow', paint('bold', breaking ? 'BREAKING' : 'NON-BREAKING')));
    let current: string | undefined;
    for (const f of section) {
      const title = operationTitle(f);
      if (title !== current) lines.push(`  ${paint('bold', title)}`);
      current = title;
      lines.push(`    ${f.location}: ${f.message}  [${f.rule}]`, paint('dim', `      old #${f.old}`), paint('dim', `      new #${f.new}`));
    }
  }
  return `${lines.join('\n')}\n`;
}
