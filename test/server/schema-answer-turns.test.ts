/**
 * A structured answer to a schema of tens of thousands of members is made in slices on the real
 * server, so another request is answered before it (order of completion, never timings), and a
 * named tool that is not declared is still refused with 400 when the request's large tools were
 * hashed over several turns.
 */
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { useServer } from '../helpers/server.js';

const model = 'Meta-Llama-3.3-70B-Instruct';
const key = 'sk-schema-turns';
const properties = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`field_${i}`, {}]));

function post(port: number, path: string, body: string): { sent: Promise<void>; answer: Promise<{ status: number; body: string }> } {
  let sent!: () => void;
  const whenSent = new Promise<void>((resolve) => (sent = resolve));
  const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', agent: false, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk)).on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body, () => sent());
  });
  return { sent: whenSent, answer };
}

describe('a json_schema of 90,000 members on the server', () => {
  const server = useServer({ apiKey: key });
  const small = JSON.stringify({ model, messages: [{ role: 'user', content: 'hello' }], max_tokens: 2 });

  it('is answered after a small request sent once its body is out, and its answer is valid against the schema', async () => {
    // The answer is a few tokens; the schema's unused definitions are what the request hash must read.
    // Nine definitions of 10,000 properties: the most one object may hold (the body's per-object limit).
    const unused = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`unused_${i}`, { properties: properties(10_000) }]));
    const schema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false, $defs: unused };
    const body = JSON.stringify({ model, messages: [{ role: 'user', content: 'Where?' }], response_format: { type: 'json_schema', json_schema: { name: 'place', schema } }, max_tokens: 50 });
    const order: string[] = [];
    const large = post(server.port, '/cloud/v1/chat/completions', body);
    const answered = large.answer.then((answer) => (order.push('large'), answer));
    await large.sent;
    const answer = await post(server.port, '/cloud/v1/chat/completions', small).answer;
    order.push('small');
    expect(answer.status).toBe(200);
    const result = await answered;
    expect(result.status).toBe(200);
    expect(order).toEqual(['small', 'large']);
    const content = JSON.parse(JSON.parse(result.body).choices[0].message.content);
    expect(Object.keys(content)).toEqual(['city']);
    expect(typeof content.city).toBe('string');
  });

  it('refuses a tool_choice naming an undeclared tool with 400 when the tools took turns to hash', async () => {
    const tools = [{ type: 'function', function: { name: 'fill_form', parameters: { type: 'object', properties: properties(8_000) } } }];
    const body = JSON.stringify({ model, messages: [{ role: 'user', content: 'Fill it.' }], tools, tool_choice: { type: 'function', function: { name: 'no_such_tool' } }, max_tokens: 50 });
    const result = await post(server.port, '/cloud/v1/chat/completions', body).answer;
    expect(result.status).toBe(400);
    const error = JSON.parse(result.body).error;
    expect(error.param).toBe('tool_choice');
    expect(error.message).toMatch(/^tool_choice names "no_such_tool", which is not in tools; declared tools: "fill_form"/);
  });
});
