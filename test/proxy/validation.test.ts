/**
 * The checks on the side, against the real reference server: what breaks the spec is reported as
 * one record per broken rule, never with a key in it; --strict refuses an invalid request in the
 * API's own error shape without the target seeing it; a target that fails or does not answer is
 * passed through or answered 502/504 in the API's shape.
 */
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useServer } from '../helpers/server.js';
import { rawTarget, settled, withProxy, type TestProxy } from './helpers.js';

const server = useServer();
const key = 'sk-proxy-RECOGNISABLE-7f3a9c41';
const chat = { model: 'Meta-Llama-3.3-70B-Instruct', messages: [{ role: 'user', content: 'Tell me about rivers' }], max_tokens: 8 };

function post(base: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${base}${path}`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

describe('checks, in front of the reference server', () => {
  let proxy: TestProxy;
  let strict: TestProxy;
  beforeAll(async () => {
    proxy = await withProxy('sambanova-cloud', `${server.url}/cloud/v1`);
    strict = await withProxy('sambanova-cloud', `${server.url}/cloud/v1`, { strict: true });
  });
  afterAll(async () => {
    await proxy.close();
    await strict.close();
  });

  it('valid exchanges (a JSON answer and an SSE stream) give no record', async () => {
    const plain = await post(proxy.url, '/chat/completions', chat);
    expect(plain.status).toBe(200);
    expect(((await plain.json()) as { object: string }).object).toBe('chat.completion');
    const stream = await post(proxy.url, '/chat/completions', { ...chat, stream: true });
    const text = await stream.text();
    expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
    await settled(proxy);
    expect(proxy.records).toEqual([]);
    expect(proxy.summary()).toMatchObject({ requests: 2, completed: 2, requestsByOperation: { createChatCompletion: 2 }, violations: 0 });
  });

  it('an invalid request is forwarded and each broken rule is one record (the target\'s 400 is valid: no record for it)', async () => {
    const before = proxy.records.length;
    const response = await post(proxy.url, '/chat/completions', { ...chat, temperature: 5, messages: [{ role: 'robot', content: 'x' }] });
    expect(response.status).toBe(400);
    expect(response.headers.get('x-request-id')).toBeTruthy();
    await settled(proxy);
    const records = proxy.records.slice(before);
    expect(records).toHaveLength(2);
    expect(records).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'violation', direction: 'request', operation: 'createChatCompletion', method: 'POST', path: '/cloud/v1/chat/completions', pointer: '/body/temperature', rule: 'maximum', received: 5 }),
        expect.objectContaining({ kind: 'violation', direction: 'request', pointer: '/body/messages/0/role', rule: 'enum', received: 'robot' }),
      ]),
    );
    for (const record of records) {
      expect(record).toMatchObject({ time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), requestId: expect.any(String), expected: expect.any(String), message: expect.any(String) });
      // The target's id of the exchange is named once its answer came.
      expect(record).toHaveProperty('upstreamRequestId', response.headers.get('x-request-id'));
    }
  });

  it('never reports a key, even where the key is the value that broke the rule', async () => {
    const before = proxy.records.length;
    await (await post(proxy.url, '/chat/completions', { ...chat, temperature: key, user: `Bearer ${key}`, messages: [{ role: 'user', content: key }] })).text();
    await settled(proxy);
    const records = proxy.records.slice(before);
    expect(records.length).toBeGreaterThan(0);
    expect(JSON.stringify(records)).not.toContain(key);
    expect(records).toContainEqual(expect.objectContaining({ pointer: '/body/temperature', received: '[redacted]' }));
    expect(JSON.stringify(proxy.summary())).not.toContain(key);
  });

  it('--strict answers an invalid request in the API\'s own error shape, and the target never sees it', async () => {
    const linesBefore = server.lines.length;
    const response = await post(strict.url, '/chat/completions', { ...chat, temperature: 5 });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { type: string; code: string; param: string; violations: unknown[] }; request_id: string };
    expect(body).toMatchObject({ error: { type: 'invalid_request_error', code: 'value_above_max_value', param: 'temperature', violations: [{ path: '/body/temperature', rule: 'maximum', received: 5 }] }, request_id: expect.any(String) });
    await settled(strict);
    expect(server.lines.length).toBe(linesBefore);
    expect(strict.summary()).toMatchObject({ rejected: 1, violations: 1 });
    // A valid request under --strict goes through.
    const ok = await post(strict.url, '/chat/completions', { ...chat, stream: true });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('data: [DONE]');
  });

  it('--strict answers a body in a media type the operation does not take with the server\'s 415, not a parse error of that type (found by the fuzz suite)', async () => {
    const response = await fetch(`${strict.url}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'multipart/form-data; boundary=x' },
      body: JSON.stringify(chat),
    });
    expect(response.status).toBe(415);
    const direct = await post(`${server.url}/cloud/v1`, '/chat/completions', chat, { 'content-type': 'multipart/form-data; boundary=x' });
    expect(direct.status).toBe(415);
    const [proxied, served] = [(await response.json()) as { error: { message: string } }, (await direct.json()) as { error: { message: string } }];
    expect(proxied.error.message).toBe(served.error.message);
  });

  it('--strict answers a body without Content-Type with the server\'s 415, not a JSON parse error of a form (found by the fuzz suite)', async () => {
    const data = new FormData();
    data.append('model', 'Whisper-Large-v3');
    data.append('file', new Blob([new Uint8Array(64)], { type: 'audio/wav' }), 'a.wav');
    const form = new Uint8Array(await new Response(data).arrayBuffer());
    const send = (base: string, path: string, body: Uint8Array | string) => new Promise<{ status: number; body: string }>((resolve, reject) => {
      // fetch always adds a Content-Type to a body; node:http sends only what it is told.
      const url = new URL(`${base}${path}`);
      const req = httpRequest({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk)).on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString('utf8') }));
      });
      req.on('error', reject).end(body);
    });
    for (const [path, body] of [['/audio/transcriptions', form], ['/chat/completions', JSON.stringify(chat)]] as const) {
      const [proxied, served] = await Promise.all([send(strict.url, path, body), send(`${server.url}/cloud/v1`, path, body)]);
      expect(served.status, path).toBe(415);
      expect(proxied.status, path).toBe(415);
      expect(JSON.parse(proxied.body).error.message).toBe(JSON.parse(served.body).error.message);
    }
  });

  it('--strict speaks each API\'s shape: SambaStudio native 422, LMI 424', async () => {
    const native = await withProxy('sambastudio', server.url, { strict: true });
    const lmi = await withProxy('lmi', `${server.url}/lmi`, { strict: true });
    try {
      const a = await fetch(`${native.url}/api/v2/predict/generic/p/e`, { method: 'POST', headers: { key, 'content-type': 'application/json' }, body: JSON.stringify({ items: 'not a list' }) });
      expect(a.status).toBe(422);
      expect(await a.json()).toMatchObject({ error: { code: 422, message: expect.stringMatching(/^Invalid request/), violations: [expect.objectContaining({ path: '/body/items', rule: 'type' })] } });
      const b = await post(lmi.url, '/v1/chat/completions', { messages: 'none' });
      expect(b.status).toBe(424);
      expect(await b.json()).toMatchObject({ code: 424, error: expect.stringMatching(/^Invalid request/) });
    } finally {
      await native.close();
      await lmi.close();
    }
  });

  it('a 429 passes through with its headers and is recorded as an upstream fault', async () => {
    const before = proxy.records.length;
    const response = await post(proxy.url, '/chat/completions', chat, { 'x-sambakit-fault': 'rate-limit=7' });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('7');
    expect(response.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    await settled(proxy);
    expect(proxy.records.slice(before)).toEqual([
      expect.objectContaining({ kind: 'upstream-fault', fault: 'status', status: 429, headers: expect.objectContaining({ 'retry-after': '7' }), operation: 'createChatCompletion' }),
    ]);
  });
});

