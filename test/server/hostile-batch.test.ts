/**
 * Every operation that takes a list of requests or prompts bounds it: past the limit the answer is
 * the API's own request error naming the field and the limit (the spec's `maxItems`, marked as
 * sambakit's choice), so no single request asks for unbounded work; at the limit it is served.
 */
import { describe, expect, it } from 'vitest';
import { useServer } from '../helpers/server.js';

const headers = { authorization: 'Bearer sk-batch', key: 'sk-batch', 'content-type': 'application/json' };
const chat = { model: 'Meta-Llama-3.3-70B-Instruct', messages: [{ role: 'user', content: 'hi' }], max_tokens: 2 };
const prompts = (n: number) => Array.from({ length: n }, (_, i) => `prompt ${i}`);

const cases: Array<{ name: string; path: string; status: number; field: string; limit: number; body: (n: number) => unknown }> = [
  { name: 'SambaStudio chat batch', path: '/v1/p/e/chat/completions', status: 400, field: '/body', limit: 256, body: (n) => Array(n).fill(chat) },
  { name: 'NLP inputs', path: '/api/predict/nlp/p/e', status: 422, field: '/body/inputs', limit: 256, body: (n) => ({ inputs: prompts(n) }) },
  { name: 'Generic v1 instances', path: '/api/predict/generic/p/e', status: 422, field: '/body/instances', limit: 256, body: (n) => ({ instances: prompts(n) }) },
  { name: 'Generic v2 items', path: '/api/v2/predict/generic/p/e', status: 422, field: '/body/items', limit: 256, body: (n) => ({ items: prompts(n).map((value, i) => ({ id: String(i), value })), params: {} }) },
  { name: 'Cloud embeddings input', path: '/cloud/v1/embeddings', status: 400, field: '/body/input', limit: 128, body: (n) => ({ model: 'E5-Mistral-7B-Instruct', input: prompts(n) }) },
];

describe('batch limits', () => {
  const server = useServer();
  const post = (path: string, body: unknown) => fetch(`${server.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });

  for (const { name, path, status, field, limit, body } of cases) {
    it(`${name}: one past ${limit} is refused naming ${field} and the limit; ${limit} is served`, async () => {
      const refused = await post(path, body(limit + 1));
      expect(refused.status).toBe(status);
      const text = await refused.text();
      expect(text).toContain(`${field}: expected at most ${limit} item(s), received \\"${limit + 1} item(s)\\" (maxItems)`);
      const served = await post(path, body(limit));
      expect(served.status).toBe(200);
      await served.arrayBuffer();
    });
  }

  it('a batch of millions is refused by the member limit while it is parsed', async () => {
    const refused = await post('/v1/p/e/chat/completions', Array(400_000).fill({ model: 'm' }));
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('at most 100000 array items and object members in all');
  });
});
