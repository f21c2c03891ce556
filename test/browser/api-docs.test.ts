import type { Locator, Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { wav } from '../helpers/audio.js';
import { apiNames, bundled, operations } from '../helpers/spec.js';
import { describeInBrowser, serverAndBrowser } from '../helpers/browser.js';

describeInBrowser('Swagger UI at /api/docs in Chromium', () => {
  const suite = serverAndBrowser();

  it('renders every operation of each of the three APIs, selectable, loading nothing from outside', async () => {
    const page = await suite.browser.context.newPage();
    const requested: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${suite.server.url}/api/docs`);

    for (const api of apiNames) {
      const title = String(bundled(api).info.title);
      await page.locator('.topbar select').selectOption({ label: ({ sambastudio: 'SambaStudio', 'sambanova-cloud': 'SambaNova Cloud', lmi: 'DJL LMI' } as const)[api] });
      await page.locator('.info .title', { hasText: title }).waitFor({ timeout: 30_000 });
      // Swagger UI gives a deprecated operation's path its own class (struck through).
      const shown = await page.locator('.opblock-summary-path, .opblock-summary-path__deprecated').allInnerTexts();
      const expected = operations(api).map((o) => o.path);
      for (const path of expected) expect(shown.map((s) => s.replace(/\u200b/g, '').trim()), api).toContain(path);
      if (api === 'sambanova-cloud') await page.screenshot({ path: 'test-results/screenshots/swagger-ui-cloud.png', fullPage: false });
    }
    expect(pageErrors).toEqual([]);
    const outside = requested.filter((url) => !url.startsWith(suite.server.url) && !url.startsWith('data:'));
    expect(outside).toEqual([]);
  });
});

describeInBrowser('Swagger UI try-it against the server that serves it', () => {
  const suite = serverAndBrowser();

  /** A Swagger UI page on one API, authorized with `k` for the named schemes only, recording what it sends. */
  async function openApi(title: string, schemes: Array<'auth-bearer-value' | 'api_key_value'>) {
    const page = await suite.browser.context.newPage();
    const sent: Array<{ url: string; headers: Record<string, string> }> = [];
    page.on('request', (request) => sent.push({ url: request.url(), headers: request.headers() }));
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(`${suite.server.url}/api/docs?urls.primaryName=${encodeURIComponent(title)}`);
    await page.locator('.info .title').waitFor({ timeout: 30_000 });
    await page.locator('button.authorize').first().click();
    for (const id of schemes) {
      const input = page.locator(`.modal-ux input#${id}`);
      await input.fill('k');
      await input.locator('xpath=ancestor::form').locator('button.authorize').click();
    }
    await page.locator('.modal-ux button.btn-done').first().click();
    return { page, sent, problems };
  }

  /** Expands an operation, presses "Try it out", lets `fill` set its inputs, executes, and returns the status and body shown. */
  async function tryIt(page: Page, operationId: string, fill: (op: Locator) => Promise<void>) {
    const op = page.locator(`.opblock[id$="-${operationId}"]`);
    const tryOut = op.locator('.try-out__btn').first();
    if (!(await tryOut.isVisible())) await op.locator('.opblock-summary').first().click();
    // Waited for: an operation just expanded renders its button a moment later (the button then says "Cancel" once pressed).
    await tryOut.waitFor({ timeout: 30_000 });
    if ((await tryOut.innerText()).trim() === 'Try it out') await tryOut.click();
    // A response shown from an earlier call is cleared first, so the one read below is this call's.
    if (await op.locator('.btn-clear').first().isVisible()) await op.locator('.btn-clear').first().click();
    await fill(op);
    await op.locator('.execute').click();
    const status = op.locator('.live-responses-table tr.response .response-col_status').first();
    await status.waitFor({ timeout: 30_000 });
    return { status: (await status.innerText()).trim(), body: await op.locator('.live-responses-table tr.response .response-col_description').first().innerText() };
  }

  const chatBody = (stream: boolean) => JSON.stringify({ model: 'Meta-Llama-3.3-70B-Instruct', messages: [{ role: 'user', content: 'Hi' }], max_tokens: 16, stream });

  it('runs a chat, a streamed chat and an ASR upload of a real WAV on SambaNova Cloud with Bearer, showing each body', async () => {
    const { page, sent, problems } = await openApi('SambaNova Cloud', ['auth-bearer-value']);
    const chat = await tryIt(page, 'createChatCompletion', (op) => op.locator('textarea.body-param__text').fill(chatBody(false)));
    expect(chat.status).toBe('200');
    expect(chat.body).toContain('"chat.completion"');
    await page.locator('.opblock[id$="-createChatCompletion"] .live-responses-table').scrollIntoViewIfNeeded();
    await page.screenshot({ path: 'test-results/screenshots/swagger-try-it-chat.png' });

    const stream = await tryIt(page, 'createChatCompletion', (op) => op.locator('textarea.body-param__text').fill(chatBody(true)));
    expect(stream.status).toBe('200');
    expect(stream.body).toContain('chat.completion.chunk');
    expect(stream.body).toContain('data: [DONE]');

    const upload = await tryIt(page, 'createTranscription', async (op) => {
      await op.locator('input[type=file]').first().setInputFiles({ name: 'sample.wav', mimeType: 'audio/wav', buffer: Buffer.from(wav(16_000, 1)) });
      await op.locator('input[placeholder="model"]').fill('Whisper-Large-v3');
    });
    expect(upload.status, upload.body).toBe('200');
    expect(upload.body).toContain('"text"');

    const calls = sent.filter((r) => /\/(chat\/completions|audio\/transcriptions)$/.test(r.url));
    expect(calls.length).toBeGreaterThanOrEqual(3);
    for (const call of calls) {
      expect(call.url.startsWith(`${suite.server.url}/cloud/v1/`)).toBe(true);
      expect(call.headers.authorization).toBe('Bearer k');
    }
    expect(problems).toEqual([]);
    await page.close();
  }, 180_000);

  it('authorizes with x-api-key on the Messages API and with the key header on SambaStudio native', async () => {
    const cloud = await openApi('SambaNova Cloud', ['api_key_value']);
    const message = await tryIt(cloud.page, 'createMessage', (op) =>
      op.locator('textarea.body-param__text').fill(JSON.stringify({ model: 'DeepSeek-V3.1', max_tokens: 16, messages: [{ role: 'user', content: 'Hello' }] })),
    );
    expect(message.status, message.body).toBe('200');
    const messageCall = cloud.sent.find((r) => r.url === `${suite.server.url}/cloud/v1/messages`)!;
    expect(messageCall.headers['x-api-key']).toBe('k');
    expect(messageCall.headers.authorization).toBeUndefined();
    await cloud.page.close();

    const studio = await openApi('SambaStudio', ['api_key_value']);
    const predict = await tryIt(studio.page, 'nlpPredict', async (op) => {
      await op.locator('input[placeholder="project_id"]').fill('my-project');
      await op.locator('input[placeholder="endpoint_id"]').fill('my-endpoint');
    });
    expect(predict.status, predict.body).toBe('200');
    const predictCall = studio.sent.find((r) => r.url === `${suite.server.url}/api/predict/nlp/my-project/my-endpoint`)!;
    expect(predictCall.headers.key).toBe('k');
    await studio.page.close();
  }, 180_000);
});
