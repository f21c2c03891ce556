/**
 * `sambakit/streams` in Chromium: the modules are served as they are (TypeScript transpiled per file,
 * no bundler, no dependency) and decode a stream read with the browser's
 * own fetch, proving the code needs nothing from Node.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeSSE, encodeStreamEnd, encodeStreamItem, type StreamFramingSpec } from '../../src/streams/index.js';
import { sleep } from './helpers.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const chromiumPath = process.env.SAMBAKIT_CHROMIUM ?? '/usr/bin/chromium';
const framing: StreamFramingSpec = { framing: 'sse', terminator: '[DONE]', errorEvents: ['error'] };
const values = [{ n: 0, text: 'Hel' }, { n: 1, text: 'lo wörld 🎉' }];

const page = `<!doctype html><meta charset="utf-8">
<script type="module">
  import * as streams from '/streams/index.js';
  const framing = ${JSON.stringify(framing)};
  const run = async () => {
    const fetched = [];
    for await (const item of streams.iterateStreamItems((await fetch('/sse')).body, framing)) fetched.push([item.kind, item.value]);
    const roundTrip = [];
    const body = streams.encodeStreamItems([{ kind: 'item', value: { a: 'ü' } }, { kind: 'error', value: 'boom' }], framing);
    for await (const item of streams.iterateStreamItems(body, framing)) roundTrip.push([item.kind, item.value]);
    let cut;
    try {
      for await (const _ of streams.iterateStreamItems(new Blob(['data: {}\\n\\n']).stream(), framing));
    } catch (error) {
      cut = [error.name, error.type, streams.isStreamError(error)];
    }
    return { fetched, roundTrip, cut };
  };
  run().then((result) => (window.result = result), (error) => (window.result = { error: String(error && error.stack || error) }));
</script>`;

describe.skipIf(!existsSync(chromiumPath))('sambakit/streams in Chromium', () => {
  let server: Server;
  let url: string;
  let browser: Browser;

  beforeAll(async () => {
    server = createServer(async (req, res) => {
      const path = req.url ?? '/';
      if (path === '/') return res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
      const module = /^\/streams\/([a-z/-]+)\.js$/.exec(path);
      if (module) {
        const source = readFileSync(join(root, 'src/streams', `${module[1]}.ts`), 'utf8');
        const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
        return res.writeHead(200, { 'content-type': 'text/javascript' }).end(js);
      }
      if (path === '/sse') {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        const text = values.map((v) => encodeStreamItem({ kind: 'item', value: v }, framing)).join('') + encodeSSE({ event: 'error', data: '{"error":"x"}' }) + encodeStreamEnd(framing);
        const bytes = new TextEncoder().encode(text.replaceAll('\n', '\r\n'));
        for (let i = 0; i < bytes.length; i += 5) {
          res.write(bytes.subarray(i, i + 5));
          await sleep(1);
        }
        return res.end();
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    // Playwright gives the browser a throwaway profile of its own.
    browser = await chromium.launch({ executablePath: chromiumPath, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  });

  afterAll(async () => {
    await browser?.close();
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  it('decodes a fetched SSE stream, round-trips the encoder and raises typed errors', async () => {
    const tab = await browser.newPage();
    const errors: string[] = [];
    tab.on('pageerror', (error) => errors.push(error.message));
    await tab.goto(url);
    await tab.waitForFunction(() => (window as { result?: unknown }).result !== undefined, undefined, { timeout: 30_000 });
    const result = await tab.evaluate(() => (window as { result?: unknown }).result);
    expect(errors).toEqual([]);
    expect(result).toEqual({
      fetched: [...values.map((v) => ['item', v]), ['error', { error: 'x' }]],
      roundTrip: [
        ['item', { a: 'ü' }],
        ['error', 'boom'],
      ],
      cut: ['StreamEndedEarlyError', 'ended-early', true],
    });
  });
});
