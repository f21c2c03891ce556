/**
 * SambaNova Cloud chat over real HTTP: whole answers with the full usage figures, n, reasoning,
 * structured output, tools under every tool_choice, logprobs, streams with and without usage, every
 * variant and the in-stream error.
 */
import { describe, expect, it } from 'vitest';
import { useServer } from '../../helpers/server.js';
import { chatBody, contentByChoice, key, makeAjv, parseSse, paths, post, postJson, postSse, responseValidator, stockTool, weatherTool } from './helpers.js';

const server = useServer({ apiKey: key, apis: ['sambanova-cloud'] });

const ajv = makeAjv();
const variant = (name: string) => ({ 'x-sambakit-variant': name });
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('SambaNova Cloud chat: whole answers', () => {
  it('a bare UUID id, fractional created, fastcoe fingerprint and the full usage figures', async () => {
    const before = Date.now() / 1000;
    const body = await postJson(server, paths.cloud, chatBody({ max_tokens: 15 }));
    expect(body.id).toMatch(uuid);
    expect(body.created).toBeGreaterThanOrEqual(Math.floor(before));
    expect(body.system_fingerprint).toBe('fastcoe');
    expect(body.choices[0]).toMatchObject({ index: 0, finish_reason: 'length', logprobs: null, message: { role: 'assistant' } });
    const usage = body.usage;
    expect(usage).toMatchObject({ completion_tokens: 15, is_last_response: true, stop_reason: 'length', prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } });
    expect(usage.total_tokens).toBe(usage.prompt_tokens + usage.completion_tokens);
    expect(usage.end_time).toBeGreaterThanOrEqual(usage.start_time);
    expect(usage.total_latency).toBeCloseTo(usage.end_time - usage.start_time, 3);
    for (const field of ['completion_tokens_after_first_per_sec', 'completion_tokens_after_first_per_sec_first_ten', 'completion_tokens_per_sec', 'time_to_first_token', 'total_tokens_per_sec']) {
      expect(typeof usage[field]).toBe('number');
    }
  });

  it('honours max_completion_tokens over max_tokens', async () => {
    const body = await postJson(server, paths.cloud, chatBody({ max_tokens: 30, max_completion_tokens: 6 }));
    expect(body.usage.completion_tokens).toBe(6);
  });

  it('n choices, each complete, usage summed over them', async () => {
    const body = await postJson(server, paths.cloud, chatBody({ n: 3, max_tokens: 5, temperature: 0.9 }));
    expect(body.choices.map((c: any) => c.index)).toEqual([0, 1, 2]);
    expect(body.usage.completion_tokens).toBe(15);
    expect(new Set(body.choices.map((c: any) => c.message.content)).size).toBeGreaterThan(1);
  });

  it('reasoning_effort: reasoning kept in `reasoning`, longer with more effort, counted in reasoning_tokens', async () => {
    const low = await postJson(server, paths.cloud, chatBody({ reasoning_effort: 'low' }));
    const high = await postJson(server, paths.cloud, chatBody({ reasoning_effort: 'high' }));
    expect(low.choices[0].message.reasoning.length).toBeGreaterThan(0);
    expect(high.usage.completion_tokens_details.reasoning_tokens).toBeGreaterThan(low.usage.completion_tokens_details.reasoning_tokens);
    expect(low.choices[0].message.content.length).toBeGreaterThan(0);
  });

  it('json_object: the content parses as a JSON object', async () => {
    const body = await postJson(server, paths.cloud, chatBody({ response_format: { type: 'json_object' } }));
    const parsed = JSON.parse(body.choices[0].message.content);
    expect(parsed).toBeTypeOf('object');
    expect(Array.isArray(parsed)).toBe(false);
  });

  it('json_schema: the content validates against the request\'s schema', async () => {
    const schema = {
      type: 'object',
      properties: {
        name: { type: 'string', minLength: 2 },
        age: { type: 'integer', minimum: 0, maximum: 120 },
        email: { type: 'string', format: 'email' },
        tags: { type: 'array', items: { type: 'string', enum: ['a', 'b', 'c'] }, minItems: 1, maxItems: 3 },
        address: { type: 'object', properties: { city: { type: 'string' }, zip: { type: 'string', pattern: '^[0-9]{5}$' } }, required: ['city', 'zip'], additionalProperties: false },
      },
      required: ['name', 'age', 'email', 'tags', 'address'],
      additionalProperties: false,
    };
    const validate = ajv.compile(schema);
    for (const seed of [1, 2, 3]) {
      const body = await postJson(server, paths.cloud, chatBody({ seed, response_format: { type: 'json_schema', json_schema: { name: 'person', schema, strict: true } } }));
      expect(body.choices[0].finish_reason).toBe('stop');
      const content = JSON.parse(body.choices[0].message.content);
      expect(validate(content), JSON.stringify(validate.errors)).toBe(true);
    }
  });

  it('logprobs: OpenAI objects with top_logprobs alternatives', async () => {
    const body = await postJson(server, paths.cloud, chatBody({ max_tokens: 4, logprobs: true, top_logprobs: 2 }));
    const content = body.choices[0].logprobs.content;
    expect(content).toHaveLength(4);
    for (const entry of content) {
      expect(entry.logprob).toBeLessThanOrEqual(0);
      expect(entry.top_logprobs).toHaveLength(2);
      expect(entry.top_logprobs[1].logprob).toBeLessThan(entry.top_logprobs[0].logprob);
    }
  });
});

