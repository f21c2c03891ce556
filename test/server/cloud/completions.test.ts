/**
 * `POST /completions` through the official `sambanova` and `openai` clients: required parameters
 * only, every optional parameter, JSON and stream (with and without the usage chunk); the model
 * checks (404, 400 over max_completion_tokens); the service's error forms (401, 429 with rate-limit
 * headers, 503 as text) and the in-stream error.
 * @module
 */
import { APIError as OpenAIAPIError } from 'openai';
import { APIError, AuthenticationError, BadRequestError, NotFoundError, RateLimitError } from 'sambanova';
import { describe, expect, it } from 'vitest';
import { useServer } from '../../helpers/server.js';
import { parseSse } from '../openai-chat/helpers.js';
import { chatModel, embeddingModel, key, openai, post, sambanova } from './helpers.js';

const server = useServer({ apiKey: key });

const prompt = '<|begin_of_text|><|start_header_id|>user<|end_header_id|>\nWrite about rivers.<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n';

/** Every optional parameter the sambanova client exposes for completions. */
const everyOption = {
  max_tokens: 24,
  max_completion_tokens: 20,
  temperature: 0.3,
  top_p: 0.9,
  top_k: 40,
  presence_penalty: 0.5,
  frequency_penalty: 0.2,
  do_sample: true,
  stop: ['\n\n'],
  logprobs: false,
  top_logprobs: 0,
  n: 1,
  logit_bias: { '1734': -5 },
  seed: 7,
};

