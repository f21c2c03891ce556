/**
 * Names the answer repeats are bounded (a sambakit limit, marked in the spec): SambaStudio's `model`
 * and expert name, LMI's `model` and a Generic v2 item's `id`, which every streamed chunk or line
 * repeats. Past 256 characters the answer is the API's own request error naming the field, the
 * limit and the value cut short; at the limit the request is served.
 */
import { describe, expect, it } from 'vitest';
import { useServer } from '../helpers/server.js';

const headers = { authorization: 'Bearer sk-names', key: 'sk-names', 'content-type': 'application/json' };
const name = (length: number) => 'n'.repeat(length);

const cases: Array<{ name: string; path: string; status: number; field: string; body: (value: string) => unknown }> = [
  { name: 'OpenAI-compatible chat model', path: '/v1/p/e/chat/completions', status: 400, field: '/body/model', body: (model) => ({ model, messages: [{ role: 'user', content: 'hi' }], max_tokens: 3, stream: true }) },
  { name: 'NLP select_expert', path: '/api/predict/nlp/p/e', status: 422, field: '/body/params/select_expert/value', body: (value) => ({ inputs: ['hi'], params: { select_expert: { type: 'str', value }, max_tokens_to_generate: { type: 'int', value: '3' } } }) },
  { name: 'Generic v2 select_expert', path: '/api/v2/predict/generic/p/e', status: 422, field: '/body/params/select_expert', body: (value) => ({ items: [{ value: 'hi' }], params: { select_expert: value, max_tokens_to_generate: 3 } }) },
  { name: 'LMI chat model', path: '/lmi/v1/chat/completions', status: 424, field: '/body/model', body: (model) => ({ model, messages: [{ role: 'user', content: 'hi' }], max_tokens: 3, stream: true }) },
  { name: 'LMI chat model on /invocations', path: '/lmi/invocations', status: 424, field: '/body/model', body: (model) => ({ model, messages: [{ role: 'user', content: 'hi' }], max_tokens: 3 }) },
  { name: 'Generic v2 item id', path: '/api/v2/predict/generic/stream/p/e', status: 422, field: '/body/items/0/id', body: (id) => ({ items: [{ id, value: 'hi' }], params: { max_tokens_to_generate: 3 } }) },
];

describe('names the answer repeats', () => {
  const server = useServer();
  const post = (path: string, body: unknown) => fetch(`${server.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });

  for (const { name: label, path, status, field, body } of cases) {
    it(`${label}: 100,000 characters are refused naming ${field}, the limit and the value cut short; 256 are served`, async () => {
      const refused = await post(path, body(name(100_000)));
      expect(refused.status).toBe(status);
      const text = await refused.text();
      expect(text).toContain(`${field}: expected at most 256 character(s)`);
      expect(text).toContain(`${name(40)}…`);
      expect(text.length).toBeLessThan(4000);
      const served = await post(path, body(name(256)));
      expect(served.status).toBe(200);
      await served.arrayBuffer();
    });
  }
});
