/**
 * The behaviour both middlewares must have, run against a real app of each framework on a random
 * port over real HTTP: request checks answered in each API's own error shape and status, log
 * mode, unmatched routes untouched, malformed JSON, and response checks (JSON before sending,
 * streams item by item).
 */
import { afterEach, expect, it } from 'vitest';
import type { ValidationMiddlewareOptions } from '../../src/validate/middleware/core.js';
import { chunk, cloudChat, cloudChatResponse, collector, genericPredict, lmiChat, post, type TestApp } from './middleware-apps.js';

export function middlewareSuite(start: (options: ValidationMiddlewareOptions) => Promise<TestApp>) {
  const apps: TestApp[] = [];
  const open = async (options: ValidationMiddlewareOptions = {}) => {
    const app = await start(options);
    apps.push(app);
    return app;
  };
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((a) => a.close()));
  });

  it('a valid request reaches the handler', async () => {
    const app = await open();
    const res = await post(`${app.url}/cloud/v1/chat/completions`, cloudChat);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(cloudChatResponse);
    expect(app.handled).toEqual(['POST /cloud/v1/chat/completions']);
  });

  it('an invalid SambaNova Cloud request is a 400 in the Cloud error shape with every violation; the handler is not reached', async () => {
    const { reports, onViolation } = collector();
    const app = await open({ onViolation });
    const res = await post(`${app.url}/cloud/v1/chat/completions`, { ...cloudChat, temperature: 7 });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: Record<string, unknown>; request_id: string };
    expect(body.error).toMatchObject({ type: 'invalid_request_error', code: 'value_above_max_value', param: 'temperature', message: '/body/temperature: expected a number <= 2, received 7 (maximum)' });
    expect(body.error.violations).toEqual([expect.objectContaining({ path: '/body/temperature', rule: 'maximum', received: 7 })]);
    expect(typeof body.request_id).toBe('string');
    expect(app.handled).toEqual([]);
    expect(reports).toEqual([expect.objectContaining({ kind: 'request', api: 'sambanova-cloud', operationId: 'createChatCompletion', method: 'POST' })]);
  });

  it('SambaStudio native answers 422 in its shape, LMI 424 in its shape (operation found from the real paths)', async () => {
    const app = await open({ onViolation: () => {} });
    const studio = await post(`${app.url}/api/predict/generic/p1/e1`, { ...genericPredict, inputs: 'not a list' });
    expect(studio.status).toBe(422);
    expect(((await studio.json()) as { error: { code: number; violations: unknown[] } }).error).toMatchObject({ code: 422, violations: [expect.objectContaining({ path: '/body/inputs' })] });
    const lmi = await post(`${app.url}/lmi/invocations`, { ...lmiChat, messages: 'hi' });
    expect(lmi.status).toBe(424);
    expect(await lmi.json()).toMatchObject({ code: 424, error: expect.stringContaining('/body/messages') });
    expect(app.handled).toEqual([]);
  });

  it('malformed JSON is the API error with a json violation', async () => {
    const app = await open({ onViolation: () => {} });
    const res = await post(`${app.url}/cloud/v1/chat/completions`, '{"model": ');
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { violations: Array<{ path: string; rule: string }> } };
    expect(body.error.violations.map((v) => [v.path, v.rule])).toEqual([['/body', 'json']]);
  });

  it("requests: 'log' reports and lets the request through; routes of no API pass untouched", async () => {
    const { reports, onViolation } = collector();
    const app = await open({ requests: 'log', onViolation });
    const res = await post(`${app.url}/cloud/v1/chat/completions`, { ...cloudChat, temperature: 7 });
    expect(res.status).toBe(200);
    expect(reports.map((r) => r.violations.map((v) => v.path))).toEqual([['/body/temperature']]);
    const other = await post(`${app.url}/not-an-api`, { anything: true });
    expect(other.status).toBe(200);
    expect(app.handled).toEqual(['POST /cloud/v1/chat/completions', 'POST /not-an-api']);
    expect(reports).toHaveLength(1);
  });

  it("an explicit operation checks every request against it; api narrows the search", async () => {
    const { onViolation } = collector();
    const { createChatCompletion } = await import('../../src/contract/lmi.js');
    const app = await open({ operation: createChatCompletion, onViolation });
    const res = await post(`${app.url}/cloud/v1/chat/completions`, { messages: 'not a list' });
    expect(res.status).toBe(424);
  });

  it("responses: 'reject' checks a JSON response before it goes out: a broken one becomes a 500 in the API's shape naming the field", async () => {
    const { reports, onViolation } = collector();
    const app = await open({ responses: 'reject', onViolation });
    const good = await post(`${app.url}/cloud/v1/chat/completions`, cloudChat);
    expect(good.status).toBe(200);
    const bad = await post(`${app.url}/cloud/v1/chat/completions`, cloudChat, { 'x-answer': 'invalid' });
    expect(bad.status).toBe(500);
    const body = (await bad.json()) as { error: { type: string; message: string } };
    expect(body.error.type).toBe('server_error');
    expect(body.error.message).toContain('/body/choices');
    expect(reports).toEqual([expect.objectContaining({ kind: 'response', status: 200 })]);
  });

  it("responses: 'log' lets the response out as sent and reports it", async () => {
    const { reports, onViolation } = collector();
    const app = await open({ responses: 'log', onViolation });
    const bad = await post(`${app.url}/cloud/v1/chat/completions`, cloudChat, { 'x-answer': 'invalid' });
    expect(bad.status).toBe(200);
    expect(((await bad.json()) as { choices: unknown }).choices).toBe('none');
    expect(reports.map((r) => r.kind)).toEqual(['response']);
  });

  it('a streamed response is checked item by item as it passes, unchanged; its violations are reported at its end', async () => {
    const { reports, onViolation } = collector();
    const app = await open({ responses: 'reject', onViolation });
    const res = await post(`${app.url}/cloud/v1/chat/completions`, { ...cloudChat, stream: true }, { 'x-answer': 'broken-stream' });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain(JSON.stringify(chunk));
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
    await expect.poll(() => reports.length).toBe(1);
    expect(reports[0]).toMatchObject({ kind: 'stream', status: 200 });
    expect(reports[0]!.violations.map((v) => [v.path, v.rule])).toEqual([['/items/1/object', 'enum']]);
  });
}
