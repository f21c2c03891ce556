/**
 * Large bodies do not hold the event loop: a body of many megabytes is parsed in slices, so a small
 * request sent once the large one is wholly sent is answered first, and a timer keeps firing while
 * the large one is handled. Bodies of millions of items or deep nesting are refused by the size
 * limits as the parse meets them. The sliced parse gives what `JSON.parse` gives, errors included.
 */
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { parseJsonBody, syncParseBytes } from '../../src/server/json-body.js';
import { useServer } from '../helpers/server.js';

const bigModel = 'Meta-Llama-3.3-70B-Instruct';
const path = '/cloud/v1/chat/completions';

interface Answer {
  status: number;
  body: any;
}

/** Posts `body`; `sent` settles once the whole body is handed to the socket. */
function post(port: number, body: string | Buffer): { sent: Promise<void>; answer: Promise<Answer> } {
  let sent!: () => void;
  const whenSent = new Promise<void>((resolve) => (sent = resolve));
  const answer = new Promise<Answer>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', agent: false, headers: { authorization: 'Bearer sk-big', 'content-type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
    });
    req.on('error', reject);
    req.end(body, () => sent());
  });
  return { sent: whenSent, answer };
}

describe('large bodies', () => {
  const server = useServer();
  const small = JSON.stringify({ model: bigModel, messages: [{ role: 'user', content: 'hello' }], max_tokens: 2 });

  /** The big body's answer, whether a small request sent after it was answered first, and timer ticks meanwhile. */
  async function alongside(big: string): Promise<{ answer: Answer; smallFirst: boolean; ticks: number }> {
    const order: string[] = [];
    const large = post(server.port, big);
    const answered = large.answer.then((answer) => (order.push('big'), answer));
    await large.sent;
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const smallAnswer = await post(server.port, small).answer;
    order.push('small');
    expect(smallAnswer.status).toBe(200);
    const answer = await answered;
    clearInterval(timer);
    return { answer, smallFirst: order[0] === 'small', ticks };
  }

  it('a 20 MB prompt is parsed in slices: a small request sent after it is answered first', async () => {
    const { answer, smallFirst, ticks } = await alongside(JSON.stringify({ model: bigModel, messages: [{ role: 'user', content: 'x'.repeat(20 << 20) }], max_tokens: 5 }));
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('context_length_exceeded');
    expect(smallFirst).toBe(true);
    expect(ticks).toBeGreaterThan(0);
  });

  it('an 8 MB body of many small messages, one of them invalid, is parsed and refused while another request is served', async () => {
    // 30,000 messages of 280 bytes: under the member limit.
    const messages = Array.from({ length: 30_000 }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: `message number ${i} `.padEnd(280, '.') }));
    messages.push({ role: 'robot', content: 'the last one' });
    const { answer, smallFirst, ticks } = await alongside(JSON.stringify({ model: bigModel, messages, max_tokens: 5 }));
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toContain('/messages/30000/role');
    expect(smallFirst).toBe(true);
    expect(ticks).toBeGreaterThan(0);
  });

  it('an array of millions of items is refused at the member limit, naming it', async () => {
    const { answer, smallFirst } = await alongside(`{"model":"${bigModel}","messages":[${'0,'.repeat(3_000_000)}0]}`);
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toContain('at most 100000 array items and object members in all');
    expect(smallFirst).toBe(true);
  });

  it('an object of 99,000 members is refused in the parse at the per-object limit, naming it, while another request is served', async () => {
    const properties = Object.fromEntries(Array.from({ length: 99_000 }, (_, i) => [`p${i}`, {}]));
    const body = { model: bigModel, messages: [{ role: 'user', content: 'Fill it.' }], response_format: { type: 'json_schema', json_schema: { name: 'f', schema: { type: 'object', properties } } } };
    const { answer, smallFirst } = await alongside(JSON.stringify(body));
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toBe('Invalid request: /body/response_format/json_schema/schema/properties expected at most 10000 members in one object, got "more than 10000".');
    expect(smallFirst).toBe(true);
  });

  it('deep nesting is refused with the same error whether the body is small or large', async () => {
    const deep = (levels: number) => `{"model":"${bigModel}","messages":${'['.repeat(levels)}${']'.repeat(levels)}}`;
    const [small, large] = await Promise.all([post(server.port, deep(1000)).answer, post(server.port, deep(2_000_000)).answer]);
    expect(large.status).toBe(400);
    expect(large.body.error.message).toContain('nesting at most 64 levels deep');
    expect({ ...large.body, request_id: undefined }).toEqual({ ...small.body, request_id: undefined });
  });

  it('a large body that is not JSON, or has more after its value, is refused with 400', async () => {
    const prefix = `{"model":"${bigModel}","messages":[{"role":"user","content":"${'y'.repeat(syncParseBytes)}"}]`;
    for (const body of [`${prefix},}`, `${prefix}} {}`, prefix]) {
      const answer = await post(server.port, body).answer;
      expect(answer.status).toBe(400);
      expect(answer.body.error.message).toMatch(/^The request body is not valid JSON: ./);
    }
  });
});

describe('sliced JSON parse', () => {
  /** Padding that takes a body past the size parsed at once. */
  const pad = 'p'.repeat(syncParseBytes);

  it('gives what JSON.parse gives: escapes, surrogates, numbers, duplicate and __proto__ keys, BOM', async () => {
    const text = `\ufeff{"pad":"${pad}","s":"\\u00e9\\n\\"\\\\\\ud83d\\ude00\\ud800 日本 😀","n":[0,-0,1e400,-1.5E-3,12345678901234567890],"a":1,"a":2,"__proto__":{"x":1},"e":{},"l":[],"z":[true,false,null]}`;
    const sliced = await parseJsonBody([Buffer.from(text)]);
    const expected = JSON.parse(text.slice(1));
    expect(sliced).toEqual({ ok: true, value: expected });
    const value = (sliced as { value: Record<string, unknown> }).value;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(Object.keys(expected));
  });

  it('decodes invalid UTF-8 to U+FFFD as a small body does', async () => {
    const bytes = Buffer.concat([Buffer.from(`{"pad":"${pad}","bad":"a`), Buffer.from([0xff, 0xc3, 0x28, 0xe2, 0x82]), Buffer.from('z"}')]);
    expect(await parseJsonBody([bytes.subarray(0, 1000), bytes.subarray(1000, bytes.length - 4), bytes.subarray(bytes.length - 4)])).toEqual({ ok: true, value: JSON.parse(bytes.toString('utf8')) });
  });

  it('is sliced: a body past the threshold gives a promise, and a timer fires before it settles', async () => {
    let ticked = false;
    setImmediate(() => (ticked = true));
    const pending = parseJsonBody([Buffer.from(JSON.stringify({ items: Array.from({ length: 40_000 }, (_, i) => ({ i })) }))]);
    expect(pending).toBeInstanceOf(Promise);
    expect(ticked).toBe(false);
    const parsed = await pending;
    expect(ticked).toBe(true);
    expect(parsed.ok && (parsed.value as { items: unknown[] }).items.length).toBe(40_000);
  });
});
