import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { apiNames, repoRoot } from '../helpers/spec.js';
import { run } from '../helpers/run.js';
import { copyOfSpec } from '../helpers/spec-copy.js';

interface LintReport {
  totals: { errors: number; warnings: number; ignored: number };
  problems: Array<{ ruleId: string; message: string; location: Array<{ source: { ref: string }; pointer: string }> }>;
}

describe('redocly lint with the strict project configuration (redocly.yaml)', () => {
  it.each(apiNames)('%s: no error, no warning, nothing ignored', async (api) => {
    const result = await run(process.execPath, [`${repoRoot}node_modules/@redocly/cli/bin/cli.js`, 'lint', api, '--format', 'json'], { timeoutMs: 180_000 });
    const report = JSON.parse(result.stdout) as LintReport;
    const problems = report.problems.map((p) => `${p.ruleId}: ${p.message} at ${p.location[0]?.source.ref}${p.location[0]?.pointer}`);
    expect(problems).toEqual([]);
    expect(report.totals).toEqual({ errors: 0, warnings: 0, ignored: 0 });
    expect(result.code).toBe(0);
  });
});

describe('sambakit/pattern-backtracking (every `pattern` is checked for catastrophic backtracking)', () => {
  let cleanup: (() => void) | undefined;
  afterEach(() => cleanup?.());

  /** Lints the Cloud document of a spec copy whose first price pattern is `pattern`, with the project's configuration. */
  async function lintWithPattern(pattern: string): Promise<string[]> {
    const copy = copyOfSpec();
    cleanup = copy.cleanup;
    const models = join(copy.dir, 'spec/schemas/cloud-models.yaml');
    const text = readFileSync(models, 'utf8');
    const original = "pattern: '^[0-9]+(\\.[0-9]+)?$'";
    expect(text).toContain(original);
    writeFileSync(models, text.replace(original, () => `pattern: '${pattern}'`));
    const config = readFileSync(`${repoRoot}redocly.yaml`, 'utf8').replace('scripts/redocly/sambakit-rules.js', () => `${repoRoot}scripts/redocly/sambakit-rules.js`);
    writeFileSync(join(copy.dir, 'redocly.yaml'), config);
    const result = await run(process.execPath, [`${repoRoot}node_modules/@redocly/cli/bin/cli.js`, 'lint', 'sambanova-cloud', '--format', 'json'], { cwd: copy.dir, timeoutMs: 180_000 });
    const report = JSON.parse(result.stdout) as LintReport;
    expect(result.code).toBe(report.totals.errors > 0 ? 1 : 0);
    return report.problems.filter((p) => p.ruleId === 'sambakit/pattern-backtracking').map((p) => `${p.location[0]?.source.ref}${p.location[0]?.pointer}: ${p.message}`);
  }

  it('fails a catastrophic pattern (^(a+)+$), pointing at it', async () => {
    const problems = await lintWithPattern('^(a+)+$');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^spec\/schemas\/cloud-models\.yaml#\/CloudModelPricing\/properties\/prompt\/oneOf\/1\/pattern: `pattern` "\^\(a\+\)\+\$" backtracks catastrophically \(exponential/);
  });

  it('fails a pattern that does not compile with the u flag', async () => {
    expect(await lintWithPattern('^[0-9]+\\q$')).toEqual([expect.stringMatching(/pattern: `pattern` is not a valid regular expression/)]);
  });

  it('fails a polynomial one too (two quantifiers sharing digits)', async () => {
    expect(await lintWithPattern('^[0-9]*[0-9]+(\\.[0-9]+)?$')).toEqual([expect.stringMatching(/backtracks catastrophically \(polynomial in the length of a run of "0"\)/)]);
  });

  it('passes a safe pattern of the same meaning', async () => {
    expect(await lintWithPattern('^[0-9]+(?:\\.[0-9]+)?$')).toEqual([]);
  });
});
