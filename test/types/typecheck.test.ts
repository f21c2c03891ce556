import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/spec.js';
import { run } from '../helpers/run.js';

// tsc over src, scripts, bench and test (strict), which includes the type tests in test/types:
// a generated type that accepts a wrong field leaves a `@ts-expect-error` unused, and that fails.
describe('the project type-checks, type tests included', () => {
  it('tsc --noEmit reports no error', async () => {
    const result = await run(process.execPath, [`${repoRoot}node_modules/typescript/bin/tsc`, '--noEmit', '-p', 'tsconfig.json'], { timeoutMs: 240_000 });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.code).toBe(0);
  });
});
