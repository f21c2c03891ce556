/**
 * The faults that act on the answer itself (the early ones, rate-limit, server-error, unavailable,
 * are in pipeline.test.ts): what a client sees on the wire, for an SSE stream, a JSON-lines stream
 * and a JSON answer. Times are lower bounds only: the server never goes early.
 */
import { describe, expect, it } from 'vitest';
import { iterateStreamItems, StreamEndedEarlyError, StreamParseError } from '../../src/streams/index.js';
import { useServer } from '../helpers/server.js';
import { validatorsOf } from '../helpers/spec.js';

const server = useServer();
const cloudChat = { model: 'Meta-Llama-3.3-70B-Instruct', messages: [{ role: 'user', content: 'Tell me about rivers' }], max_tokens: 12 };
const sse = { framing: 'sse', terminator: '[DONE]', errorEvents: ['error'] } as const;
const jsonl = { framing: 'jsonl' } as const;

function cloud(fault: string, body: Record<string, unknown> = { ...cloudChat, stream: true }) {
  return fetch(`${server.url}/cloud/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: 'Bearer k', 'content-type': 'application/json', 'x-sambakit-fault': fault },
    body: JSON.stringify(body),
  });
}

function generic(fault: string) {
  return fetch(`${server.url}/api/predict/generic/stream/p/e`, {
    method: 'POST',
    headers: { key: 'k', 'content-type': 'application/json', 'x-sambakit-fault': fault },
    body: JSON.stringify({ instance: 'Tell me about rivers', params: { max_tokens_to_generate: { type: 'int', value: '12' } } }),
  });
}

async function collect(body: ReadableStream<Uint8Array>, framing: typeof sse | typeof jsonl) {
  const items: unknown[] = [];
  try {
    for await (const item of iterateStreamItems(body, framing)) items.push(item.value);
    return { items, error: undefined };
  } catch (error) {
    return { items, error };
  }
}

describe('faults inside the answer', () => {
  it('slow-headers: the status line comes only after the delay, then a normal answer', async () => {
    const started = performance.now();
    const response = await cloud('slow-headers=300', cloudChat);
    expect(performance.now() - started).toBeGreaterThanOrEqual(295);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { object: string }).object).toBe('chat.completion');
  });

  it('stall: after two items the stream pauses for the given time, then completes', async () => {
    const started = performance.now();
    const response = await cloud('stall=300');
    const times: number[] = [];
    const items = [];
    for await (const item of iterateStreamItems(response.body!, sse)) {
      times.push(performance.now() - started);
      items.push(item);
    }
    expect(items.length).toBeGreaterThan(3);
    // From the request, not from item 2's arrival: the pause starts when the server sent item 2,
    // which the client may read a little later. Without the fault the whole answer takes a few ms.
    expect(times[2]!).toBeGreaterThanOrEqual(300);
    expect(times[1]!).toBeLessThan(times[2]!);
  });

  it('disconnect: the connection drops after two SSE items, without [DONE]', async () => {
    const { items, error } = await collect((await cloud('disconnect')).body!, sse);
    // The items sent before the drop usually arrive; on a loaded machine the drop may overtake them.
    expect(items.length).toBeLessThanOrEqual(2);
    expect(error).toBeDefined();
  });

  it('disconnect=1 on a JSON-lines stream drops after one line', async () => {
    const { items, error } = await collect((await generic('disconnect=1')).body!, jsonl);
    expect(items.length).toBeLessThanOrEqual(1);
    expect(error).toBeDefined();
  });

  it('malformed-item: the third SSE item is broken JSON, and the stream ends', async () => {
    const { items, error } = await collect((await cloud('malformed-item')).body!, sse);
    expect(items).toHaveLength(2);
    expect(error).toBeInstanceOf(StreamParseError);
  });

  it('malformed-item on JSON lines, and on a JSON answer (cut in half)', async () => {
    const { items, error } = await collect((await generic('malformed-item')).body!, jsonl);
    expect(items).toHaveLength(2);
    expect(error).toBeInstanceOf(StreamParseError);
    const whole = await cloud('malformed-item', cloudChat);
    expect(whole.status).toBe(200);
    const text = await (await cloud('malformed-item', cloudChat)).text();
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
    expect(text.startsWith('{"id":')).toBe(true);
  });

  it('invalid-item: the third item breaks the item schema, the stream still completes', async () => {
    const validate = (await validatorsOf('sambanova-cloud')).createChatCompletion!.responses['200']!['text/event-stream']!;
    const { items, error } = await collect((await cloud('invalid-item')).body!, sse);
    expect(error).toBeUndefined();
    expect(items.map((item) => validate(item))).toEqual(items.map((_, i) => i !== 2));
  });

  it('invalid-item on a JSON answer: valid JSON that breaks the response schema', async () => {
    const validate = (await validatorsOf('sambanova-cloud')).createChatCompletion!.responses['200']!['application/json']!;
    const body = await (await cloud('invalid-item', cloudChat)).json();
    expect(validate(body)).toBe(false);
  });

  it('model-output: Cloud chat answers 200 with the vendor\'s model-output error, holding the first half of what it generated', async () => {
    const validate = (await validatorsOf('sambanova-cloud')).createChatCompletion!.responses['200']!['application/json']!;
    const whole = (await (await cloud('', cloudChat)).json()) as { choices: Array<{ message: { content: string } }> };
    const response = await cloud('model-output', cloudChat);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { error: { model_output: string; message: string; type: string } };
    expect(validate(body)).toBe(true);
    const text = whole.choices[0]!.message.content;
    expect(text.length).toBeGreaterThan(1);
    expect(body.error).toMatchObject({ type: 'invalid_request_error', code: null, param: null, model_output: text.slice(0, Math.ceil(text.length / 2)) });
    expect(body.error.message).toMatch(/could not be parsed/);
  });

  it('model-output with a forced tool call: the raw output is the call cut halfway', async () => {
    const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } }];
    const body = (await (await cloud('model-output', { ...cloudChat, max_tokens: 200, tools, tool_choice: 'required' })).json()) as { error: { model_output: string } };
    expect(body.error.model_output).toMatch(/^\{"name": "get_weather"/);
    expect(() => JSON.parse(body.error.model_output)).toThrow();
  });

  it('model-output is refused where the spec has no such answer: a stream, or another operation', async () => {
    const streamed = await cloud('model-output');
    expect(streamed.status).toBe(400);
    expect(((await streamed.json()) as { error: { message: string } }).error.message).toMatch(/model-output applies to answers that are not streamed/);
    const native = await generic('model-output');
    expect(native.status).toBe(400);
    expect(await native.text()).toMatch(/genericPredictStream has no model-output error among its answers/);
  });

  it('a stream cut without its terminator is seen as cut, not complete', async () => {
    const { error } = await collect((await cloud('disconnect=3')).body!, sse);
    expect(error).toBeDefined();
    expect(error instanceof StreamEndedEarlyError || error instanceof TypeError || (error as Error).name === 'TypeError').toBe(true);
  });
});
