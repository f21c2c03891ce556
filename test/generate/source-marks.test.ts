import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { renderSourceMarks, sourceMeanings } from '../../scripts/generate/source-marks.js';
import { apiNames, bundled, repoRoot } from '../helpers/spec.js';
import { run, runTs } from '../helpers/run.js';
import { copyOfSpec } from '../helpers/spec-copy.js';

const mark = 'x-sambakit-source';

describe('x-sambakit-source: where a fact comes from, rendered into the description', () => {
  it('leads the description of a marked node with its source and what that means', () => {
    const problems: string[] = [];
    const doc = renderSourceMarks(
      {
        openapi: '3.1.0',
        info: {},
        components: {
          schemas: {
            Batch: {
              type: 'object',
              [mark]: 'observed',
              description: 'A batch.',
              properties: { value: { type: 'string', [mark]: 'sambakit' }, plain: { type: 'string', description: 'As the vendor says.' } },
              examples: [{ [mark]: 'not a mark: data' }],
            },
          },
        },
      },
      (pointer, message) => problems.push(`${pointer.join('/')}: ${message}`),
    );
    const batch = (doc.components as any).schemas.Batch;
    expect(batch.description).toBe(`**Source: observed** (${sourceMeanings.observed}). A batch.`);
    // A property named like a data keyword (`value`) is still a schema; an unmarked one is left alone.
    expect(batch.properties.value.description).toBe(`**Source: sambakit** (${sourceMeanings.sambakit}).`);
    expect(batch.properties.plain.description).toBe('As the vendor says.');
    expect(batch.examples).toEqual([{ [mark]: 'not a mark: data' }]);
    expect(batch[mark]).toBe('observed');
    expect(problems).toEqual([]);
  });

  it('names an unknown value and where it is', () => {
    const problems: string[] = [];
    renderSourceMarks({ openapi: '3.1.0', info: {}, paths: { '/x': { get: { [mark]: 'rumour' } } } }, (pointer, message) => problems.push(`${pointer.join('/')}: ${message}`));
    expect(problems).toEqual([`paths//x/get/${mark}: ${mark} must be one of vendor, observed, sambakit; got "rumour"`]);
  });

  it.each(apiNames)('%s: every mark in the bundled document is rendered', (api) => {
    const unrendered: string[] = [];
    const visit = (node: unknown, at: string): void => {
      if (!node || typeof node !== 'object') return;
      const record = node as Record<string, unknown>;
      if (typeof record[mark] === 'string' && !String(record.description).startsWith(`**Source: ${String(record[mark])}**`)) unrendered.push(at);
      for (const [key, value] of Object.entries(record)) if (key !== 'examples' && key !== 'example') visit(value, `${at}/${key}`);
    };
    visit(bundled(api), '');
    expect(unrendered).toEqual([]);
  });

  it.each(apiNames)('%s: sambakit\'s `violations` extension is marked as its own wherever an error body carries it', (api) => {
    const unmarked: string[] = [];
    const visit = (node: unknown, at: string): void => {
      if (!node || typeof node !== 'object') return;
      const properties = (node as { properties?: Record<string, Record<string, unknown>> }).properties;
      if (properties?.violations && properties.violations[mark] !== 'sambakit') unmarked.push(`${at}/properties/violations`);
      for (const [key, value] of Object.entries(node)) if (key !== 'examples' && key !== 'example') visit(value, `${at}/${key}`);
    };
    const doc = bundled(api);
    visit(doc, '');
    expect(unmarked).toEqual([]);
    expect(doc.components.schemas.Violations[mark]).toBe('sambakit');
  });
});

describe('an unknown x-sambakit-source value fails generation and lint, at the place it is written', () => {
  let cleanup: (() => void) | undefined;
  afterEach(() => cleanup?.());

  it('rejects "rumour" on an LMI operation', { timeout: 600_000 }, async () => {
    const copy = copyOfSpec();
    cleanup = copy.cleanup;
    const file = join(copy.dir, 'spec/paths/lmi/chat-completions.yaml');
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.replace(/^(\s+)operationId:/m, `$1${mark}: rumour\n$1operationId:`));
    const generate = await runTs(`${repoRoot}scripts/generate.ts`, [], { cwd: copy.dir, timeoutMs: 280_000 });
    expect(generate.code).toBe(1);
    expect(generate.stderr).toMatch(/spec\/paths\/lmi\/chat-completions\.yaml:\d+:\d+: x-sambakit-source must be one of vendor, observed, sambakit; got "rumour"/);
    const lint = await run(process.execPath, [`${repoRoot}node_modules/@redocly/cli/bin/cli.js`, 'lint', join(copy.dir, 'spec/lmi.yaml'), '--config', `${repoRoot}redocly.yaml`, '--format', 'json'], {
      timeoutMs: 280_000,
    });
    const report = JSON.parse(lint.stdout) as { problems: Array<{ ruleId: string; message: string }> };
    expect(report.problems.filter((p) => p.ruleId === 'sambakit/source-mark').map((p) => p.message)).toEqual([
      '`x-sambakit-source` must be one of vendor, observed, sambakit; got "rumour".',
    ]);
    expect(lint.code).toBe(1);
  });
});
