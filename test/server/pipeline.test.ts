/**
 * What every operation goes through before its handler, over real HTTP: auth, media types, size
 * limits, JSON parsing, validation in each API's own error shape, unknown routes and methods,
 * faults that answer early, control headers, CORS, request ids and the log line.
 */
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { useServer, withServer } from '../helpers/server.js';

const key = 'test-key-5f2c';
const chat = { model: 'Meta-Llama-3.1-8B-Instruct', messages: [{ role: 'user', content: 'Hello' }] };
const bearer = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };

describe('request pipeline', () => {
  const server = useServer({ apiKey: key, bodyLimitBytes: 4096 });

  const post = (path: string, body: unknown, headers: Record<string, string> = bearer) =>
    fetch(`${server.url}${path}`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });

  describe('authentication', () => {
    it('a missing key is 401 saying how to send it, in the API\'s shape', async () => {
      const response = await post('/cloud/v1/chat/completions', chat, { 'content-type': 'application/json' });
      expect(response.status).toBe(401);
      const body = (await response.json()) as any;
      expect(body.error.message).toMatch(/Missing API key: send it in an `Authorization: Bearer <key>` header/);
      expect(body.error.type).toBe('authentication_error');
      expect(typeof body.request_id).toBe('string');
    });

    it('a wrong key is 401 and the key is never echoed', async () => {
      const wrong = 'sk-wrong-7777';
      const response = await post('/lmi/v1/chat/completions', chat, { authorization: `Bearer ${wrong}`, 'content-type': 'application/json' });
      expect(response.status).toBe(401);
      const text = await response.text();
      expect(JSON.parse(text)).toMatchObject({ code: 401, error: 'Invalid API key.' });
      expect(text).not.toContain(wrong);
      expect(server.lines.join('\n')).not.toContain(wrong);
    });

    it('native SambaStudio APIs read the `key` header; Bearer is not their scheme', async () => {
      const body = { instances: ['hi'] };
      const withBearer = await post('/api/predict/generic/p/e', body, bearer);
      expect(withBearer.status).toBe(401);
      expect(((await withBearer.json()) as any).error.message).toMatch(/a `key` header/);
      const wrong = await post('/api/predict/generic/p/e', { instances: 42 }, { key, 'content-type': 'application/json' });
      expect(wrong.status).toBe(422); // past auth: the body is what is wrong
    });
  });

  describe('bodies', () => {
    it('malformed JSON is 400 with the parser\'s position', async () => {
      const response = await post('/v1/p/e/chat/completions', '{"model": "m", "messages": [', bearer);
      expect(response.status).toBe(400);
      expect(((await response.json()) as any).error.message).toMatch(/not valid JSON/);
    });

    it('a wrong content type is 415 naming the accepted one', async () => {
      const response = await post('/cloud/v1/chat/completions', JSON.stringify(chat), { authorization: `Bearer ${key}`, 'content-type': 'text/plain' });
      expect(response.status).toBe(415);
      expect(((await response.json()) as any).error.message).toContain('application/json');
    });

    it('a client that leaves mid-body is let go quietly, and the server goes on serving', async () => {
      const { hostname, port } = new URL(server.url);
      await new Promise<void>((resolve, reject) => {
        const socket = connect({ host: hostname, port: Number(port) }, () => {
          socket.write(`POST /cloud/v1/chat/completions HTTP/1.1\r\nhost: ${hostname}\r\nauthorization: Bearer ${key}\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{"model": "m"`);
          setTimeout(() => socket.destroy(), 50);
        });
        socket.on('close', () => resolve());
        socket.on('error', reject);
      });
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(server.lines.filter((line) => line.startsWith('error:'))).toEqual([]);
      const after = await post('/cloud/v1/chat/completions', chat, { ...bearer, 'x-sambakit-fault': 'server-error' });
      expect(after.status).toBe(500);
    });

    it('a body over the limit is 413', async () => {
      const big = { ...chat, messages: [{ role: 'user', content: 'x'.repeat(10_000) }] };
      const response = await post('/cloud/v1/chat/completions', big);
      expect(response.status).toBe(413);
      expect(((await response.json()) as any).error.message).toMatch(/larger than the limit of 4096 bytes/);
    });
  });

  describe('validation: every violation, in each API\'s own error shape', () => {
    it('SambaNova Cloud: 400 {error, request_id} with violations', async () => {
      const response = await post('/cloud/v1/chat/completions', { ...chat, temperature: 5, top_k: 0, messages: [{ role: 'robot', content: 'x' }] });
      expect(response.status).toBe(400);
      const body = (await response.json()) as any;
      expect(body.error.type).toBe('invalid_request_error');
      const paths = body.error.violations.map((v: any) => v.path).sort();
      expect(paths).toEqual(['/body/messages/0/role', '/body/temperature', '/body/top_k'].sort());
      const temperature = body.error.violations.find((v: any) => v.path === '/body/temperature');
      expect(temperature).toEqual({ path: '/body/temperature', rule: 'maximum', expected: 'a number <= 2', received: 5, message: '/body/temperature: expected a number <= 2, received 5 (maximum)' });
    });

    it('SambaStudio OpenAI-compatible: 400 OpenAI error', async () => {
      const response = await post('/v1/p/e/chat/completions', { messages: [] });
      expect(response.status).toBe(400);
      const body = (await response.json()) as any;
      expect(body.error.violations.map((v: any) => v.path)).toEqual(expect.arrayContaining(['/body/model', '/body/messages']));
    });

    it('SambaStudio native: 422 {error: {code, details, message}}, or {detail} with the detail-error variant', async () => {
      const headers = { key, 'content-type': 'application/json' };
      const bad = { instances: ['hi'], params: { temperature: { type: 'float', value: 'hot' } } };
      const response = await post('/api/predict/generic/p/e', bad, headers);
      expect(response.status).toBe(422);
      const body = (await response.json()) as any;
      expect(body.error.code).toBe(422);
      expect(body.error.violations[0].path).toBe('/body/params/temperature/value');
      const detail = await post('/api/predict/generic/p/e', bad, { ...headers, 'x-sambakit-variant': 'detail-error' });
      expect(detail.status).toBe(422);
      expect(((await detail.json()) as any).detail).toMatch(/params\/temperature\/value/);
    });

    it('LMI: 424 {code, error}', async () => {
      const response = await post('/lmi/v1/chat/completions', { messages: [{ role: 'user', content: 'x' }], top_logprobs: 99 });
      expect(response.status).toBe(424);
      expect(await response.json()).toMatchObject({ code: 424, violations: [{ path: '/body/top_logprobs', rule: 'maximum' }] });
    });
  });

  describe('unknown routes and methods', () => {
    it('404 names the nearest route, and explains a base URL that includes /chat/completions', async () => {
      const response = await post('/v1/proj/endp/chat/completions/chat/completions', chat);
      expect(response.status).toBe(404);
      const message = ((await response.json()) as any).error.message as string;
      expect(message).toContain('Did you mean POST /v1/proj/endp/chat/completions');
      expect(message).toMatch(/base URL seems to include `\/chat\/completions`/);
    });

    it('404 for an Anthropic SDK given /cloud/v1 says to use /cloud as the base URL', async () => {
      const host = new URL(server.url).host;
      for (const path of ['/cloud/v1/v1/messages', '/v1/messages', '/cloud/v1/v1/messages/count_tokens']) {
        const response = await post(path, { model: 'm', max_tokens: 5, messages: [] });
        expect(response.status).toBe(404);
        const body = (await response.json()) as any;
        expect(body).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
        expect(body.error.message).toContain(`Anthropic SDKs: http://${host}/cloud (the client adds /v1/messages`);
        expect(body.error.message).toContain('Did you mean POST /cloud/v1/messages');
        expect(body.error.message).not.toContain('/models');
      }
    });

    it('404 for other base-URL mistakes names the base URL each SDK needs', async () => {
      const host = new URL(server.url).host;
      const message = async (path: string, method = 'POST') => {
        const response = await fetch(`${server.url}${path}`, { method, headers: bearer, ...(method === 'POST' ? { body: '{}' } : {}) });
        expect(response.status).toBe(404);
        const body = (await response.json()) as any;
        return (typeof body.error === 'string' ? body.error : body.error.message) as string;
      };
      expect(await message('/lmi/v1/v1/chat/completions')).toContain(`DJL LMI with OpenAI SDKs: http://${host}/lmi/v1 (the client adds /chat/completions)`);
      expect(await message('/cloud/chat/completions')).toContain(`SambaNova Cloud with OpenAI and SambaNova SDKs: http://${host}/cloud/v1`);
      expect(await message('/v1/models', 'GET')).toContain(`http://${host}/cloud/v1 (the client adds /models)`);
      const bare = await message('/v1/chat/completions');
      expect(bare).toContain(`http://${host}/cloud/v1`);
      expect(bare).toContain(`http://${host}/lmi/v1`);
      expect(bare).toContain(`http://${host}/v1/<project>/<endpoint>`);
      // A near miss inside the right base is not a base-URL problem.
      expect(await message('/cloud/v1/chat/completion')).not.toContain('base URL');
    });

    it('404 for a near-miss path on Cloud', async () => {
      const response = await post('/cloud/v1/chat/completion', chat);
      expect(response.status).toBe(404);
      expect(((await response.json()) as any).error.message).toContain('Did you mean POST /cloud/v1/chat/completions');
    });

    it('405 with Allow for a known path under another method', async () => {
      const response = await fetch(`${server.url}/cloud/v1/chat/completions`, { headers: bearer });
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('POST');
    });
  });

  describe('control headers', () => {
    it('rate-limit fault: 429, Retry-After and the Cloud rate-limit headers', async () => {
      const response = await post('/cloud/v1/chat/completions', chat, { ...bearer, 'x-sambakit-fault': 'rate-limit=3' });
      expect(response.status).toBe(429);
      expect(response.headers.get('retry-after')).toBe('3');
      expect(response.headers.get('x-ratelimit-remaining-requests')).toBe('0');
      expect(((await response.json()) as any).error.type).toBe('rate_limit_error');
    });

    it('server-error and unavailable faults in each API\'s form (Cloud 503 is plain text)', async () => {
      const five = await post('/lmi/v1/chat/completions', chat, { ...bearer, 'x-sambakit-fault': 'server-error' });
      expect(five.status).toBe(500);
      expect(await five.json()).toMatchObject({ code: 500 });
      const unavailable = await post('/cloud/v1/chat/completions', chat, { ...bearer, 'x-sambakit-fault': 'unavailable' });
      expect(unavailable.status).toBe(503);
      expect(unavailable.headers.get('content-type')).toMatch(/text\/plain/);
      expect(await unavailable.text()).toBe('Service Temporarily Unavailable');
    });

    it('an unknown fault, variant or pacing value is a 400 that lists what is valid', async () => {
      const fault = await post('/cloud/v1/chat/completions', chat, { ...bearer, 'x-sambakit-fault': 'explode' });
      expect(fault.status).toBe(400);
      expect(((await fault.json()) as any).error.message).toMatch(/use one of: rate-limit, server-error/);
      const pacing = await post('/cloud/v1/chat/completions', chat, { ...bearer, 'x-sambakit-ttft-ms': '-5' });
      expect(pacing.status).toBe(400);
      expect(((await pacing.json()) as any).error.message).toContain('x-sambakit-ttft-ms must be a number >= 0, got "-5"');
      const variant = await post('/api/predict/generic/p/e', { instances: ['x'] }, { key, 'content-type': 'application/json', 'x-sambakit-variant': 'nope' });
      expect(variant.status).toBe(400);
      expect(((await variant.json()) as any).error.message).toMatch(/not a variant of genericPredict; use one of: .*detail-error/);
    });
  });

  describe('around every request', () => {
    it('each response carries x-request-id, and the log line has method, path, status, time and that id', async () => {
      const response = await post('/cloud/v1/chat/completions', chat, { ...bearer, 'x-sambakit-fault': 'server-error' });
      const id = response.headers.get('x-request-id');
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      await response.arrayBuffer();
      expect(server.lines).toContainEqual(expect.stringMatching(new RegExp(`^POST /cloud/v1/chat/completions 500 [\\d.]+ms ${id}$`)));
      expect(server.lines.join('\n')).not.toContain(key);
    });

    it('CORS: a browser preflight from another origin is allowed for the API headers', async () => {
      const response = await fetch(`${server.url}/cloud/v1/chat/completions`, {
        method: 'OPTIONS',
        headers: { origin: 'http://app.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
      });
      expect(response.status).toBe(204);
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      expect(response.headers.get('access-control-allow-headers')).toMatch(/authorization/);
    });
  });
});

describe('without --api-key', () => {
  it('any non-empty key passes auth, an empty one does not', async () => {
    const server = await withServer();
    try {
      const any = await fetch(`${server.url}/cloud/v1/chat/completions`, { method: 'POST', headers: { authorization: 'Bearer whatever', 'content-type': 'application/json', 'x-sambakit-fault': 'server-error' }, body: JSON.stringify(chat) });
      expect(any.status).toBe(500); // got past auth to the fault
      const empty = await fetch(`${server.url}/cloud/v1/chat/completions`, { method: 'POST', headers: { authorization: 'Bearer ', 'content-type': 'application/json' }, body: JSON.stringify(chat) });
      expect(empty.status).toBe(401);
    } finally {
      await server.close();
    }
  });

  it('CORS can be limited to listed origins', async () => {
    const server = await withServer({ cors: ['http://good.example'] });
    try {
      const preflight = (origin: string) =>
        fetch(`${server.url}/lmi/v1/chat/completions`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } });
      expect((await preflight('http://good.example')).headers.get('access-control-allow-origin')).toBe('http://good.example');
      expect((await preflight('http://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await server.close();
    }
  });
});
