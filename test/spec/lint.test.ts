import { describe, expect, it } from 'vitest';
import { apiNames, repoRoot } from '../helpers/spec.js';
import { run } from '../helpers/run.js';

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