describe('a target that does not answer', () => {
  it('no answer within --upstream-timeout: 504 in the API\'s error shape, recorded', async () => {
    const silent = await rawTarget(() => {
      // Never answers.
    });
    const proxy = await withProxy('sambanova-cloud', silent.url, { upstreamTimeoutMs: 200 });
    try {
      const response = await post(proxy.url, '/v1/chat/completions', chat);
      expect(response.status).toBe(504);
      expect(await response.json()).toMatchObject({ error: { type: 'server_error', message: expect.stringMatching(/within 200 ms/) }, request_id: expect.any(String) });
      await settled(proxy);
      expect(proxy.faults()).toMatchObject([{ fault: 'timeout', operation: 'createChatCompletion' }]);
    } finally {
      await proxy.close();
      await silent.close();
    }
  });

  it('nobody listening: 502 in the API\'s error shape (Anthropic\'s for Messages), recorded', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const proxy = await withProxy('sambanova-cloud', `http://127.0.0.1:${port}/v1`);
    try {
      const response = await post(proxy.url, '/messages', { model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] });
      expect(response.status).toBe(502);
      expect(await response.json()).toMatchObject({ type: 'error', error: { type: 'api_error', message: expect.stringMatching(/ECONNREFUSED/) } });
      await settled(proxy);
      expect(proxy.faults()).toMatchObject([{ fault: 'unreachable', operation: 'createMessage' }]);
    } finally {
      await proxy.close();
    }
  });
});

