/**
 * The official `openai` npm client, unchanged, against the reference server at the base URLs the
 * design names: SambaNova Cloud (`/cloud/v1`), SambaStudio (`/v1/<project>/<endpoint>` and
 * `/openai/v1/<project>/<endpoint>`) and LMI (`/lmi/v1`). Only `baseURL`, `apiKey` and, where a
 * behaviour is a variant, `defaultHeaders` are set.
 */
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { useServer } from '../../helpers/server.js';
import { key, makeAjv, weatherTool } from './helpers.js';

const server = useServer({ apiKey: key });

const ajv = makeAjv();
const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [
  { role: 'system', content: 'You are concise.' },
  { role: 'user', content: 'What is the weather like in Lyon?' },
];

interface Target {
  name: string;
  base: string;
  /** Whether the API's own stream carries usage (LMI rolling batch has none; its vllm-async variant does). */
  headers?: Record<string, string>;
  completionTokens: (usage: any) => number;
  reasoning?: 'reasoning' | 'reasoning_content';
}

const targets: Target[] = [
  { name: 'SambaNova Cloud', base: '/cloud/v1', completionTokens: (u) => u.completion_tokens, reasoning: 'reasoning' },
  { name: 'SambaStudio', base: '/v1/proj-1/ep-1', completionTokens: (u) => u.output_tokens_count },
  { name: 'SambaStudio (openai path)', base: '/openai/v1/proj-1/ep-1', completionTokens: (u) => u.output_tokens_count },
  { name: 'LMI', base: '/lmi/v1', completionTokens: (u) => u.completion_tokens, reasoning: 'reasoning_content' },
  { name: 'LMI (vllm-async)', base: '/lmi/v1', headers: { 'x-sambakit-variant': 'vllm-async' }, completionTokens: (u) => u.completion_tokens, reasoning: 'reasoning_content' },
];

