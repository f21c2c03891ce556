/**
 * `POST /responses` through the official `openai` client (the `sambanova` package has no Responses
 * resource): required parameters only, every optional parameter, function calling round trips,
 * structured output, and the typed event stream: every event named after its type, numbered,
 * in the documented order, accumulated by the client's own `responses.stream()` into the same
 * response as the JSON answer, with the usage at the end; plus the in-stream `error` event and the
 * model checks.
 * @module
 */
import OpenAI, { APIError } from 'openai';
import { describe, expect, it } from 'vitest';
import { useServer } from '../../helpers/server.js';
import { parseSse } from '../openai-chat/helpers.js';
import { chatModel, key, openai, post, reasoningModel } from './helpers.js';

const server = useServer({ apiKey: key });

const weather: OpenAI.Responses.FunctionTool = {
  type: 'function',
  name: 'get_weather',
  description: 'Current weather for a city',
  parameters: { type: 'object', properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } }, required: ['city', 'unit'], additionalProperties: false },
  strict: true,
};

/** Every optional parameter the openai client exposes that the service documents. */
const everyOption = {
  instructions: 'Answer in two sentences.',
  max_output_tokens: 400,
  temperature: 0.4,
  top_p: 0.9,
  top_logprobs: 2,
  parallel_tool_calls: false,
  max_tool_calls: 1,
  tool_choice: 'none',
  tools: [weather],
  text: { format: { type: 'text' } },
  reasoning: { effort: 'low' },
  user: 'user-42',
  metadata: { ticket: 'T-1' },
  store: false,
  truncation: 'disabled',
  background: false,
  service_tier: 'auto',
} as const;

/** Order of event types a stream must follow, as a regular expression over the type list. */
const ITEM = '(response\\.output_item\\.added (response\\.content_part\\.added (response\\.(reasoning|output)_text\\.delta )*response\\.(reasoning|output)_text\\.done response\\.content_part\\.done |(response\\.function_call_arguments\\.delta )+response\\.function_call_arguments\\.done )response\\.output_item\\.done )';
const ORDER = new RegExp(`^response\\.created response\\.in_progress ${ITEM}+response\\.(completed|incomplete)$`);

