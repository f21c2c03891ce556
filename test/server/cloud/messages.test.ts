/**
 * `POST /messages` and `POST /messages/count_tokens` through the official `@anthropic-ai/sdk` client
 * at `<server>/cloud` (it appends `/v1/messages`; the `sambanova` and `openai` packages have no
 * Messages resource): required parameters only, every optional parameter, tool use round trips, the
 * named event stream (raw and accumulated by the client's `messages.stream()` into the message the
 * JSON answer gives), counting, both ways of sending the key, and Anthropic's error envelope for
 * every failure (404, 400 over max_tokens, refused features, 401, 429, 503, in-stream `error`).
 * @module
 */
import Anthropic, { APIError as AnthropicAPIError } from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { useServer } from '../../helpers/server.js';
import { parseSse } from '../openai-chat/helpers.js';
import { anthropic, chatModel, key, post, reasoningModel } from './helpers.js';

const server = useServer({ apiKey: key });

const weather: Anthropic.Tool = {
  name: 'get_weather',
  description: 'Current weather for a city',
  input_schema: { type: 'object', properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } }, required: ['city', 'unit'] },
};
const question: Anthropic.MessageParam[] = [{ role: 'user', content: 'Tell me about rivers.' }];

/** Every optional parameter the Anthropic client exposes that the service accepts. */
const everyOption = {
  system: [{ type: 'text' as const, text: 'You answer briefly.', cache_control: { type: 'ephemeral' as const } }],
  temperature: 0.5,
  top_p: 0.9,
  top_k: 20,
  stop_sequences: ['\n\n'],
  metadata: { user_id: 'user-42' },
  thinking: { type: 'disabled' as const },
  tools: [weather],
  tool_choice: { type: 'none' as const },
  service_tier: 'auto' as const,
};

/** The order of a stream's event types, as a regular expression over the type list (pings skipped). */
const ORDER = /^message_start (content_block_start (content_block_delta )*content_block_stop )+message_delta message_stop$/;

describe('anthropic client: messages.create (JSON)', () => {
  it('with only the required parameters: one text block, end_turn, usage', async () => {
    const message = await anthropic(server).messages.create({ model: chatModel, max_tokens: 1024, messages: question });
    expect(message).toMatchObject({ type: 'message', role: 'assistant', model: chatModel, stop_reason: 'end_turn', stop_sequence: null });
    expect(message.id).toMatch(/^msg_/);
    expect(message.content).toHaveLength(1);
    expect(message.content[0]!.type).toBe('text');
    expect(message.usage.input_tokens).toBeGreaterThan(0);
    expect(message.usage.output_tokens).toBeGreaterThan(0);
  });

  it('with every optional parameter: the stop sequence ends the text and is reported', async () => {
    const message = await anthropic(server).messages.create({ model: chatModel, max_tokens: 1024, messages: question, ...everyOption });
    const text = (message.content[0] as Anthropic.TextBlock).text;
    expect(text).not.toContain('\n\n');
    expect(message.stop_reason).toBe('stop_sequence');
    expect(message.stop_sequence).toBe('\n\n');
  });

  it('a reasoning model answers with a thinking block first', async () => {
    const message = await anthropic(server).messages.create({ model: reasoningModel, max_tokens: 1024, messages: question });
    expect(message.content.map((block) => block.type)).toEqual(['thinking', 'text']);
    expect((message.content[0] as Anthropic.ThinkingBlock).thinking.length).toBeGreaterThan(0);
  });

  it('tool use, then the tool result sent back: the model answers in text', async () => {
    const client = anthropic(server);
    const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'What is the weather in Lyon?' }];
    const first = await client.messages.create({ model: chatModel, max_tokens: 512, messages, tools: [weather], tool_choice: { type: 'any' } });
    expect(first.stop_reason).toBe('tool_use');
    const call = first.content.find((block): block is Anthropic.ToolUseBlock => block.type === 'tool_use')!;
    expect(call.id).toMatch(/^toolu_/);
    expect(call.input).toMatchObject({ city: expect.any(String), unit: expect.stringMatching(/celsius|fahrenheit/) });
    const second = await client.messages.create({
      model: chatModel,
      max_tokens: 512,
      tools: [weather],
      messages: [...messages, { role: 'assistant', content: first.content }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: '18 degrees' }] }],
    });
    expect(second.stop_reason).toBe('end_turn');
    expect(second.content.map((block) => block.type)).toEqual(['text']);
  });

  it('a budget that runs out is max_tokens', async () => {
    const message = await anthropic(server).messages.create({ model: chatModel, max_tokens: 7, messages: question });
    expect(message.stop_reason).toBe('max_tokens');
    expect(message.usage.output_tokens).toBe(7);
  });
});