describe('SambaNova Cloud chat: tools', () => {
  const tools = [weatherTool, stockTool];
  const parameters = { get_weather: ajv.compile(weatherTool.function.parameters), lookup_stock: ajv.compile(stockTool.function.parameters) };
  const ask = (content: string, extra: Record<string, unknown>) => chatBody({ messages: [{ role: 'user', content }], tools, ...extra });
  const callOf = (body: any) => body.choices[0].message.tool_calls?.[0];
  const argumentsValid = (call: any) => {
    const validate = parameters[call.function.name as keyof typeof parameters];
    expect(validate(JSON.parse(call.function.arguments)), JSON.stringify(validate.errors)).toBe(true);
  };

  it('auto: calls the tool the prompt is about, with arguments valid against its parameters', async () => {
    const body = await postJson(server, paths.cloud, ask('What is the weather in Lyon today?', { tool_choice: 'auto' }));
    expect(body.choices[0].finish_reason).toBe('tool_calls');
    expect(body.choices[0].message.content).toBe('');
    const call = callOf(body);
    expect(call).toMatchObject({ id: expect.stringMatching(/^call_/), type: 'function', function: { name: 'get_weather' } });
    argumentsValid(call);
  });

  it('auto: answers in text when no tool fits the prompt, and after a tool result', async () => {
    const unrelated = await postJson(server, paths.cloud, ask('Write a haiku about autumn leaves.', {}));
    expect(unrelated.choices[0].finish_reason).toBe('stop');
    expect(callOf(unrelated)).toBeUndefined();
    const call = callOf(await postJson(server, paths.cloud, ask('Weather in Lyon?', {})));
    const afterResult = await postJson(server, paths.cloud, chatBody({
      tools,
      messages: [
        { role: 'user', content: 'Weather in Lyon?' },
        { role: 'assistant', content: null, tool_calls: [call] },
        { role: 'tool', tool_call_id: call.id, content: '{"temperature": 21}' },
      ],
    }));
    expect(afterResult.choices[0].finish_reason).toBe('stop');
    expect(afterResult.choices[0].message.content.length).toBeGreaterThan(0);
  });

  it('required: always calls a tool, arguments valid', async () => {
    for (const seed of [1, 2, 3, 4]) {
      const body = await postJson(server, paths.cloud, ask('Write a haiku about autumn leaves.', { tool_choice: 'required', seed }));
      expect(body.choices[0].finish_reason).toBe('tool_calls');
      argumentsValid(callOf(body));
    }
  });

  it('named: calls that tool even when the prompt is about another', async () => {
    const body = await postJson(server, paths.cloud, ask('What is the weather in Lyon?', { tool_choice: { type: 'function', function: { name: 'lookup_stock' } } }));
    const call = callOf(body);
    expect(call.function.name).toBe('lookup_stock');
    argumentsValid(call);
  });

  it('none: never calls, even when the prompt names a tool', async () => {
    const body = await postJson(server, paths.cloud, ask('Call get_weather for Lyon.', { tool_choice: 'none' }));
    expect(callOf(body)).toBeUndefined();
    expect(body.choices[0].finish_reason).toBe('stop');
  });

  it('an unknown tool in tool_choice is a 400 invalid_request_error with param tool_choice', async () => {
    const response = await post(server, paths.cloud, ask('Hi', { tool_choice: { type: 'function', function: { name: 'launch_rocket' } } }));
    expect(response.status).toBe(400);
    const body = (await response.json()) as any;
    expect(body.error).toMatchObject({ type: 'invalid_request_error', param: 'tool_choice', message: expect.stringContaining('launch_rocket') });
    expect(body.error.message).toContain('get_weather');
    expect(typeof body.request_id).toBe('string');
  });
});