describe('openai client: responses.create (JSON)', () => {
  it('with only the required parameters: a completed message, output_text, usage', async () => {
    const response = await openai(server).responses.create({ model: chatModel, input: 'Tell me about rivers.' });
    expect(response).toMatchObject({ object: 'response', status: 'completed', model: chatModel, error: null, store: false });
    expect(response.id).toMatch(/^resp_/);
    expect(response.output).toHaveLength(1);
    const message = response.output[0] as OpenAI.Responses.ResponseOutputMessage;
    expect(message).toMatchObject({ type: 'message', role: 'assistant', status: 'completed' });
    expect(message.id).toMatch(/^msg_/);
    expect(response.output_text.length).toBeGreaterThan(0);
    expect(response.usage!.total_tokens).toBe(response.usage!.input_tokens + response.usage!.output_tokens);
  });

  it('with every optional parameter: settings echoed, reasoning first, log probabilities on the text', async () => {
    const response = await openai(server).responses.create({ model: reasoningModel, input: [{ role: 'user', content: [{ type: 'input_text', text: 'Tell me about the weather in Lyon.' }] }], ...everyOption } as any);
    expect(response).toMatchObject({ instructions: everyOption.instructions, temperature: 0.4, top_p: 0.9, user: 'user-42', metadata: { ticket: 'T-1' }, parallel_tool_calls: false, tool_choice: 'none', max_output_tokens: 400, reasoning: { effort: 'low' } });
    expect(response.tools[0]).toMatchObject({ type: 'function', name: 'get_weather' });
    const [reasoning, message] = response.output as [OpenAI.Responses.ResponseReasoningItem, OpenAI.Responses.ResponseOutputMessage];
    expect(reasoning.type).toBe('reasoning');
    expect(reasoning.content![0]!.text.length).toBeGreaterThan(0);
    expect(reasoning.summary).toEqual([]);
    expect(message.type).toBe('message');
    const text = message.content[0] as OpenAI.Responses.ResponseOutputText;
    expect(text.logprobs!.length).toBeGreaterThan(0);
    expect(text.logprobs![0]!.top_logprobs).toHaveLength(2);
    // Low effort reasons for 24 to 40 tokens (the fake model's documented range), all counted as output.
    expect(response.usage!.output_tokens_details.reasoning_tokens).toBeGreaterThanOrEqual(24);
    expect(response.usage!.output_tokens).toBeGreaterThan(response.usage!.output_tokens_details.reasoning_tokens);
  });

  it('a function call, then its output sent back: the model answers in text', async () => {
    const client = openai(server);
    const first = await client.responses.create({ model: chatModel, input: 'What is the weather in Lyon?', tools: [weather], tool_choice: 'required' });
    const call = first.output.find((item) => item.type === 'function_call') as OpenAI.Responses.ResponseFunctionToolCall;
    expect(call).toMatchObject({ type: 'function_call', name: 'get_weather', status: 'completed' });
    expect(call.id).toMatch(/^fc_/);
    expect(JSON.parse(call.arguments)).toMatchObject({ city: expect.any(String), unit: expect.stringMatching(/celsius|fahrenheit/) });
    const second = await client.responses.create({
      model: chatModel,
      tools: [weather],
      input: [{ role: 'user', content: 'What is the weather in Lyon?' }, call, { type: 'function_call_output', call_id: call.call_id, output: '{"temperature": 18}' }],
    });
    expect(second.output.map((item) => item.type)).toEqual(['message']);
    expect(second.output_text.length).toBeGreaterThan(0);
  });

  it('text.format json_schema: the answer is JSON of that schema', async () => {
    const schema = { type: 'object', properties: { name: { type: 'string' }, age: { type: 'integer', minimum: 0 } }, required: ['name', 'age'], additionalProperties: false };
    const response = await openai(server).responses.create({ model: chatModel, input: 'A person.', text: { format: { type: 'json_schema', name: 'person', schema, strict: true } } });
    const parsed = JSON.parse(response.output_text);
    expect(Object.keys(parsed).sort()).toEqual(['age', 'name']);
  });

  it('a budget that runs out is an incomplete response', async () => {
    const response = await openai(server).responses.create({ model: chatModel, input: 'Tell me about rivers.', max_output_tokens: 5 });
    expect(response.status).toBe('incomplete');
    expect(response.incomplete_details).toEqual({ reason: 'max_output_tokens' });
    expect(response.usage!.output_tokens).toBe(5);
  });

  it('a reasoning model leaves room for the answer: a short budget still gets answer text, and a response is incomplete only when the answer was cut', async () => {
    const client = openai(server);
    const short = await client.responses.create({ model: reasoningModel, input: 'Tell me about rivers.', max_output_tokens: 12, reasoning: { effort: 'high' } });
    expect(short.output_text.length).toBeGreaterThan(0);
    expect(short.usage!.output_tokens_details.reasoning_tokens).toBeLessThanOrEqual(9);
    expect(short.status).toBe('incomplete');
    const roomy = await client.responses.create({ model: reasoningModel, input: 'Tell me about rivers.', max_output_tokens: 2000, reasoning: { effort: 'high' } });
    expect(roomy.status).toBe('completed');
    expect(roomy.incomplete_details).toBeNull();
    expect(roomy.output.some((item) => item.type === 'reasoning')).toBe(true);
    expect(roomy.output_text.length).toBeGreaterThan(0);
  });

  it('unknown model 404, max_output_tokens above the limit 400, unknown forced tool 400', async () => {
    const client = openai(server);
    const missing = (await client.responses.create({ model: 'nope', input: 'x' }).catch((e: unknown) => e)) as APIError;
    expect(missing.status).toBe(404);
    expect(missing.code).toBe('model_not_found');
    const over = (await client.responses.create({ model: chatModel, input: 'x', max_output_tokens: 5000 }).catch((e: unknown) => e)) as APIError;
    expect(over.status).toBe(400);
    expect(over.param).toBe('max_output_tokens');
    const tool = (await client.responses.create({ model: chatModel, input: 'x', tools: [weather], tool_choice: { type: 'function', name: 'other' } }).catch((e: unknown) => e)) as APIError;
    expect(tool.status).toBe(400);
    expect(tool.param).toBe('tool_choice');
  });
});

