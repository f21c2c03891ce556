/**
 * Big bodies are parsed and checked in a worker thread, off the event loop: the same verdicts and
 * the same bytes as a check on the loop, other exchanges served meanwhile, and no thread left
 * behind once the proxy closes.
 */
import { request as httpRequest } from 'node:http';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTs } from '../helpers/run.js';
import { useServer } from '../helpers/server.js';
import { comparableRecords, rawTarget, settled, withProxy, type TestProxy } from './helpers.js';

const server = useServer();
const key = 'sk-proxy-big-RECOGNISABLE-2d81';
const model = 'Meta-Llama-3.3-70B-Instruct';

interface Sent {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** One request by node:http (the bytes as given, no Content-Type added); `sent` runs once its last byte is written. */
function send(base: string, path: string, body: Buffer | string, contentType: string | undefined, sent?: () => void): Promise<Sent> {
  const url = new URL(`${base}${path}`);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { authorization: `Bearer ${key}`, 'content-length': String(Buffer.byteLength(body)) };
    if (contentType) headers['content-type'] = contentType;
    const req = httpRequest({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', agent: false, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk)).on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject).end(body, sent);
  });
}

/** A GET by node:http, the answer's bytes as they came (fetch would decode a gzip body). */
function get(base: string, path: string): Promise<Buffer> {
  const url = new URL(`${base}${path}`);
  return new Promise((resolve, reject) => {
    httpRequest({ host: url.hostname, port: url.port, path: url.pathname, agent: false, headers: { authorization: `Bearer ${key}` } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk)).on('end', () => resolve(Buffer.concat(chunks)));
    })
      .on('error', reject)
      .end();
  });
}

/** A refusal with the proxy's own id of the exchange taken out: the one part that differs between two runs. */
function comparable(answer: Sent): { status: number; contentType: unknown; body: string } {
  const requestId = String(answer.headers['x-request-id']);
  return { status: answer.status, contentType: answer.headers['content-type'], body: answer.body.toString('utf8').split(requestId).join('<id>') };
}

const manyMessages = (count: number, last: object) => JSON.stringify({ model, messages: [...Array.from({ length: count }, (_, i) => ({ role: 'user', content: `message ${i}`.padEnd(60, '.') })), last], max_tokens: 5 });

function multipart(parts: Array<{ name: string; value: string | Buffer; filename?: string }>): { body: Buffer; contentType: string } {
  const boundary = '----sambakit-big-bodies';
  const pieces = parts.flatMap(({ name, value, filename }) => [
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"${filename ? `; filename="${filename}"\r\nContent-Type: audio/wav` : ''}\r\n\r\n`),
    Buffer.from(value),
    Buffer.from('\r\n'),
  ]);
  return { body: Buffer.concat([...pieces, Buffer.from(`--${boundary}--\r\n`)]), contentType: `multipart/form-data; boundary=${boundary}` };
}

describe('--strict: a body checked in the worker is refused with the very bytes of a check on the loop', () => {
  let onLoop: TestProxy;
  let offLoop: TestProxy;
  beforeAll(async () => {
    onLoop = await withProxy('sambanova-cloud', `${server.url}/cloud/v1`, { strict: true, offLoopCheckBytes: Number.POSITIVE_INFINITY });
    // Every body, however small, goes to the worker.
    offLoop = await withProxy('sambanova-cloud', `${server.url}/cloud/v1`, { strict: true, offLoopCheckBytes: 0 });
  });
  afterAll(async () => {
    await onLoop.close();
    await offLoop.close();
  });

  const cases: Array<[string, string, () => { body: Buffer | string; contentType: string | undefined }]> = [
    ['two broken rules', '/chat/completions', () => ({ body: JSON.stringify({ model, messages: [{ role: 'robot', content: 'x' }], temperature: 5 }), contentType: 'application/json' })],
    ['1 MB of messages, the last one invalid', '/chat/completions', () => ({ body: manyMessages(15_000, { role: 'robot', content: 'x' }), contentType: 'application/json' })],
    ['truncated JSON', '/chat/completions', () => ({ body: manyMessages(15_000, { role: 'user', content: 'x' }).slice(0, -7), contentType: 'application/json' })],
    ['a media type the operation does not take', '/chat/completions', () => ({ body: '{}', contentType: 'text/plain' })],
    ['no Content-Type', '/chat/completions', () => ({ body: '{}', contentType: undefined })],
    ['a form without its file', '/audio/transcriptions', () => ({ ...multipart([{ name: 'model', value: 'Whisper-Large-v3' }, { name: 'prompt', value: 'p'.repeat(300_000) }]) })],
    ['a broken form', '/audio/transcriptions', () => ({ body: '--nope\r\n', contentType: 'multipart/form-data; boundary=other' })],
  ];

  it.each(cases)('%s', async (_name, path, make) => {
    const { body, contentType } = make();
    const [here, there] = await Promise.all([send(onLoop.url, path, body, contentType), send(offLoop.url, path, body, contentType)]);
    expect(here.status).toBeGreaterThanOrEqual(400);
    expect(comparable(there)).toEqual(comparable(here));
    await Promise.all([settled(onLoop), settled(offLoop)]);
    expect(comparableRecords(offLoop.records)).toEqual(comparableRecords(onLoop.records));
    expect(offLoop.summary()).toMatchObject({ rejected: onLoop.summary().rejected, unchecked: 0 });
  });

  it('a valid body checked in the worker reaches the target byte for byte', async () => {
    const received: Buffer[] = [];
    const target = await rawTarget((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received.push(Buffer.concat(chunks));
        res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":{"message":"no","type":"invalid_request_error","param":null,"code":null}}');
      });
    });
    const strict = await withProxy('sambanova-cloud', target.url, { strict: true, offLoopCheckBytes: 0 });
    try {
      const body = Buffer.from(manyMessages(20_000, { role: 'user', content: 'é and \u2603' }));
      const answer = await send(strict.url, '/v1/chat/completions', body, 'application/json');
      expect(answer.status).toBe(400);
      expect(received).toHaveLength(1);
      expect(received[0]!.equals(body)).toBe(true);
      await settled(strict);
      expect(strict.summary()).toMatchObject({ rejected: 0, violations: 0, unchecked: 0 });
    } finally {
      await strict.close();
      await target.close();
    }
  });
});

