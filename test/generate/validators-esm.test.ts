import { describe, expect, it } from 'vitest';
import { apiNames, repoRoot } from '../helpers/spec.js';
import { run } from '../helpers/run.js';

// Vitest runs modules through its own loader; plain Node is what servers and CLIs use, and an ESM
// module there has no `require` (ajv's standalone output once called it for string lengths).
describe('generated validators load as plain ES modules', () => {
  it.each(apiNames)('%s validators.js and streams.js import and run in a bare Node process', async (api) => {
    const script = `
      const v = await import(${JSON.stringify(`${repoRoot}generated/${api}/validators.js`)});
      const s = await import(${JSON.stringify(`${repoRoot}generated/${api}/streams.js`)});
      const ops = Object.entries(v.operationValidators);
      let calls = 0;
      for (const [, op] of ops) for (const validate of Object.values(op.request)) { validate({}); calls++; }
      for (const [, op] of ops) if (op.parameters) { op.parameters({ path: { project_id: '', endpoint_id: '' }, header: {} }); calls++; }
      console.log(JSON.stringify({ operations: ops.length, calls, streams: Object.keys(s.streams).length }));
    `;
    const result = await run(process.execPath, ['--input-type=module', '-e', script]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as { operations: number; calls: number; streams: number };
    expect(summary.operations).toBeGreaterThan(0);
    expect(summary.calls).toBeGreaterThan(0);
  });
});
