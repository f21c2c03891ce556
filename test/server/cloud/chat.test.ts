/**
 * `POST /chat/completions` through the official `sambanova` client (the handler is the shared chat
 * core's; this suite completes the client's method coverage next to the other Cloud operations):
 * required parameters only, every optional parameter the client exposes, JSON and stream.
 * @module
 */
import { describe, expect, it } from 'vitest';
import { useServer } from '../../helpers/server.js';
import { chatModel, key, reasoningModel, sambanova } from './helpers.js';

const server = useServer({ apiKey: key });

const messages = [
  { role: 'system' as const, content: 'You answer briefly.' },
  { role: 'user' as const, content: 'What is the weather in Lyon?' },
];
const weather = {
  type: 'function' as const,
  function: { name: 'get_weather', description: 'Current weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
};

/** Every optional parameter of the client's chat.completions.create. */
const everyOption = {
  chat_template_kwargs: { enable_thinking: true },
  do_sample: true,
  frequency_penalty: 0.1,
  logit_bias: { '1734': -5 },
  logprobs: true,
  top_logprobs: 2,
  max_completion_tokens: 400,
  max_tokens: 400,
  n: 2,
  parallel_tool_calls: false,
  presence_penalty: 0.2,
  reasoning_effort: 'low' as const,
  response_format: { type: 'json_object' as const },
  seed: 11,
  stop: ['\n\n\n'],
  temperature: 0.5,
  tool_choice: 'none' as const,
  tools: [weather],
  top_k: 30,
  top_p: 0.95,
};

describe('sambanova client: chat.completions.create', () => {
  it('with only the required parameters', async () => {
    const completion = (await sambanova(server).chat.completions.create({ model: chatModel, messages })) as any;
    expect(completion).toMatchObject({ object: 'chat.completion', model: chatModel, system_fingerprint: 'fastcoe' });
    expect(completion.choices[0].message.role).toBe('assistant');
    expect(completion.choices[0].message.content.length).toBeGreaterThan(0);
    expect(completion.usage.total_tokens).toBe(completion.usage.prompt_tokens + completion.usage.completion_tokens);
  });

  it('with every optional parameter: n choices of JSON, reasoning, log probabilities', async () => {
    const completion = (await sambanova(server).chat.completions.create({ model: reasoningModel, messages, ...everyOption })) as any;
    expect(completion.choices).toHaveLength(2);
    for (const choice of completion.choices) {
      expect(() => JSON.parse(choice.message.content)).not.toThrow();
      expect(choice.message.reasoning.length).toBeGreaterThan(0);
      expect(choice.logprobs.content[0].top_logprobs).toHaveLength(2);
    }
  });

  it('tools: a forced call', async () => {
    const completion = (await sambanova(server).chat.completions.create({ model: chatModel, messages, tools: [weather], tool_choice: 'required' })) as any;
    expect(completion.choices[0].finish_reason).toBe('tool_calls');
    expect(JSON.parse(completion.choices[0].message.tool_calls[0].function.arguments)).toHaveProperty('city');
  });

  it('streams chunks adding up to the whole answer, then the usage chunk', async () => {
    const client = sambanova(server);
    const params = { model: chatModel, messages, max_tokens: 12, seed: 4 };
    const whole = (await client.chat.completions.create(params)) as any;
    const stream = await client.chat.completions.create({ ...params, stream: true, stream_options: { include_usage: true } });
    const chunks: any[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('')).toBe(whole.choices[0].message.content);
    expect(chunks.at(-1).choices).toEqual([]);
    expect(chunks.at(-1).usage.completion_tokens).toBe(12);
  });
});
