/**
 * The built client in real Chromium: `src/client` bundled for the browser by esbuild, loaded by a
 * page served from another origin than the reference server (so every call is a CORS request), and
 * driven through JSON answers, streams of every framing (and the chat-only Cloud client's), an
 * upload from a Blob, an aborted stream and a typed error.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../helpers/browser.js';
import { repoRoot } from '../helpers/spec.js';
import { withServer } from '../helpers/server.js';

describe('the client in Chromium, from a page on another origin', () => {
  let server: Awaited<ReturnType<typeof withServer>>;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let pages: Server;
  let pageOrigin = '';

  beforeAll(async () => {
    const bundle = await build({ entryPoints: [`${repoRoot}src/client/index.ts`], bundle: true, format: 'esm', platform: 'browser', write: false, minify: true });
    const script = bundle.outputFiles[0]!.text;
    server = await withServer({ apiKey: 'browser-key' });
    pages = createServer((request, response) => {
      if (request.url === '/sambakit.js') return response.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
      response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>client</title><script type="module">import * as kit from "/sambakit.js"; window.kit = kit;</script>');
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
    await page.waitForFunction(() => 'kit' in window);
    const result = await page.evaluate(async (base) => {
      const kit = (window as unknown as { kit: any }).kit;
      const cloud = new kit.SambaNovaCloud({ baseURL: `${base}/cloud/v1`, apiKey: 'browser-key' });
      const studio = new kit.SambaStudio({ baseURL: base, apiKey: 'browser-key', project: 'p', endpoint: 'e' });
      const lmi = new kit.LMI({ baseURL: `${base}/lmi`, apiKey: 'browser-key' });
      const messages = [{ role: 'user', content: 'Say hi' }];
      const answer = await cloud.chat({ model: 'Meta-Llama-3.3-70B-Instruct', messages, max_tokens: 8, temperature: 0 });
      const streamed = await kit.collectChat(await cloud.chat({ model: 'Meta-Llama-3.3-70B-Instruct', messages, max_tokens: 8, temperature: 0, stream: true }));
      const chatOnly = new kit.SambaNovaCloudChat({ baseURL: `${base}/cloud/v1`, apiKey: 'browser-key' });
      const chatOnlyStreamed = await kit.collectChat(await chatOnly.chat({ model: 'Meta-Llama-3.3-70B-Instruct', messages, max_tokens: 8, temperature: 0, stream: true }));
      const native = await kit.collectNative(await studio.nlp({ inputs: ['hi'], params: { max_tokens_to_generate: 6, do_sample: false }, stream: true }));
      const lines = await kit.collectChat(await lmi.chat({ messages, max_tokens: 6, stream: true }));
      // A 1-second 16 kHz WAV of silence, as a Blob: a real multipart upload from the page.
      const samples = 16000;
      const wav = new DataView(new ArrayBuffer(44 + samples * 2));
      const text = (at: number, s: string) => [...s].forEach((c, i) => wav.setUint8(at + i, c.charCodeAt(0)));
      text(0, 'RIFF'); wav.setUint32(4, 36 + samples * 2, true); text(8, 'WAVE'); text(12, 'fmt ');
      wav.setUint32(16, 16, true); wav.setUint16(20, 1, true); wav.setUint16(22, 1, true); wav.setUint32(24, 16000, true);
      wav.setUint32(28, 32000, true); wav.setUint16(32, 2, true); wav.setUint16(34, 16, true); text(36, 'data'); wav.setUint32(40, samples * 2, true);
      const transcript = await studio.transcribe(new File([wav.buffer], 'a.wav', { type: 'audio/wav' }));
      const controller = new AbortController();
      let seen = 0;
      const aborted = await (async () => {
        for await (const _ of await cloud.chat({ model: 'Meta-Llama-3.3-70B-Instruct', messages, max_tokens: 50, stream: true }, { signal: controller.signal })) {
          if (++seen === 2) controller.abort(new Error('stop'));
        }
      })().then(() => 'not aborted', (e: Error) => e.message);
      const wrongKey = new kit.SambaNovaCloud({ baseURL: `${base}/cloud/v1`, apiKey: 'wrong', maxRetries: 0 });
      const error = await wrongKey.models.list().catch((e: unknown) => e);
      return {
        same: answer.choices[0].message.content === streamed.choices[0].message.content,
        chatOnly: chatOnlyStreamed.choices[0].message.content === answer.choices[0].message.content,
        native: native.is_last_response,
        lines: lines.choices[0].finish_reason !== null,
        transcript: typeof transcript.data,
        aborted,
        error: [error instanceof kit.AuthenticationError, error.status, typeof error.requestId],
      };
    }, server.url);
    expect(result).toEqual({ same: true, chatOnly: true, native: true, lines: true, transcript: 'object', aborted: 'stop', error: [true, 401, 'string'] });
    expect(pageErrors).toEqual([]);
  });
});