describe('openai client: the event stream', () => {
  it('create({stream: true}): named, numbered events in order, the deltas adding up, usage at the end', async () => {
    const stream = await openai(server).responses.create({ model: reasoningModel, input: 'Tell me about rivers.', max_output_tokens: 300, stream: true });
    const events: OpenAI.Responses.ResponseStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    expect(events.map((e) => e.type).join(' ')).toMatch(ORDER);
    const completed = events.at(-1) as OpenAI.Responses.ResponseCompletedEvent;
    expect(completed.response.usage!.output_tokens).toBeGreaterThan(0);
    const deltas = events.filter((e): e is OpenAI.Responses.ResponseTextDeltaEvent => e.type === 'response.output_text.delta');
    const done = events.find((e): e is OpenAI.Responses.ResponseTextDoneEvent => e.type === 'response.output_text.done')!;
    expect(deltas.map((d) => d.delta).join('')).toBe(done.text);
    expect(completed.response.output.map((item) => item.type)).toEqual(['reasoning', 'message']);
  });

  it('responses.stream(): the client accumulates the same response the JSON answer gives', async () => {
    const client = openai(server);
    const params = { model: reasoningModel, input: 'What is the weather in Lyon?', tools: [weather], reasoning: { effort: 'low' as const }, temperature: 0 };
    const whole = await client.responses.create(params);
    const final = await client.responses.stream(params).finalResponse();
    // Ids are drawn per answer; `parsed_arguments` is the client's own addition for strict tools.
    const strip = (r: OpenAI.Responses.Response) => r.output.map(({ id: _id, parsed_arguments: _parsed, ...item }: any) => item);
    expect(strip(final)).toEqual(strip(whole));
    expect(final.output.map((item) => item.type)).toEqual(['reasoning', 'function_call']);
    expect(final.status).toBe('completed');
  });

  it('streams instructions of megabytes (2.27 M newlines) back whole in every event that carries the response', async () => {
    const instructions = '\n'.repeat(2_275_521);
    const response = await post(server, '/responses', { model: 'Meta-Llama-3.3-70B-Instruct', input: 'Hi', instructions, max_output_tokens: 4, stream: true });
    expect(response.status).toBe(200);
    const events = parseSse(await response.text()).map((event) => JSON.parse(event.data) as { type: string; response?: { instructions: string } });
    const carrying = events.filter((event) => event.response !== undefined);
    expect(carrying.map((event) => event.type)).toEqual(['response.created', 'response.in_progress', expect.stringMatching(/^response\.(completed|incomplete)$/)]);
    for (const event of carrying) expect(event.response!.instructions === instructions).toBe(true);
  });

  it('every event carries an SSE event name equal to its type; no [DONE]', async () => {
    const response = await post(server, '/responses', { model: chatModel, input: 'Hi', max_output_tokens: 6, stream: true, tools: [weather], tool_choice: 'required' });
    const events = parseSse(await response.text());
    for (const event of events) expect(event.event).toBe(JSON.parse(event.data).type);
    expect(events.some((e) => e.data === '[DONE]')).toBe(false);
  });

  it('a failure after the 200 is OpenAI\'s `error` event, which the client hands over as the last event', async () => {
    const stream = await openai(server, { 'x-sambakit-fault': 'error-event' }).responses.create({ model: chatModel, input: 'Hi', stream: true });
    const seen: OpenAI.Responses.ResponseStreamEvent[] = [];
    for await (const event of stream) seen.push(event);
    expect(seen.map((e) => e.type)).toEqual(['response.created', 'response.in_progress', 'error']);
    expect(seen.at(-1)).toMatchObject({ type: 'error', code: 'server_error', message: expect.stringContaining('error-event'), param: null });
  });
});
