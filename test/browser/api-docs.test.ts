import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiNames, bundled, operations } from '../helpers/spec.js';
import { launchBrowser } from '../helpers/browser.js';
import { withServer } from '../helpers/server.js';

describe('Swagger UI at /api/docs in Chromium', () => {
  let server: Awaited<ReturnType<typeof withServer>>;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  beforeAll(async () => {
    server = await withServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('renders every operation of each of the three APIs, selectable, loading nothing from outside', async () => {
    const page = await browser.context.newPage();
    const requested: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${server.url}/api/docs`);

    for (const api of apiNames) {
      const title = String(bundled(api).info.title);
      await page.locator('.topbar select').selectOption({ label: ({ sambastudio: 'SambaStudio', 'sambanova-cloud': 'SambaNova Cloud', lmi: 'DJL LMI' } as const)[api] });
      await page.locator('.info .title', { hasText: title }).waitFor({ timeout: 30_000 });
      const shown = await page.locator('.opblock-summary-path').allInnerTexts();
      const expected = operations(api).map((o) => o.path);
      for (const path of expected) expect(shown.map((s) => s.replace(/\u200b/g, '').trim()), api).toContain(path);
      if (api === 'sambanova-cloud') await page.screenshot({ path: 'test-results/api-docs-cloud.png', fullPage: false });
    }
    expect(pageErrors).toEqual([]);
    const outside = requested.filter((url) => !url.startsWith(server.url) && !url.startsWith('data:'));
    expect(outside).toEqual([]);
  });
});
