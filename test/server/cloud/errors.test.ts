/**
 * Every Cloud operation added here answers the service's errors in its own shape, checked against
 * the spec by the server's check mode: 401 without a key (saying how to send it), 429 with
 * `Retry-After` and the rate-limit headers, 500, and 503 (plain text, except the Messages API, which
 * answers everything in Anthropic's JSON envelope).
 * @module
 */
import { describe, expect, it } from 'vitest';
import { useServer } from '../../helpers/server.js';
import { wav } from '../../helpers/audio.js';
import { chatModel, embeddingModel, key, speechModel } from './helpers.js';

const server = useServer({ apiKey: key });

interface Operation {
  id: string;
  method: 'GET' | 'POST';
  path: string;
  body?: () => BodyInit;
  json?: boolean;
  anthropic?: boolean;
}

const json = (value: unknown) => () => JSON.stringify(value);
const audioForm = () => {
  const form = new FormData();
  form.set('file', new File([wav(16_000, 1)], 'a.wav'));
  form.set('model', speechModel);
  return form;
};

const operations: Operation[] = [
  { id: 'createCompletion', method: 'POST', path: '/completions', body: json({ model: chatModel, prompt: 'Hi' }), json: true },
  { id: 'createEmbedding', method: 'POST', path: '/embeddings', body: json({ model: embeddingModel, input: 'Hi' }), json: true },
  { id: 'createTranscription', method: 'POST', path: '/audio/transcriptions', body: audioForm },
  { id: 'createTranslation', method: 'POST', path: '/audio/translations', body: audioForm },
  { id: 'listModels', method: 'GET', path: '/models' },
  { id: 'retrieveModel', method: 'GET', path: `/models/${chatModel}` },
  { id: 'createResponse', method: 'POST', path: '/responses', body: json({ model: chatModel, input: 'Hi' }), json: true },
  { id: 'createMessage', method: 'POST', path: '/messages', body: json({ model: chatModel, max_tokens: 8, messages: [{ role: 'user', content: 'Hi' }] }), json: true, anthropic: true },
  { id: 'countMessageTokens', method: 'POST', path: '/messages/count_tokens', body: json({ model: chatModel, messages: [{ role: 'user', content: 'Hi' }] }), json: true, anthropic: true },
];

function send(op: Operation, headers: Record<string, string>): Promise<Response> {
  return fetch(`${server.url}/cloud/v1${op.path}`, {
    method: op.method,
    headers: { ...(op.json ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(op.body ? { body: op.body() } : {}),
  });
}

describe.each(operations)('$id', (op) => {
  const auth = { authorization: `Bearer ${key}` };

  it('answers 200 with the key, 401 without it', async () => {
    expect((await send(op, auth)).status).toBe(200);
    const missing = await send(op, {});
    expect(missing.status).toBe(401);
    const body = (await missing.json()) as any;
    if (op.anthropic) {
      expect(body).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
      expect(body.error.message).toMatch(/`Authorization: Bearer <key>` header or a `x-api-key` header/);
    } else {
      expect(body.error).toMatchObject({ type: 'authentication_error', code: 'invalid_api_key' });
    }
  });

  it('429 with Retry-After and the rate-limit headers', async () => {
    const response = await send(op, { ...auth, 'x-sambakit-fault': 'rate-limit=4' });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('4');
    expect(response.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    const body = (await response.json()) as any;
    expect(op.anthropic ? body.error.type : body.error.code).toBe(op.anthropic ? 'rate_limit_error' : 'rate_limit_exceeded');
  });

  it('500 and 503 in the operation\'s form', async () => {
    expect((await send(op, { ...auth, 'x-sambakit-fault': 'server-error' })).status).toBe(500);
    const unavailable = await send(op, { ...auth, 'x-sambakit-fault': 'unavailable' });
    expect(unavailable.status).toBe(503);
    if (op.anthropic) expect(((await unavailable.json()) as any).error.type).toBe('overloaded_error');
    else expect(await unavailable.text()).toBe('Service Temporarily Unavailable');
  });
});