describe('SambaNova Cloud chat: streams', () => {
  it('role first, content deltas, a {content: ""} chunk with the finish reason, [DONE]; no usage without include_usage', async () => {
    const { chunks, done } = await postSse(server, paths.cloud, chatBody({ max_tokens: 5, stream: true }));
    expect(done).toBe(true);
    expect(chunks[0].choices[0].delta.role).toBe('assistant');
    expect(chunks.at(-1).choices[0]).toMatchObject({ delta: { content: '' }, finish_reason: 'length' });
    expect(chunks.every((c) => !('usage' in c) && c.system_fingerprint === 'fastcoe' && uuid.test(c.id))).toBe(true);
    expect(new Set(chunks.map((c) => c.created)).size).toBe(1);
  });

  it('include_usage: one last chunk with empty choices and usage equal to the stream\'s content', async () => {
    const { chunks, done } = await postSse(server, paths.cloud, chatBody({ max_tokens: 8, stream: true, stream_options: { include_usage: true } }));
    expect(done).toBe(true);
    const last = chunks.at(-1);
    expect(last.choices).toEqual([]);
    expect(last.usage).toMatchObject({ completion_tokens: 8, total_tokens: last.usage.prompt_tokens + 8, is_last_response: true });
    expect(chunks.slice(0, -1).filter((c) => c.choices[0].delta.content).length).toBe(8);
  });

  it('reasoning streams in delta.reasoning before the content', async () => {
    const { chunks } = await postSse(server, paths.cloud, chatBody({ reasoning_effort: 'low', stream: true, max_tokens: 60 }));
    const firstContent = chunks.findIndex((c) => c.choices[0]?.delta.content);
    const lastReasoning = chunks.findLastIndex((c) => c.choices[0]?.delta.reasoning);
    expect(lastReasoning).toBeGreaterThanOrEqual(0);
    expect(firstContent === -1 || firstContent > lastReasoning).toBe(true);
    const whole = await postJson(server, paths.cloud, chatBody({ reasoning_effort: 'low', max_tokens: 60 }));
    expect(contentByChoice(chunks, 'reasoning').get(0)).toBe(whole.choices[0].message.reasoning);
  });

  it('n: every choice streams its own deltas and finish chunk', async () => {
    const { chunks } = await postSse(server, paths.cloud, chatBody({ n: 2, max_tokens: 3, stream: true }));
    const whole = await postJson(server, paths.cloud, chatBody({ n: 2, max_tokens: 3 }));
    const texts = contentByChoice(chunks);
    expect([texts.get(0), texts.get(1)]).toEqual(whole.choices.map((c: any) => c.message.content));
    expect(chunks.filter((c) => c.choices[0].finish_reason === 'length')).toHaveLength(2);
  });

  it('a tool call arrives whole in one delta, with index 0', async () => {
    const { chunks } = await postSse(server, paths.cloud, chatBody({ stream: true, tools: [weatherTool], tool_choice: 'required' }));
    const calls = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ index: 0, id: expect.stringMatching(/^call_/), function: { name: 'get_weather' } });
    expect(chunks.at(-1).choices[0].finish_reason).toBe('tool_calls');
  });
});