for (const target of targets) {
  describe(`openai client -> ${target.name} (${target.base})`, () => {
    const client = () => new OpenAI({ apiKey: key, baseURL: `${server.url}${target.base}`, maxRetries: 0, ...(target.headers ? { defaultHeaders: target.headers } : {}) });

    it('non-stream: a completion with content and usage', async () => {
      const completion = await client().chat.completions.create({ model: 'Meta-Llama-3.1-8B-Instruct', messages, max_tokens: 16 });
      expect(completion.object).toBe('chat.completion');
      expect(completion.choices[0]!.message.content!.length).toBeGreaterThan(0);
      expect(completion.choices[0]!.finish_reason).toBe('length');
      expect(target.completionTokens(completion.usage)).toBe(16);
    });

    it('stream with stream_options.include_usage: deltas, then the usage', async () => {
      const stream = await client().chat.completions.create({ model: 'Meta-Llama-3.1-8B-Instruct', messages, max_tokens: 10, stream: true, stream_options: { include_usage: true } });
      let text = '';
      let usage: any;
      let finish: string | null = null;
      for await (const chunk of stream) {
        for (const choice of chunk.choices) {
          text += choice.delta.content ?? '';
          finish ??= choice.finish_reason;
        }
        if (chunk.usage) usage = chunk.usage;
      }
      expect(text.length).toBeGreaterThan(0);
      expect(finish).toBe('length');
      if (target.name === 'LMI') {
        // The rolling-batch formatter never writes usage; the vllm-async variant does.
        expect(usage).toBeUndefined();
      } else {
        expect(target.completionTokens(usage)).toBe(10);
      }
    });

    it('tools: a tool call whose arguments validate against the parameters', async () => {
      const tools = [weatherTool] as unknown as OpenAI.Chat.ChatCompletionTool[];
      const completion = await client().chat.completions.create({ model: 'Meta-Llama-3.1-8B-Instruct', messages, tools, tool_choice: 'auto' });
      const choice = completion.choices[0]!;
      expect(choice.finish_reason).toBe('tool_calls');
      const call = choice.message.tool_calls![0]! as OpenAI.Chat.ChatCompletionMessageFunctionToolCall;
      expect(call.function.name).toBe('get_weather');
      const validate = ajv.compile(weatherTool.function.parameters);
      expect(validate(JSON.parse(call.function.arguments)), JSON.stringify(validate.errors)).toBe(true);
    });

    it('tools, streamed: the helper assembles the call', async () => {
      const tools = [weatherTool] as unknown as OpenAI.Chat.ChatCompletionTool[];
      const runner = client().chat.completions.stream({ model: 'Meta-Llama-3.1-8B-Instruct', messages, tools, tool_choice: 'required' });
      const final = await runner.finalChatCompletion();
      const call = final.choices[0]!.message.tool_calls![0]! as OpenAI.Chat.ChatCompletionMessageFunctionToolCall;
      expect(call.function.name).toBe('get_weather');
      expect(JSON.parse(call.function.arguments)).toHaveProperty('city');
    });

    // The whole round trip: the client's own assistant message (content null, tool_calls) and a
    // `tool` message answering it go back, and the model answers in words.
    for (const stream of [false, true]) {
      it(`tool round trip${stream ? ', streamed' : ''}: the call's result goes back and the answer is text`, async () => {
        const tools = [weatherTool] as unknown as OpenAI.Chat.ChatCompletionTool[];
        const ask = (conversation: OpenAI.Chat.ChatCompletionMessageParam[]) =>
          stream
            ? client().chat.completions.stream({ model: 'Meta-Llama-3.1-8B-Instruct', messages: conversation, tools }).finalChatCompletion()
            : client().chat.completions.create({ model: 'Meta-Llama-3.1-8B-Instruct', messages: conversation, tools });
        const first = (await ask(messages)).choices[0]!;
        expect(first.finish_reason).toBe('tool_calls');
        const call = first.message.tool_calls![0]! as OpenAI.Chat.ChatCompletionMessageFunctionToolCall;
        const conversation: OpenAI.Chat.ChatCompletionMessageParam[] = [
          ...messages,
          first.message as OpenAI.Chat.ChatCompletionAssistantMessageParam,
          { role: 'tool', tool_call_id: call.id, content: JSON.stringify({ temperature: 18, sky: 'cloudy' }) },
        ];
        const second = (await ask(conversation)).choices[0]!;
        expect(second.message.tool_calls ?? []).toHaveLength(0);
        expect(second.message.content!.length).toBeGreaterThan(0);
        expect(second.finish_reason).not.toBe('tool_calls');
      });
    }

    it('json_schema response_format: parse() gives an object valid against the schema', async () => {
      const schema = {
        type: 'object',
        properties: { city: { type: 'string' }, temperature_c: { type: 'number', minimum: -50, maximum: 60 }, conditions: { type: 'string', enum: ['sunny', 'cloudy', 'rain'] } },
        required: ['city', 'temperature_c', 'conditions'],
        additionalProperties: false,
      };
      const completion = await client().chat.completions.parse({
        model: 'Meta-Llama-3.1-8B-Instruct',
        messages,
        response_format: { type: 'json_schema', json_schema: { name: 'weather', schema, strict: true } },
      });
      const parsed = completion.choices[0]!.message.parsed as unknown;
      expect(ajv.compile(schema)(parsed)).toBe(true);
    });

    if (target.reasoning) {
      it(`reasoning_effort: reasoning in ${target.reasoning}`, async () => {
        const completion = await client().chat.completions.create({ model: 'gpt-oss-120b', messages, reasoning_effort: 'low' });
        const message = completion.choices[0]!.message as unknown as Record<string, unknown>;
        expect(typeof message[target.reasoning!]).toBe('string');
      });
    }
  });
}

describe('openai client and in-stream errors', () => {
  for (const [name, base] of [['SambaNova Cloud', '/cloud/v1'], ['SambaStudio', '/v1/proj-1/ep-1'], ['LMI', '/lmi/v1']] as const) {
    it(`${name}: the error-event fault makes the client throw an APIError mid-stream`, async () => {
      const client = new OpenAI({ apiKey: key, baseURL: `${server.url}${base}`, maxRetries: 0, defaultHeaders: { 'x-sambakit-fault': 'error-event' } });
      const stream = await client.chat.completions.create({ model: 'Meta-Llama-3.1-8B-Instruct', messages, max_tokens: 20, stream: true });
      const received: unknown[] = [];
      await expect(async () => {
        for await (const chunk of stream) received.push(chunk);
      }).rejects.toBeInstanceOf(OpenAI.APIError);
      expect(received).toHaveLength(2);
    });
  }
});
