/**
 * The docs site in Chromium, three ways: opened from disk (`file://`, where browsers refuse module
 * scripts), as a static host would publish the folder (the browser answers from site/ under another
 * base path, no sambakit code involved) and from the reference server's `/docs`. Every Redoc page renders every operation of its API and shows its streams; every page
 * passes the basics (title, headings, no console errors, no horizontal scrolling at 1280 and 390
 * px) and loads nothing from another host. Screenshots go to test-results/screenshots/.
 * @module
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import { describeInBrowser, serverAndBrowser } from '../helpers/browser.js';
import { siteDir } from '../helpers/site.js';
import { apiNames, operations, repoRoot } from '../helpers/spec.js';

const staticOrigin = 'http://127.0.0.1:9';
const screenshots = join(repoRoot, 'test-results', 'screenshots');
const widths = [1280, 390] as const;

interface Watched {
  requests: string[];
  problems: string[];
}

function watch(page: Page): Watched {
  const watched: Watched = { requests: [], problems: [] };
  page.on('request', (request) => watched.requests.push(request.url()));
  page.on('console', (message) => {
    if (message.type() === 'error') watched.problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => watched.problems.push(`page error: ${error.message}`));
  return watched;
}

/**
 * Opens the page of one tag (at one of its operations). Redoc routes by hash in the browser; the
 * menu's links keep the server-rendered paths (`/chat-completions`) until then, so the route is
 * read from them.
 */
async function showGroup(page: Page, url: string, tag: string, operationId?: string): Promise<void> {
  const exactly = new RegExp(`^\\s*${tag.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
  const href = await page.locator('[data-component-name="Menu/MenuItem"].menu-item-type-group > a', { hasText: exactly }).first().getAttribute('href');
  // A tag's page renders its operations as they scroll into view; an operation's own route renders it at once.
  await page.goto(`${url}#${href!.replace(/^#/, '')}${operationId ? `/${operationId.toLowerCase()}` : ''}`);
}

/** Lighthouse-style basics: a title, a top heading, the language, no sideways scrolling; and a screenshot. */
async function expectBasics(page: Page, name: string, width: number): Promise<void> {
  expect((await page.title()).length, name).toBeGreaterThan(5);
  expect(await page.locator('h1').count(), name).toBeGreaterThanOrEqual(1);
  expect(await page.locator('html').getAttribute('lang'), name).toBe('en');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, `${name} at ${width} px scrolls sideways by ${overflow} px`).toBeLessThanOrEqual(1);
  await page.screenshot({ path: join(screenshots, `docs-${name.replace(/\W+/g, '-')}-${width}.png`) });
}

const guidePages = readdirSync(join(repoRoot, 'docs'))
  .filter((name) => name.endsWith('.md'))
  .map((name) => `guides/${name.replace(/\.md$/, '.html')}`);

describeInBrowser('the docs site in Chromium', () => {
  const suite = serverAndBrowser();
  beforeAll(async () => {
    mkdirSync(screenshots, { recursive: true });
    // The static host: the folder as published, under a base path of its own.
    await suite.browser.context.route(`${staticOrigin}/**`, async (route) => {
      const path = new URL(route.request().url()).pathname.replace(/^\/published\//, '');
      const file = join(siteDir, path === '' || path.endsWith('/') ? `${path}index.html` : path);
      if (existsSync(file)) await route.fulfill({ path: file });
      else await route.fulfill({ status: 404, body: 'not found' });
    });
  });

  // One API page load per origin, each at one of the two widths, so that the basics of the heavy
  // pages are checked at both without loading them twice more.
  const origins = () => [
    { name: 'disk', base: `${pathToFileURL(siteDir).href}/`, origin: 'file://', width: 1280 },
    { name: 'static', base: `${staticOrigin}/published/`, origin: staticOrigin, width: 390 },
    { name: 'server', base: `${suite.server.url}/docs/`, origin: suite.server.url, width: 1280 },
  ];

  it.each(apiNames)('renders every operation of the %s API, from disk, from a static host and from /docs', async (api) => {
    for (const { name, base, origin, width } of origins()) {
      const page = await suite.browser.context.newPage();
      await page.setViewportSize({ width, height: 900 });
      const watched = watch(page);
      const url = `${base}api/${api}.html`;
      await page.goto(url, { waitUntil: 'networkidle' });
      await expectBasics(page, `api/${api}.html (${name})`, width);
      for (const { operation } of operations(api)) {
        await showGroup(page, url, operation.tags[0], operation.operationId);
        await page.locator('h2', { hasText: operation.summary }).first().waitFor({ timeout: 30_000 });
      }
      expect(watched.problems, `${name} ${api}`).toEqual([]);
      expect(watched.requests.filter((url) => !url.startsWith(origin) && !url.startsWith('data:') && !url.startsWith('blob:')), `${name} ${api}`).toEqual([]);
      await page.close();
    }
  }, 300_000);

  it('shows a stream operation with its item schema note and wire transcript', async () => {
    const page = await suite.browser.context.newPage();
    const url = `${suite.server.url}/docs/api/sambanova-cloud.html`;
    await page.goto(url, { waitUntil: 'networkidle' });
    const chat = operations('sambanova-cloud').find((o) => o.operationId === 'createChatCompletion')!;
    await showGroup(page, url, chat.operation.tags[0], chat.operationId);
    const text = page.locator('text=Example transcript of the wire').first();
    await text.waitFor({ timeout: 30_000 });
    await expect.poll(() => page.locator('pre', { hasText: 'data: [DONE]' }).count()).toBeGreaterThan(0);
    await expect.poll(() => page.locator('text=/is the schema of one item/').count()).toBeGreaterThan(0);
    await text.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(screenshots, 'docs-stream-operation.png') });
    await page.close();
  }, 120_000);

  it('passes the basics on the landing page and every guide at 1280 and 390 px, and loads nothing from outside', async () => {
    const paths = ['index.html', ...guidePages];
    for (const width of widths) {
      const page = await suite.browser.context.newPage();
      await page.setViewportSize({ width, height: 900 });
      const watched = watch(page);
      for (const path of paths) {
        await page.goto(`${suite.server.url}/docs/${path}`, { waitUntil: 'load' });
        await expectBasics(page, path, width);
      }
      expect(watched.problems, `at ${width} px`).toEqual([]);
      expect(watched.requests.filter((url) => !url.startsWith(suite.server.url) && !url.startsWith('data:') && !url.startsWith('blob:'))).toEqual([]);
      await page.close();
    }
  }, 300_000);
});
