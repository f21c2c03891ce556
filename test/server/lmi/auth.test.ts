/**
 * LMI checks no keys (DJL serving has none): without `--api-key` an LMI request with no key at all is
 * served, while the other APIs still want theirs; with `--api-key` LMI checks the Bearer key too.
 */
import { describe, expect, it } from 'vitest';
import { useServer } from '../../helpers/server.js';

const chat = { messages: [{ role: 'user', content: 'Hello' }], max_tokens: 4 };
const generate = { inputs: 'What is Deep Learning?', parameters: { max_new_tokens: 4 } };
const json = { 'content-type': 'application/json' };

describe('LMI without a server key', () => {
  const server = useServer();
  const post = (path: string, body: unknown, headers: Record<string, string> = json) =>
    fetch(`${server.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });

  for (const [path, body] of [['/lmi/v1/chat/completions', chat], ['/lmi/invocations', chat], ['/lmi/invocations', generate]] as const) {
    it(`${path} (${'inputs' in body ? 'LMI schema' : 'chat'}) answers a request that sends no key`, async () => {
      const response = await post(path, body);
      expect(response.status).toBe(200);
      await response.arrayBuffer();
    });
  }

  it('any Bearer key is fine too', async () => {
    const response = await post('/lmi/v1/chat/completions', chat, { ...json, authorization: 'Bearer whatever' });
    expect(response.status).toBe(200);
    await response.arrayBuffer();
  });

  it('the other APIs still refuse a request without a key', async () => {
    const response = await post('/cloud/v1/chat/completions', { model: 'Meta-Llama-3.1-8B-Instruct', ...chat });
    expect(response.status).toBe(401);
  });
});

describe('LMI with a server key (--api-key)', () => {
  const key = 'lmi-key-0c41';
  const server = useServer({ apiKey: key });
  const post = (path: string, headers: Record<string, string>) => fetch(`${server.url}${path}`, { method: 'POST', headers: { ...json, ...headers }, body: JSON.stringify(chat) });

  it('a request without a key is 401 in the LMI shape, saying to send a Bearer key', async () => {
    const response = await post('/lmi/invocations', {});
    expect(response.status).toBe(401);
    const body = (await response.json()) as { code: number; error: string };
    expect(body.code).toBe(401);
    expect(body.error).toBe('Missing API key: send it in an `Authorization: Bearer <key>` header.');
  });

  it('the configured Bearer key passes', async () => {
    const response = await post('/lmi/v1/chat/completions', { authorization: `Bearer ${key}` });
    expect(response.status).toBe(200);
    await response.arrayBuffer();
  });
});
