/**
 * The built client in real Chromium: `src/client` bundled for the browser by esbuild, loaded by a
 * page served from another origin than the reference server (so every call is a CORS request), and
 * driven through the scenario Deno and Bun run too (test/fixtures/client-scenario.mjs): JSON answers,
 * streams of every framing (and the chat-only Cloud client's), an upload from a File, an aborted
 * stream and a typed error.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../helpers/browser.js';
import { clientBundle, scenarioKey, scenarioPassed, scenarioSource } from '../helpers/client-scenario.js';
import { withServer } from '../helpers/server.js';

describe('the client in Chromium, from a page on another origin', () => {
  let server: Awaited<ReturnType<typeof withServer>>;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let pages: Server;
  let pageOrigin = '';

  beforeAll(async () => {
    const script = await clientBundle();
    server = await withServer({ apiKey: scenarioKey });
    pages = createServer((request, response) => {
      if (request.url === '/sambakit.js') return response.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
      if (request.url === '/scenario.js') return response.writeHead(200, { 'content-type': 'text/javascript' }).end(scenarioSource);
      response
        .writeHead(200, { 'content-type': 'text/html' })
        .end('<!doctype html><title>client</title><script type="module">import * as kit from "/sambakit.js"; import { clientScenario } from "/scenario.js"; window.runScenario = (base) => clientScenario(kit, base);</script>');
    });
    await new Promise<void>((resolve) => pages.listen(0, '127.0.0.1', resolve));
    // localhost, not 127.0.0.1: another origin than the server's.
    pageOrigin = `http://localhost:${(pages.address() as AddressInfo).port}`;
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => pages?.close(resolve));
    await server?.close();
  });

  it('calls every API, streams, uploads and fails typed', async () => {
    const page = await browser.context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(pageOrigin);
    await page.waitForFunction(() => 'runScenario' in window);
    const result = await page.evaluate((base) => (window as unknown as { runScenario(base: string): Promise<unknown> }).runScenario(base), server.url);
    expect(result).toEqual(scenarioPassed);
    expect(pageErrors).toEqual([]);
  });
});
