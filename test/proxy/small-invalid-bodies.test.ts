/**
 * A small body gets its verdict on the event loop from the accept build alone; an invalid one has
 * its violations described in the check worker. Describing them costs more than the body's size
 * tells: a 4 KB Responses request of 1,000 wrong input items is 1,000 violations, each folded over
 * the input item's many shapes (issue 15: it held the strict proxy's loop 20-180 ms). The work is
 * counted: the violations this thread describes (toViolations, wrapped), against the worker's whole
 * list in the answer and the records.
 */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { useServer } from '../helpers/server.js';
import { comparableRecords, rawTarget, settled, withProxy, type TestProxy } from './helpers.js';

/** The most violations one toViolations call on this thread returned (the worker's calls are not seen: a thread of its own). */
const described = vi.hoisted(() => ({ most: 0 }));
vi.mock('../../src/validate/violations.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/validate/violations.js')>();
  return {
    ...actual,
    toViolations: (...args: Parameters<typeof actual.toViolations>) => {
      const found = actual.toViolations(...args);
      described.most = Math.max(described.most, found.length);
      return found;
    },
  };
});

const server = useServer();
const key = 'sk-proxy-small-RECOGNISABLE-7c04';
const model = 'Meta-Llama-3.3-70B-Instruct';
/** 4 KB: far under the size that sends a body to the worker. */
const wrongItems = JSON.stringify({ model, input: Array.from({ length: 1000 }, () => 'x') });

function send(base: string, path: string, body: string): Promise<{ status: number; requestId: string; body: string }> {
  const url = new URL(`${base}${path}`);
  return new Promise((resolve, reject) => {
    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) };
    httpRequest({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', agent: false, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk)).on('end', () => resolve({ status: res.statusCode!, requestId: String(res.headers['x-request-id']), body: Buffer.concat(chunks).toString('utf8') }));
    })
      .on('error', reject)
      .end(body);
  });
}

beforeEach(() => {
  described.most = 0;
});

describe('--strict: a small invalid body is described in the worker, refused with the bytes of a whole check on the loop', () => {
  let proxy: TestProxy;
  let onLoop: TestProxy;
  beforeAll(async () => {
    proxy = await withProxy('sambanova-cloud', `${server.url}/cloud/v1`, { strict: true });
    onLoop = await withProxy('sambanova-cloud', `${server.url}/cloud/v1`, { strict: true, offLoopCheckBytes: Number.POSITIVE_INFINITY });
  });
  afterAll(async () => {
    await proxy.close();
    await onLoop.close();
  });

  it('1,000 wrong input items: one violation described on this thread, all 1,000 in the refusal', async () => {
    const whole = await send(onLoop.url, '/responses', wrongItems);
    // The counter sees the whole check on the loop: 1,000 violations described on this thread.
    expect(described.most).toBe(1000);
    described.most = 0;
    const answer = await send(proxy.url, '/responses', wrongItems);
    expect(described.most).toBeLessThanOrEqual(1);
    expect(answer.status).toBe(400);
    expect(answer.body).toContain('1000 problems');
    expect(answer.body.split(answer.requestId).join('<id>')).toBe(whole.body.split(whole.requestId).join('<id>'));
    await Promise.all([settled(proxy), settled(onLoop)]);
    expect(comparableRecords(proxy.records)).toEqual(comparableRecords(onLoop.records));
    expect(proxy.summary()).toMatchObject({ rejected: 1, violations: 1000, unchecked: 0 });
  });

  it('a valid small body is not sent to the worker: it is answered by the target', async () => {
    const answer = await send(proxy.url, '/responses', JSON.stringify({ model, input: 'hello', max_output_tokens: 5 }));
    expect(answer.status).toBe(200);
    expect(described.most).toBe(0);
  });
});

it('without --strict, the records of a small invalid body are those of a whole check on the loop, made even when the proxy closes at once after its answer', async () => {
  const target = await rawTarget((req, res) => {
    req.resume().on('end', () => res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":{"message":"no","type":"invalid_request_error","param":null,"code":null}}'));
  });
  const proxy = await withProxy('sambanova-cloud', target.url);
  const onLoop = await withProxy('sambanova-cloud', target.url, { offLoopCheckBytes: Number.POSITIVE_INFINITY });
  try {
    await send(proxy.url, '/v1/responses', wrongItems);
    // The answer went back before the worker described the body: close() waits for its check.
    await proxy.close();
    expect(described.most).toBeLessThanOrEqual(1);
    await send(onLoop.url, '/v1/responses', wrongItems);
    await settled(onLoop);
    expect(described.most).toBe(1000);
    expect(proxy.violations()).toHaveLength(1000);
    expect(comparableRecords(proxy.violations())).toEqual(comparableRecords(onLoop.violations()));
  } finally {
    await proxy.close();
    await onLoop.close();
    await target.close();
  }
});