describe('anthropic client: the event stream', () => {
  it('create({stream: true}): the documented order, deltas adding up, stop reason and usage in message_delta', async () => {
    const stream = await anthropic(server).messages.create({ model: reasoningModel, max_tokens: 1024, messages: question, stream: true });
    const events: Anthropic.RawMessageStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    expect(events.map((e) => e.type).join(' ')).toMatch(ORDER);
    const thinking = events.filter((e) => e.type === 'content_block_delta' && e.index === 0).map((e: any) => e.delta);
    expect(thinking.at(-1)).toEqual({ type: 'signature_delta', signature: '' });
    expect(thinking.slice(0, -1).every((d) => d.type === 'thinking_delta')).toBe(true);
    const delta = events.find((e): e is Anthropic.RawMessageDeltaEvent => e.type === 'message_delta')!;
    expect(delta.delta.stop_reason).toBe('end_turn');
    const start = events[0] as Anthropic.RawMessageStartEvent;
    expect(delta.usage.output_tokens).toBeGreaterThan(0);
    expect(start.message.usage.input_tokens).toBeGreaterThan(0);
  });

  it('messages.stream(): the client accumulates the same message the JSON answer gives', async () => {
    const client = anthropic(server);
    const params = { model: reasoningModel, max_tokens: 1024, messages: [{ role: 'user' as const, content: 'What is the weather in Lyon?' }], tools: [weather], temperature: 0 };
    const whole = await client.messages.create(params);
    const streamed = client.messages.stream(params);
    const texts: string[] = [];
    streamed.on('inputJson', (partial) => texts.push(partial));
    const final = await streamed.finalMessage();
    expect(final.content.map((block) => block.type)).toEqual(['thinking', 'tool_use']);
    const [wholeThinking, wholeCall] = whole.content as [Anthropic.ThinkingBlock, Anthropic.ToolUseBlock];
    const [finalThinking, finalCall] = final.content as [Anthropic.ThinkingBlock, Anthropic.ToolUseBlock];
    expect(finalThinking.thinking).toBe(wholeThinking.thinking);
    expect(finalCall).toMatchObject({ id: wholeCall.id, name: wholeCall.name, input: wholeCall.input });
    expect(texts.join('')).toBe(JSON.stringify(wholeCall.input));
    expect(final.stop_reason).toBe('tool_use');
    expect(final.usage.output_tokens).toBe(whole.usage.output_tokens);
  });

  it('every event is named after its type, a ping included, and there is no [DONE]', async () => {
    const response = await post(server, '/messages', { model: chatModel, max_tokens: 5, stream: true, messages: question });
    const events = parseSse(await response.text());
    for (const event of events) expect(event.event).toBe(JSON.parse(event.data).type);
    expect(events.map((e) => e.event)).toContain('ping');
    expect(events.some((e) => e.data === '[DONE]')).toBe(false);
  });

  it('a failure after the 200 is an `error` event in Anthropic\'s envelope, which the client raises', async () => {
    const stream = await anthropic(server, { 'x-sambakit-fault': 'error-event' }).messages.create({ model: chatModel, max_tokens: 64, messages: question, stream: true });
    const seen: string[] = [];
    const error = await (async () => {
      for await (const event of stream) seen.push(event.type);
    })().catch((e: unknown) => e);
    // message_start, then the ping (which the client skips), then the error.
    expect(seen).toEqual(['message_start']);
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect((error as AnthropicAPIError).error).toMatchObject({ type: 'error', error: { type: 'api_error' } });
  });
});