describe('sambanova client: completions.create', () => {
  it('with only the required parameters answers a whole completion', async () => {
    const completion = (await sambanova(server).completions.create({ model: chatModel, prompt })) as any;
    expect(completion).toMatchObject({ object: 'chat.completion', model: chatModel, system_fingerprint: 'fastcoe' });
    const [choice] = completion.choices;
    expect(choice.index).toBe(0);
    expect(choice.text.length).toBeGreaterThan(0);
    expect(choice.finish_reason).toBe('stop');
    expect(choice.logprobs).toBeNull();
    expect(completion.usage.total_tokens).toBe(completion.usage.prompt_tokens + completion.usage.completion_tokens);
    expect(completion.usage.prompt_tokens).toBeGreaterThan(10);
  });

  it('with every optional parameter honours the budget, is deterministic, and differs with the seed', async () => {
    const client = sambanova(server);
    const a = (await client.completions.create({ model: chatModel, prompt, ...everyOption })) as any;
    const b = (await client.completions.create({ model: chatModel, prompt, ...everyOption })) as any;
    const other = (await client.completions.create({ model: chatModel, prompt, ...everyOption, seed: 8 })) as any;
    // max_completion_tokens (the newer name) wins over max_tokens.
    expect(a.usage.completion_tokens).toBeLessThanOrEqual(20);
    expect(a.choices[0].text).not.toContain('\n\n');
    expect(b.choices[0].text).toBe(a.choices[0].text);
    expect(other.choices[0].text).not.toBe(a.choices[0].text);
  });

  it('temperature 0 (or do_sample false) is greedy: the seed no longer matters', async () => {
    const client = sambanova(server);
    const one = (await client.completions.create({ model: chatModel, prompt, max_tokens: 16, do_sample: false, seed: 1 })) as any;
    const two = (await client.completions.create({ model: chatModel, prompt, max_tokens: 16, temperature: 0, seed: 2 })) as any;
    expect(one.choices[0].text).toBe(two.choices[0].text);
    expect(one.choices[0].finish_reason).toBe('length');
  });

  it('streams text chunks that add up to the whole answer, the last with the finish reason', async () => {
    const client = sambanova(server);
    const whole = (await client.completions.create({ model: chatModel, prompt, max_tokens: 12, seed: 3 })) as any;
    const stream = await client.completions.create({ model: chatModel, prompt, max_tokens: 12, seed: 3, stream: true });
    const chunks: any[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.every((c) => c.object === 'chat.completion.chunk' && c.id === chunks[0].id)).toBe(true);
    expect(chunks.map((c) => c.choices[0].text).join('')).toBe(whole.choices[0].text);
    expect(chunks.at(-1).choices[0].finish_reason).toBe('length');
    expect(chunks.slice(0, -1).every((c) => c.choices[0].finish_reason === null)).toBe(true);
    expect(chunks.some((c) => 'usage' in c)).toBe(false);
  });

  it('streams with every optional parameter and stream_options.include_usage ends with the usage chunk', async () => {
    const stream = await sambanova(server).completions.create({ model: chatModel, prompt, ...everyOption, stream: true, stream_options: { include_usage: true } });
    const chunks: any[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    const last = chunks.at(-1);
    expect(last.choices).toEqual([]);
    expect(last.usage.completion_tokens).toBe(chunks.length - 1);
    expect(last.usage.is_last_response).toBe(true);
    expect(last.usage.time_to_first_token).toBeGreaterThanOrEqual(0);
  });

  it('an unknown model is the 404 model_not_found error, a non-completion model a 400', async () => {
    const missing = await sambanova(server).completions.create({ model: 'Llama-9', prompt }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect((missing as any).error.error).toMatchObject({ code: 'model_not_found', param: 'model' });
    const wrongKind = await sambanova(server).completions.create({ model: embeddingModel, prompt }).catch((e: unknown) => e);
    expect(wrongKind).toBeInstanceOf(BadRequestError);
    expect((wrongKind as any).error.error.message).toMatch(/not a text completion model/);
  });

  it('max_tokens above the model\'s max_completion_tokens is a 400 naming the field and the limit', async () => {
    const error = await sambanova(server).completions.create({ model: chatModel, prompt, max_tokens: 4097 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    const body = (error as any).error;
    expect(body.error).toMatchObject({ type: 'invalid_request_error', param: 'max_tokens', code: 'value_above_max_value' });
    expect(body.error.message).toContain('4096');
    expect(typeof body.request_id).toBe('string');
    // At the limit is fine.
    const atLimit = await post(server, '/completions', { model: chatModel, prompt: 'x', max_completion_tokens: 4096, stop: ['.'] });
    expect(atLimit.status).toBe(200);
  });

  it('a wrong key is 401 in the Cloud error shape', async () => {
    const client = sambanova(server);
    client.apiKey = 'sk-wrong';
    const error = await client.completions.create({ model: chatModel, prompt }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as any).error.error.type).toBe('authentication_error');
  });

  it('429 carries Retry-After and the rate-limit headers; 503 is plain text', async () => {
    const limited = await sambanova(server, { 'x-sambakit-fault': 'rate-limit=3' }).completions.create({ model: chatModel, prompt }).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(RateLimitError);
    const headers = (limited as RateLimitError).headers!;
    expect(headers.get('retry-after')).toBe('3');
    expect(headers.get('x-ratelimit-limit-requests')).toBe('20');
    expect(headers.get('x-ratelimit-remaining-requests')).toBe('0');
    expect(headers.get('x-ratelimit-reset-requests-day')).toBeTruthy();
    const unavailable = await post(server, '/completions', { model: chatModel, prompt }, { 'x-sambakit-fault': 'unavailable' });
    expect(unavailable.status).toBe(503);
    expect(unavailable.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await unavailable.text()).toBe('Service Temporarily Unavailable');
  });

  it('an in-stream failure is an `error` event that the client raises', async () => {
    const stream = await sambanova(server, { 'x-sambakit-fault': 'error-event' }).completions.create({ model: chatModel, prompt, stream: true });
    const seen: unknown[] = [];
    const error = await (async () => {
      for await (const chunk of stream) seen.push(chunk);
    })().catch((e: unknown) => e);
    expect(seen).toHaveLength(2);
    expect(error).toBeInstanceOf(APIError);
  });
});

describe('openai client: completions.create', () => {
  it('JSON: the text in choices[].text', async () => {
    const completion = await openai(server).completions.create({ model: chatModel, prompt, max_tokens: 10, temperature: 0 });
    expect(completion.choices[0]!.text.length).toBeGreaterThan(0);
    expect(completion.choices[0]!.finish_reason).toBe('length');
    expect(completion.usage?.completion_tokens).toBe(10);
  });

  it('stream with usage', async () => {
    const stream = await openai(server).completions.create({ model: chatModel, prompt, max_tokens: 8, stream: true, stream_options: { include_usage: true }, seed: 5 });
    let text = '';
    let usage: any;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.text ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(usage.completion_tokens).toBe(8);
    const whole = await openai(server).completions.create({ model: chatModel, prompt, max_tokens: 8, seed: 5 });
    expect(text).toBe(whole.choices[0]!.text);
  });

  it('with every optional parameter it exposes: OpenAI-only ones are accepted and ignored', async () => {
    const completion = await openai(server).completions.create({
      model: chatModel,
      prompt,
      best_of: 1,
      echo: false,
      frequency_penalty: 0.2,
      logit_bias: { '1734': -5 },
      max_tokens: 16,
      n: 1,
      presence_penalty: 0.1,
      seed: 3,
      stop: ['\n\n'],
      suffix: '',
      temperature: 0.6,
      top_p: 0.9,
      user: 'user-42',
    });
    expect(completion.choices).toHaveLength(1);
    expect(completion.usage!.completion_tokens).toBeLessThanOrEqual(16);
  });

  it('OpenAI\'s integer logprobs is refused: the service types logprobs as a boolean', async () => {
    const error = (await openai(server).completions.create({ model: chatModel, prompt, logprobs: 2 }).catch((e: unknown) => e)) as OpenAIAPIError;
    expect(error.status).toBe(400);
    expect(error.param).toBe('logprobs');
  });

  it('unknown model: 404', async () => {
    const error = await openai(server).completions.create({ model: 'gpt-9', prompt }).catch((e: unknown) => e);
    expect((error as OpenAIAPIError).status).toBe(404);
  });
});

describe('wire details', () => {
  it('the delta-chunks variant carries the text in a chat-style delta, role first', async () => {
    const response = await post(server, '/completions', { model: chatModel, prompt, max_tokens: 4, stream: true }, { 'x-sambakit-variant': 'delta-chunks' });
    const events = parseSse(await response.text());
    expect(events.at(-1)!.data).toBe('[DONE]');
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e.data));
    expect(chunks[0].choices[0].delta).toMatchObject({ role: 'assistant' });
    expect(chunks.every((c) => typeof c.choices[0].delta.content === 'string' && !('text' in c.choices[0]))).toBe(true);
  });
});