describe('SambaNova Cloud chat: variants', () => {
  it('created-int: whole seconds', async () => {
    const body = await postJson(server, paths.cloud, chatBody({ max_tokens: 2 }), variant('created-int'));
    expect(Number.isInteger(body.created)).toBe(true);
    const { chunks } = await postSse(server, paths.cloud, chatBody({ max_tokens: 2, stream: true }), variant('created-int'));
    expect(chunks.every((c) => Number.isInteger(c.created))).toBe(true);
  });

  it('default created is fractional (probabilistically: over several answers at least one has a fraction)', async () => {
    const bodies = await Promise.all([1, 2, 3, 4, 5].map(() => postJson(server, paths.cloud, chatBody({ max_tokens: 1 }))));
    expect(bodies.some((b) => !Number.isInteger(b.created))).toBe(true);
  });

  it('usage-null-chunks: chunks before the usage chunk carry usage: null', async () => {
    const { chunks } = await postSse(server, paths.cloud, chatBody({ max_tokens: 3, stream: true, stream_options: { include_usage: true } }), variant('usage-null-chunks'));
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);
    expect(chunks.at(-1).usage.completion_tokens).toBe(3);
  });

  it('tool-args-object and tool-call-no-index', async () => {
    const request = chatBody({ tools: [weatherTool], tool_choice: 'required' });
    const whole = await postJson(server, paths.cloud, request, variant('tool-args-object'));
    expect(typeof whole.choices[0].message.tool_calls[0].function.arguments).toBe('object');
    const objects = await postSse(server, paths.cloud, { ...request, stream: true }, variant('tool-args-object'));
    expect(typeof objects.chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? [])[0].function.arguments).toBe('object');
    const noIndex = await postSse(server, paths.cloud, { ...request, stream: true }, variant('tool-call-no-index'));
    const call = noIndex.chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? [])[0];
    expect(call).not.toHaveProperty('index');
    expect(typeof call.function.arguments).toBe('string');
  });

  it('error-event fault: `event: error` with the general error body and request_id; error-event-error_event renames the event', async () => {
    const validate = await responseValidator('sambanova-cloud', 'createChatCompletion', 'text/event-stream');
    const request = chatBody({ max_tokens: 20, stream: true });
    for (const [headers, name] of [[{}, 'error'], [variant('error-event-error_event'), 'error_event']] as const) {
      const response = await post(server, paths.cloud, request, { 'x-sambakit-fault': 'error-event', ...headers });
      const requestId = response.headers.get('x-request-id');
      const events = parseSse(await response.text());
      expect(events).toHaveLength(3);
      expect(events[2]!.event).toBe(name);
      const value = JSON.parse(events[2]!.data);
      expect(value).toMatchObject({ error: { type: 'server_error', param: null, code: null }, request_id: requestId });
      expect(validate(value)).toBe(true);
    }
  });

  it('an unknown variant is a 400 naming the valid ones', async () => {
    const response = await post(server, paths.cloud, chatBody(), variant('vllm-async'));
    expect(response.status).toBe(400);
    const message = ((await response.json()) as any).error.message as string;
    for (const name of ['created-int', 'usage-null-chunks', 'error-event-error_event', 'tool-args-object', 'tool-call-no-index']) expect(message).toContain(name);
  });
});