describe('anthropic client: messages.countTokens', () => {
  it('counts what messages.create reports as input_tokens, with and without system and tools', async () => {
    const client = anthropic(server);
    for (const extra of [{}, { system: 'You answer briefly.', tools: [weather], tool_choice: { type: 'auto' as const } }]) {
      const count = await client.messages.countTokens({ model: chatModel, messages: question, ...extra });
      const message = await client.messages.create({ model: chatModel, max_tokens: 8, messages: question, ...extra });
      expect(count.input_tokens).toBe(message.usage.input_tokens);
    }
    const bare = await client.messages.countTokens({ model: chatModel, messages: question });
    const withTools = await client.messages.countTokens({ model: chatModel, messages: question, tools: [weather] });
    expect(withTools.input_tokens).toBeGreaterThan(bare.input_tokens);
  });

  it('an unknown model is 404 not_found_error', async () => {
    const error = await anthropic(server).messages.countTokens({ model: 'claude-9', messages: question }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.NotFoundError);
  });
});

describe('errors in Anthropic\'s envelope', () => {
  const failure = async (promise: Promise<unknown>) => (await promise.catch((e: unknown) => e)) as AnthropicAPIError;

  it('unknown model 404, max_tokens over the limit 400 naming it', async () => {
    const missing = await failure(anthropic(server).messages.create({ model: 'claude-9', max_tokens: 8, messages: question }));
    expect(missing).toBeInstanceOf(Anthropic.NotFoundError);
    expect(missing.error).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
    const over = await failure(anthropic(server).messages.create({ model: chatModel, max_tokens: 5000, messages: question }));
    expect(over).toBeInstanceOf(Anthropic.BadRequestError);
    expect((over.error as any).error.message).toMatch(/max_tokens is 5000, above the 4096/);
  });

  it('extended thinking, image URLs and documents are refused with 400 invalid_request_error', async () => {
    const client = anthropic(server);
    const thinking = await failure(client.messages.create({ model: reasoningModel, max_tokens: 2048, messages: question, thinking: { type: 'enabled', budget_tokens: 1024 } }));
    expect(thinking.status).toBe(400);
    expect((thinking.error as any).error).toMatchObject({ type: 'invalid_request_error', message: expect.stringContaining('thinking') });
    const image = await failure(
      client.messages.create({ model: chatModel, max_tokens: 8, messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'url', url: 'https://example.com/a.png' } }] }] }),
    );
    expect((image.error as any).error.message).toMatch(/Image URL sources are not supported/);
    const document = await failure(
      client.messages.create({ model: chatModel, max_tokens: 8, messages: [{ role: 'user', content: [{ type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'hi' } }] }] }),
    );
    expect((document.error as any).error.message).toMatch(/`document` blocks are not supported/);
    const serverTool = await failure(client.messages.create({ model: chatModel, max_tokens: 8, messages: question, tools: [{ type: 'web_search_20250305', name: 'web_search' } as any] }));
    expect((serverTool.error as any).error.type).toBe('invalid_request_error');
  });

  it('the key is accepted in x-api-key (the client\'s way) or as Bearer; a wrong one is authentication_error', async () => {
    const bearer = await post(server, '/messages', { model: chatModel, max_tokens: 4, messages: question });
    expect(bearer.status).toBe(200);
    const wrong = await failure(new Anthropic({ apiKey: 'sk-wrong', baseURL: `${server.url}/cloud`, maxRetries: 0 }).messages.create({ model: chatModel, max_tokens: 4, messages: question }));
    expect(wrong).toBeInstanceOf(Anthropic.AuthenticationError);
    expect(wrong.error).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
  });

  it('429 rate_limit_error with the rate-limit headers; 503 overloaded_error as JSON', async () => {
    const limited = await failure(anthropic(server, { 'x-sambakit-fault': 'rate-limit=2' }).messages.create({ model: chatModel, max_tokens: 4, messages: question }));
    expect(limited).toBeInstanceOf(Anthropic.RateLimitError);
    expect(limited.headers?.get('retry-after')).toBe('2');
    expect(limited.headers?.get('x-ratelimit-limit-requests-day')).toBe('4000');
    const overloaded = await failure(anthropic(server, { 'x-sambakit-fault': 'unavailable' }).messages.create({ model: chatModel, max_tokens: 4, messages: question }));
    expect(overloaded.status).toBe(503);
    expect(overloaded.error).toMatchObject({ type: 'error', error: { type: 'overloaded_error' } });
  });
});
