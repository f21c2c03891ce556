/**
 * The client in Deno and Bun: `src/client` bundled into one ES module, as a user of either runtime
 * would load it, driven through the same scenario as the Chromium test against the real server. The
 * runtimes come from the npm registry (test/runtimes, a workspace of optional per-platform packages),
 * so `npm ci` installs the ones for this machine; where none exists for the platform, the suite says
 * so and skips, except in CI, where a missing runtime fails the run.
 * @module
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientBundle, scenarioKey, scenarioPassed, scenarioSource } from '../helpers/client-scenario.js';
import { run } from '../helpers/run.js';
import { useServer } from '../helpers/server.js';
import { repoRoot } from '../helpers/spec.js';

const arch = process.arch === 'arm64' ? { deno: 'arm64', bun: 'aarch64' } : { deno: 'x64', bun: 'x64' };
const runtimes = [
  { name: 'Deno', pkg: `@deno/${process.platform}-${arch.deno}${process.platform === 'linux' ? '-glibc' : ''}`, bin: 'deno', args: (main: string, base: string) => ['run', '--no-config', '--no-prompt', '--allow-net=127.0.0.1', main, base] },
  { name: 'Bun', pkg: `@oven/bun-${process.platform}-${arch.bun}`, bin: 'bin/bun', args: (main: string, base: string) => [main, base] },
];

/** The runtime's binary, or undefined when its package is not installed here. */
function binary(pkg: string, bin: string): string | undefined {
  try {
    return join(dirname(createRequire(`${repoRoot}package.json`).resolve(`${pkg}/package.json`)), bin);
  } catch {
    return undefined;
  }
}

const main = `import * as kit from './sambakit.js';
import { clientScenario } from './scenario.mjs';
const base = globalThis.Deno ? Deno.args[0] : process.argv[2];
console.log(JSON.stringify(await clientScenario(kit, base)));
`;

describe('the client in Deno and Bun', () => {
  const server = useServer({ apiKey: scenarioKey });
  let dir = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sambakit-runtimes-'));
    writeFileSync(join(dir, 'sambakit.js'), await clientBundle());
    writeFileSync(join(dir, 'scenario.mjs'), scenarioSource);
    writeFileSync(join(dir, 'main.mjs'), main);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const runtime of runtimes) {
    const path = binary(runtime.pkg, runtime.bin);
    const test = path || process.env.CI ? it : it.skip;
    if (!path && !process.env.CI) console.warn(`${runtime.name} test skipped: ${runtime.pkg} is not installed for this platform`);
    test(`${runtime.name} calls every API, streams, uploads and fails typed`, async () => {
      expect(path, `${runtime.pkg} (npm ci installs it from test/runtimes)`).toBeDefined();
      // Each runtime's own cache and no update checks or telemetry: this machine has no outside network.
      const env = { DENO_DIR: join(dir, 'deno'), DENO_NO_UPDATE_CHECK: '1', DO_NOT_TRACK: '1', BUN_INSTALL_CACHE_DIR: join(dir, 'bun') };
      const result = await run(path!, runtime.args(join(dir, 'main.mjs'), server.url), { cwd: dir, env, timeoutMs: 60_000 });
      expect(result.code, result.stderr).toBe(0);
      expect(JSON.parse(result.stdout.trim().split('\n').at(-1)!)).toEqual(scenarioPassed);
    }, 90_000);
  }
});
