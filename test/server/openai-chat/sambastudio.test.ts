/**
 * SambaStudio's OpenAI-compatible chat over real HTTP, at both URL forms: whole answers, streams
 * with and without usage (both spellings of the option), batches, tool calls, logprobs, every variant
 * and the in-stream error.
 */
import { describe, expect, it } from 'vitest';
import { useServer } from '../../helpers/server.js';
import { chatBody, key, parseSse, paths, post, postJson, postSse, responseValidator, weatherTool } from './helpers.js';

const server = useServer({ apiKey: key, apis: ['sambastudio'] });

const documentedUsage = ['input_tokens_count', 'output_tokens_count', 'total_tokens_count', 'queue_time', 'time_to_first_token', 'throughput_after_first_token', 'model_execution_time'];

describe('SambaStudio chat: whole answers', () => {
  for (const path of [paths.studio, paths.studioOpenAI]) {
    it(`${path}: a chat.completion with a chatcmpl- id, integer created and the documented usage names`, async () => {
      const body = await postJson(server, path, chatBody({ max_tokens: 12 }));
      expect(body.id).toMatch(/^chatcmpl-[0-9a-f]{24}$/);
      expect(body.object).toBe('chat.completion');
      expect(Number.isInteger(body.created)).toBe(true);
      expect(body.model).toBe('Meta-Llama-3.1-8B-Instruct');
      expect(body.choices).toHaveLength(1);
      expect(body.choices[0]).toMatchObject({ index: 0, message: { role: 'assistant' }, finish_reason: 'length', logprobs: null });
      expect(Object.keys(body.usage).sort()).toEqual([...documentedUsage].sort());
      expect(body.usage.output_tokens_count).toBe(12);
      expect(body.usage.total_tokens_count).toBe(body.usage.input_tokens_count + body.usage.output_tokens_count);
      expect(body).not.toHaveProperty('system_fingerprint');
    });
  }

  it('returns exactly one choice whatever n says (the vendor documents one)', async () => {
    const body = await postJson(server, paths.studio, chatBody({ n: 3, max_tokens: 4 }));
    expect(body.choices).toHaveLength(1);
  });

  it('answers tool calls with finish_reason tool_calls, null content and JSON-string arguments', async () => {
    const body = await postJson(server, paths.studio, chatBody({ tools: [weatherTool], tool_choice: 'required' }));
    const [choice] = body.choices;
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBeNull();
    expect(choice.message.tool_calls).toHaveLength(1);
    expect(choice.message.tool_calls[0]).toMatchObject({ type: 'function', function: { name: 'get_weather' } });
    expect(typeof JSON.parse(choice.message.tool_calls[0].function.arguments)).toBe('object');
  });

  it('has no reasoning field, so reasoning_effort generates none', async () => {
    const body = await postJson(server, paths.studio, chatBody({ reasoning_effort: 'high', max_tokens: 20 }));
    expect(body.choices[0].message).not.toHaveProperty('reasoning');
    expect(body.choices[0].message).not.toHaveProperty('reasoning_content');
    expect(body.usage.output_tokens_count).toBe(20);
  });

  it('gives OpenAI logprobs objects when asked', async () => {
    const body = await postJson(server, paths.studio, chatBody({ max_tokens: 5, logprobs: true, top_logprobs: 3 }));
    const content = body.choices[0].logprobs.content;
    expect(content).toHaveLength(5);
    expect(content.map((e: any) => e.token).join('')).toBe(body.choices[0].message.content);
    for (const entry of content) {
      expect(entry.top_logprobs).toHaveLength(3);
      expect(entry.top_logprobs[0].token).toBe(entry.token);
      expect(entry.bytes).toEqual([...Buffer.from(entry.token, 'utf8')]);
    }
  });
});

describe('SambaStudio chat: batches', () => {
  it('answers an array with an array of completions in order, ignoring stream inside elements', async () => {
    const first = chatBody({ messages: [{ role: 'user', content: 'What is the capital of France?' }], max_tokens: 7, stream: true, process_prompt: true });
    const second = chatBody({ messages: [{ role: 'user', content: 'What is the capital of India?' }], max_tokens: 3, stream: true, process_prompt: true });
    const response = await post(server, paths.studio, [first, second]);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await response.json()) as any[];
    expect(body).toHaveLength(2);
    expect(body.map((c) => c.usage.output_tokens_count)).toEqual([7, 3]);
    expect(new Set(body.map((c) => c.id)).size).toBe(2);
    // Each element is its own request: the same as asking it alone.
    const alone = await postJson(server, paths.studio, { ...second, stream: false });
    expect(body[1].choices).toEqual(alone.choices);
  });

  it('an unknown tool in one element fails the batch with a 400 naming the element', async () => {
    const bad = chatBody({ tools: [weatherTool], tool_choice: { type: 'function', function: { name: 'nope' } } });
    const response = await post(server, paths.studio, [chatBody(), bad]);
    expect(response.status).toBe(400);
    const body = (await response.json()) as any;
    expect(body.error).toMatchObject({ type: 'invalid_request_error', param: '1.tool_choice' });
    expect(body.error.message).toContain('nope');
  });
});