describe('a big answer is checked in the worker, with the verdict of a check on the loop', () => {
  const answers: Array<[string, Record<string, string>, Buffer]> = [
    ['2 MB of models, one broken', { 'content-type': 'application/json' }, Buffer.from(JSON.stringify({ object: 'list', data: [...Array.from({ length: 20_000 }, (_, i) => ({ id: `model-${i}`.padEnd(80, '-'), object: 'model', owned_by: 'x', created: 1 })), { id: 7, object: 'model' }] }))],
    ['the same gzipped', { 'content-type': 'application/json', 'content-encoding': 'gzip' }, gzipSync(JSON.stringify({ object: 'list', data: [...Array.from({ length: 20_000 }, (_, i) => ({ id: `model-${i}`.padEnd(80, '-'), object: 'model', owned_by: 'x', created: 1 })), { id: 7, object: 'model' }] }))],
    ['a corrupt gzip body', { 'content-type': 'application/json', 'content-encoding': 'gzip' }, Buffer.concat([gzipSync('{"object":"list","data":[]}').subarray(0, 10), Buffer.alloc(400_000, 7)])],
  ];

  it.each(answers)('%s', async (_name, headers, bytes) => {
    const target = await rawTarget((_req, res) => res.writeHead(200, { ...headers, 'content-length': bytes.length }).end(bytes));
    const onLoop = await withProxy('sambanova-cloud', target.url, { offLoopCheckBytes: Number.POSITIVE_INFINITY });
    const offLoop = await withProxy('sambanova-cloud', target.url, { offLoopCheckBytes: 0 });
    try {
      for (const proxy of [onLoop, offLoop]) {
        expect((await get(proxy.url, '/v1/models')).equals(bytes)).toBe(true);
        await settled(proxy);
      }
      expect(onLoop.records.length).toBeGreaterThan(0);
      expect(comparableRecords(offLoop.records)).toEqual(comparableRecords(onLoop.records));
    } finally {
      await onLoop.close();
      await offLoop.close();
      await target.close();
    }
  });
});

describe('the loop is free while a big body is checked', () => {
  it('--strict: exchanges that start after a 14 MB body was sent are answered before its refusal', async () => {
    const strict = await withProxy('sambanova-cloud', `${server.url}/cloud/v1`, { strict: true });
    try {
      const big = manyMessages(210_000, { role: 'robot', content: 'x' });
      expect(Buffer.byteLength(big)).toBeGreaterThan(14e6);
      let refused = false;
      let servedMeanwhile = 0;
      let sent!: () => void;
      const bodySent = new Promise<void>((resolve) => (sent = resolve));
      const refusal = send(strict.url, '/chat/completions', big, 'application/json', sent).then((answer) => {
        refused = true;
        return answer;
      });
      await bodySent;
      // Small exchanges one after another, for as long as the big one waits for its check.
      while (!refused) {
        const small = await send(strict.url, '/chat/completions', JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }], max_tokens: 2 }), 'application/json');
        expect(small.status).toBe(200);
        if (!refused) servedMeanwhile++;
      }
      const answer = await refusal;
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.body.toString('utf8'))).toMatchObject({ error: { violations: [expect.objectContaining({ path: '/body/messages/210000/role', rule: 'enum' })] } });
      // Checked on the loop, the 14 MB would hold it for the whole check: nothing else is answered in that time.
      expect(servedMeanwhile).toBeGreaterThanOrEqual(3);
    } finally {
      await strict.close();
    }
  });
});

describe('shutdown', () => {
  it('close() ends the check worker: the process exits by itself once the proxy is closed', async () => {
    const script = fileURLToPath(new URL('./fixtures/close-after-big-check.ts', import.meta.url));
    const result = await runTs(script, [], { timeoutMs: 50_000 });
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('refused 400, closed');
    expect(result.code).toBe(0);
  });

  it('the check worker starts with the proxy, before it listens (not in the first big exchange), and ends with close()', async () => {
    const script = fileURLToPath(new URL('./fixtures/worker-at-start.ts', import.meta.url));
    const result = await runTs(script, [], { timeoutMs: 50_000 });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const { before, withoutWorker, started, closed } = JSON.parse(result.stdout) as { before: number; withoutWorker: number; started: number; closed: number };
    expect(withoutWorker).toBe(before);
    expect(started).toBeGreaterThan(withoutWorker);
    expect(closed).toBeLessThan(started);
  });
});
