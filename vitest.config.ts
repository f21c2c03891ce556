import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The docs site (site/) that the docs, server and browser tests read, built once per run when stale.
    globalSetup: ['test/setup/docs-site.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores: spawned tools (tsc, redocly, the server) compete with the workers.
    maxWorkers: 2,
  },
});