describe('answers the proxy checks after decoding, and what it cannot check', () => {
  it('a gzip answer reaches the client compressed, byte for byte, and is checked decoded', async () => {
    const compressed = gzipSync(JSON.stringify({ object: 'list', data: 'no list' }));
    const target = await rawTarget((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': compressed.length });
      res.end(compressed);
    });
    const proxy = await withProxy('sambanova-cloud', target.url);
    try {
      const { hostname, port } = new URL(proxy.url);
      const bytes = await new Promise<Buffer>((resolve, reject) => {
        httpRequest({ host: hostname, port, path: '/v1/models', headers: { authorization: `Bearer ${key}`, 'accept-encoding': 'gzip' } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve(Buffer.concat(chunks)));
        })
          .on('error', reject)
          .end();
      });
      expect(bytes.equals(compressed)).toBe(true);
      await settled(proxy);
      expect(proxy.violations().length).toBeGreaterThan(0);
      expect(proxy.violations().every((v) => v.direction === 'response' && v.operation === 'listModels' && v.pointer.startsWith('/body/data'))).toBe(true);
    } finally {
      await proxy.close();
      await target.close();
    }
  });

  it('a body over --check-limit is forwarded whole and recorded as unchecked', async () => {
    let received = 0;
    const target = await rawTarget((req, res) => {
      req.on('data', (c: Buffer) => (received += c.length));
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
    });
    const proxy = await withProxy('sambanova-cloud', target.url, { checkLimitBytes: 1000 });
    try {
      const body = JSON.stringify({ ...chat, messages: [{ role: 'user', content: 'x'.repeat(5000) }] });
      const response = await fetch(`${proxy.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body });
      await response.text();
      expect(received).toBe(Buffer.byteLength(body));
      await settled(proxy);
      expect(proxy.records.filter((r) => r.kind === 'unchecked')).toMatchObject([{ direction: 'request', message: expect.stringMatching(/larger than the check limit of 1000 bytes/) }]);
    } finally {
      await proxy.close();
      await target.close();
    }
  });

  it('--strict with a multipart upload: an invalid form is refused in the API\'s shape, a valid one forwarded', async () => {
    const strict = await withProxy('sambanova-cloud', `${server.url}/cloud/v1`, { strict: true });
    try {
      const missingFile = new FormData();
      missingFile.append('model', 'Whisper-Large-v3');
      const refused = await fetch(`${strict.url}/audio/transcriptions`, { method: 'POST', headers: { authorization: `Bearer ${key}` }, body: missingFile });
      expect(refused.status).toBe(400);
      expect(await refused.json()).toMatchObject({ error: { type: 'invalid_request_error', violations: [expect.objectContaining({ path: '/body/file', rule: 'required' })] } });
      const { wav } = await import('../helpers/audio.js');
      const valid = new FormData();
      valid.append('model', 'Whisper-Large-v3');
      valid.append('file', new Blob([wav(16_000, 1)], { type: 'audio/wav' }), 'a.wav');
      const forwarded = await fetch(`${strict.url}/audio/transcriptions`, { method: 'POST', headers: { authorization: `Bearer ${key}` }, body: valid });
      expect(forwarded.status).toBe(200);
      expect(((await forwarded.json()) as { text: string }).text.length).toBeGreaterThan(0);
      await settled(strict);
      expect(strict.summary()).toMatchObject({ requests: 2, rejected: 1, violations: 1 });
    } finally {
      await strict.close();
    }
  });
});