describe('SambaStudio chat: streams', () => {
  it('streams role, content deltas, a {} delta with the finish reason, then [DONE]; no usage unless asked', async () => {
    const stream = await postSse(server, paths.studio, chatBody({ max_tokens: 6, stream: true }));
    expect(stream.response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(stream.done).toBe(true);
    const { chunks } = stream;
    expect(chunks[0].choices[0].delta.role).toBe('assistant');
    expect(chunks.slice(1).every((c) => c.choices[0].delta.role === undefined)).toBe(true);
    const last = chunks.at(-1);
    expect(last.choices[0]).toMatchObject({ delta: {}, finish_reason: 'length' });
    expect(chunks.slice(0, -1).every((c) => c.choices[0].finish_reason === null)).toBe(true);
    expect(chunks.every((c) => !('usage' in c))).toBe(true);
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    expect(chunks.filter((c) => c.choices[0].delta.content).length).toBe(6);
  });

  for (const option of ['stream_options', 'stream_option']) {
    it(`sends one usage chunk with empty choices before [DONE] with ${option}.include_usage`, async () => {
      const { chunks, done } = await postSse(server, paths.studioOpenAI, chatBody({ max_tokens: 9, stream: true, [option]: { include_usage: true } }));
      expect(done).toBe(true);
      const usageChunks = chunks.filter((c) => c.usage);
      expect(usageChunks).toHaveLength(1);
      expect(chunks.at(-1)).toBe(usageChunks[0]);
      expect(usageChunks[0].choices).toEqual([]);
      expect(usageChunks[0].usage.output_tokens_count).toBe(9);
      expect(usageChunks[0].usage.total_tokens_count).toBe(usageChunks[0].usage.input_tokens_count + 9);
    });
  }

  it('streams a tool call whole in one delta with index 0', async () => {
    const { chunks } = await postSse(server, paths.studio, chatBody({ stream: true, tools: [weatherTool], tool_choice: { type: 'function', function: { name: 'get_weather' } } }));
    const calls = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ index: 0, type: 'function', function: { name: 'get_weather' } });
    expect(JSON.parse(calls[0].function.arguments)).toHaveProperty('city');
    expect(chunks.at(-1).choices[0].finish_reason).toBe('tool_calls');
  });
});

describe('SambaStudio chat: variants', () => {
  const variant = (name: string) => ({ 'x-sambakit-variant': name });

  it('usage-prompt-tokens: OpenAI token names with the timing fields, whole and streamed', async () => {
    const body = await postJson(server, paths.studio, chatBody({ max_tokens: 4 }), variant('usage-prompt-tokens'));
    expect(Object.keys(body.usage).sort()).toEqual(['completion_tokens', 'model_execution_time', 'prompt_tokens', 'throughput_after_first_token', 'time_to_first_token', 'total_tokens']);
    expect(body.usage.total_tokens).toBe(body.usage.prompt_tokens + 4);
    const { chunks } = await postSse(server, paths.studio, chatBody({ max_tokens: 4, stream: true, stream_options: { include_usage: true } }), variant('usage-prompt-tokens'));
    expect(chunks.at(-1).usage.completion_tokens).toBe(4);
  });

  it('usage-null-chunks: every chunk before the usage chunk has usage: null', async () => {
    const { chunks } = await postSse(server, paths.studio, chatBody({ max_tokens: 4, stream: true, stream_options: { include_usage: true } }), variant('usage-null-chunks'));
    expect(chunks.slice(0, -1).every((c) => 'usage' in c && c.usage === null)).toBe(true);
    expect(chunks.at(-1).usage.output_tokens_count).toBe(4);
  });

  it('tool-args-object: arguments as an object, whole and streamed', async () => {
    const request = chatBody({ tools: [weatherTool], tool_choice: 'required' });
    const body = await postJson(server, paths.studio, request, variant('tool-args-object'));
    expect(typeof body.choices[0].message.tool_calls[0].function.arguments).toBe('object');
    const { chunks } = await postSse(server, paths.studio, { ...request, stream: true }, variant('tool-args-object'));
    const call = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? [])[0];
    expect(call.function.arguments).toEqual(body.choices[0].message.tool_calls[0].function.arguments);
  });

  it('error-event fault: the error arrives as event error_event holding the OpenAI error body; error-data-event makes it a plain data event', async () => {
    const validate = await responseValidator('sambastudio', 'createChatCompletion', 'text/event-stream');
    const request = chatBody({ max_tokens: 20, stream: true });
    const plain = await post(server, paths.studio, request, { 'x-sambakit-fault': 'error-event' });
    const events = parseSse(await plain.text());
    expect(events).toHaveLength(3);
    const error = events[2]!;
    expect(error.event).toBe('error_event');
    const value = JSON.parse(error.data);
    expect(value.error).toMatchObject({ type: 'server_error', message: expect.stringContaining('error-event') });
    expect(validate(value)).toBe(true);
    expect(events.some((e) => e.data === '[DONE]')).toBe(false);

    const asData = await post(server, paths.studio, request, { 'x-sambakit-fault': 'error-event', ...variant('error-data-event') });
    const dataEvents = parseSse(await asData.text());
    expect(dataEvents[2]!.event).toBeUndefined();
    expect(JSON.parse(dataEvents[2]!.data).error.type).toBe('server_error');
  });

  it('an unknown variant is a 400 that names the valid ones', async () => {
    const response = await post(server, paths.studio, chatBody(), variant('created-int'));
    expect(response.status).toBe(400);
    const message = ((await response.json()) as any).error.message as string;
    for (const name of ['usage-prompt-tokens', 'usage-null-chunks', 'error-data-event', 'tool-args-object']) expect(message).toContain(name);
  });
});
