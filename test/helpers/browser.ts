/** Debian's Chromium driven by playwright-core, with a fresh profile and no outside network. */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe } from 'vitest';
import { chromium, type BrowserContext } from 'playwright-core';
import { withServer, type TestServer } from './server.js';

export const chromiumPath = process.env.SAMBAKIT_CHROMIUM ?? '/usr/bin/chromium';

/**
 * `describe` for browser suites: skipped, saying why, on a machine without Chromium, except in CI
 * (`CI` set), where a missing browser must fail the run rather than pass it quietly.
 */
export const describeInBrowser: typeof describe = existsSync(chromiumPath) || process.env.CI ? describe : (describe.skip as typeof describe);
if (!existsSync(chromiumPath) && !process.env.CI) console.warn(`browser tests skipped: no Chromium at ${chromiumPath} (apt-get install chromium, or set SAMBAKIT_CHROMIUM)`);

export async function launchBrowser(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'sambakit-chromium-'));
  // A persistent context is how playwright takes a fresh --user-data-dir.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export type Browser = Awaited<ReturnType<typeof launchBrowser>>;

/**
 * A reference server and a fresh Chromium for the enclosing suite, started before its tests and
 * closed after them. Read `server` and `browser` inside tests (they are set by then).
 */
export function serverAndBrowser(options?: Parameters<typeof withServer>[0]): { server: TestServer; browser: Browser } {
  const suite = {} as { server: TestServer; browser: Browser };
  beforeAll(async () => {
    suite.server = await withServer(options);
    suite.browser = await launchBrowser();
  });
  afterAll(async () => {
    await suite.browser?.close();
    await suite.server?.close();
  });
  return suite;
}
