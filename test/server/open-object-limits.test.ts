/**
 * Open objects whose every member the server reads or echoes (native `params`, whose unknown names go
 * to the model; Responses and Messages `metadata`, echoed or kept) have a member limit of sambakit's
 * (see the spec's `x-sambakit-source: sambakit` notes): at the limit a request is served, past it
 * refused in the API's own error form, naming the field, the limit and what came. Any object of a
 * body has the body's per-object limit (`bodySizeLimits.maxMembers`), met in the parse of a large
 * body and in the size check of a small one, with the same error.
 */
import { describe, expect, it } from 'vitest';
import { bodySizeLimits, syncParseBytes } from '../../src/server/json-body.js';
import { useServer } from '../helpers/server.js';

const model = 'Meta-Llama-3.3-70B-Instruct';
const names = (count: number, value: unknown) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, value]));

describe('open objects past their member limit', () => {
  const server = useServer();
  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${server.url}${path}`, { method: 'POST', headers: { authorization: 'Bearer k', key: 'k', 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: response.status, text: await response.text() };
  };

  it('native v2 params: 256 served, 257 refused with 422 naming /body/params', async () => {
    const body = (count: number) => ({ items: [{ id: 'a', value: 'Hi.' }], params: { max_tokens_to_generate: 5, ...names(count - 1, 1) } });
    expect((await post('/api/v2/predict/generic/p/e', body(256))).status).toBe(200);
    const refused = await post('/api/v2/predict/generic/p/e', body(257));
    expect(refused.status).toBe(422);
    expect(JSON.parse(refused.text).error.violations).toEqual([expect.objectContaining({ path: '/body/params', rule: 'maxProperties', expected: 'at most 256 field(s)', received: 'more than 256 field(s)' })]);
  });

  it('typed native params: 257 refused with 422 naming /body/params', async () => {
    const refused = await post('/api/predict/generic/p/e', { instance: 'Hi.', params: names(257, { type: 'int', value: '1' }) });
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('/body/params: expected at most 256 field(s), received \\"more than 256 field(s)\\" (maxProperties)');
  });

  it('Responses metadata: 1,024 pairs served and echoed, 1,025 refused with 400', async () => {
    const body = (count: number) => ({ model, input: 'Hi.', metadata: names(count, 'v'), max_output_tokens: 5 });
    const served = await post('/cloud/v1/responses', body(1024));
    expect(served.status).toBe(200);
    expect(Object.keys(JSON.parse(served.text).metadata)).toHaveLength(1024);
    const refused = await post('/cloud/v1/responses', body(1025));
    expect(refused.status).toBe(400);
    expect(JSON.parse(refused.text).error).toMatchObject({ param: 'metadata', message: 'Invalid request: /body/metadata expected at most 1024 field(s), got "more than 1024 field(s)".' });
  });

  it('Messages metadata: 1,025 fields refused with 400', async () => {
    const refused = await post('/cloud/v1/messages', { model, max_tokens: 5, messages: [{ role: 'user', content: 'Hi.' }], metadata: names(1025, 'v') });
    expect(refused.status).toBe(400);
    expect(JSON.parse(refused.text).error.message).toBe('Invalid request: /body/metadata expected at most 1024 field(s), got "more than 1024 field(s)".');
  });
});

describe('any object past the body\'s per-object member limit', () => {
  const server = useServer();
  const limit = bodySizeLimits.maxMembers;
  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${server.url}${path}`, { method: 'POST', headers: { authorization: 'Bearer k', key: 'k', 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: response.status, body: JSON.parse(await response.text()) };
  };
  const schema = (count: number) => ({ type: 'object', properties: names(count, {}) });
  /** Past the size parsed at once: the object is met by the sliced parse. */
  const long = 'x'.repeat(syncParseBytes);

  interface Family {
    api: string;
    path: string;
    body: (count: number, prompt: string) => unknown;
    status: number;
    pointer: string;
    message: (body: any) => unknown;
  }
  /** An OpenAI-style chat API, the object a json_schema's properties. */
  const chat = (api: string, path: string): Family => ({
    api,
    path,
    body: (count, prompt) => ({ model, max_tokens: 5, messages: [{ role: 'user', content: prompt }], response_format: { type: 'json_schema', json_schema: { name: 'f', schema: schema(count) } } }),
    status: 400,
    pointer: '/body/response_format/json_schema/schema/properties',
    message: (body) => body.error.message,
  });
  const families: Family[] = [
    chat('Cloud chat', '/cloud/v1/chat/completions'),
    {
      api: 'Responses',
      path: '/cloud/v1/responses',
      body: (count, prompt) => ({ model, input: prompt, max_output_tokens: 5, text: { format: { type: 'json_schema', name: 'f', schema: schema(count) } } }),
      status: 400,
      pointer: '/body/text/format/schema/properties',
      message: (body) => body.error.message,
    },
    {
      api: 'Messages',
      path: '/cloud/v1/messages',
      body: (count, prompt) => ({ model, max_tokens: 5, messages: [{ role: 'user', content: prompt }], tools: [{ name: 'fill', input_schema: schema(count) }] }),
      status: 400,
      pointer: '/body/tools/0/input_schema/properties',
      message: (body) => body.type === 'error' && body.error.message,
    },
    chat('SambaStudio chat', '/v1/p/e/chat/completions'),
    {
      api: 'native v2',
      path: '/api/v2/predict/generic/p/e',
      body: (count, prompt) => ({ items: [{ id: 'a', value: prompt }], params: { max_tokens_to_generate: 5 }, extra: names(count, 1) }),
      status: 422,
      pointer: '/body/extra',
      message: (body) => body.error.message,
    },
    {
      api: 'LMI',
      path: '/lmi/invocations',
      body: (count, prompt) => ({ inputs: prompt, parameters: { max_new_tokens: 5 }, extra: names(count, 1) }),
      status: 424,
      pointer: '/body/extra',
      message: (body) => body.error,
    },
  ];

  for (const family of families) {
    it(`${family.api}: ${limit} members served, ${limit + 1} refused with ${family.status} naming the object, small body or large`, async () => {
      expect((await post(family.path, family.body(limit, 'Hi.'))).status).toBe(200);
      for (const prompt of ['Hi.', long]) {
        const refused = await post(family.path, family.body(limit + 1, prompt));
        expect(refused.status).toBe(family.status);
        expect(family.message(refused.body)).toBe(`Invalid request: ${family.pointer} expected at most ${limit} members in one object, got "more than ${limit}".`);
      }
    });
  }

  it('a map the schema types all through (logit_bias) is measured too: the limit served, past it refused', async () => {
    const body = (count: number) => ({ model, max_tokens: 5, messages: [{ role: 'user', content: 'Hi.' }], logit_bias: Object.fromEntries(Array.from({ length: count }, (_, i) => [String(i), 1])) });
    expect((await post('/cloud/v1/chat/completions', body(limit))).status).toBe(200);
    const refused = await post('/cloud/v1/chat/completions', body(limit + 1));
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toBe(`Invalid request: /body/logit_bias expected at most ${limit} members in one object, got "more than ${limit}".`);
  });

  it('a large body with exactly the limit in one object is served', async () => {
    const served = await post('/cloud/v1/chat/completions', { ...(families[0]!.body(limit, 'Hi.') as object), user: long });
    expect(served.status).toBe(200);
  });
});
