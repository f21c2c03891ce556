/**
 * The context limit over real HTTP: a prompt whose tokens plus the output budget pass the model's
 * context is refused in each API's own error shape and status, saying how many tokens were sent and
 * what the limit is; the SambaStudio and LMI limits come from the server's options.
 */
import { describe, expect, it } from 'vitest';
import { parseServeArgs } from '../../src/cli/commands/serve.js';
import { useServer } from '../helpers/server.js';

const headers = { authorization: 'Bearer sk-context', key: 'sk-context', 'content-type': 'application/json' };
/** Ordinary English text: a little over one token per five characters. */
const text = (chars: number) => 'The quick brown fox jumps over the lazy dog. '.repeat(Math.ceil(chars / 45)).slice(0, chars);
const cloudModel = 'Meta-Llama-3.1-8B-Instruct'; // context_length 16384 in the catalogue
const bigModel = 'Meta-Llama-3.3-70B-Instruct'; // context_length 131072

async function post(url: string, path: string, body: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
  return { status: response.status, body: await response.json() };
}

describe('context limit', () => {
  const server = useServer();

  it('Cloud chat: 400 context_length_exceeded naming the limit, the prompt tokens and max_tokens', async () => {
    const { status, body } = await post(server.url, '/cloud/v1/chat/completions', { model: cloudModel, messages: [{ role: 'user', content: text(60_000) }], max_tokens: 4000 });
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ type: 'invalid_request_error', code: 'context_length_exceeded', param: 'messages' });
    expect(body.error.message).toMatch(/maximum context length is 16384 tokens.*at least \d+ tokens in the prompt \(messages\) and 4000 to generate \(max_tokens\)/);
    expect(typeof body.request_id).toBe('string');
  });

  it('Cloud chat: the same prompt fits with a smaller budget, and its usage shows it', async () => {
    const { status, body } = await post(server.url, '/cloud/v1/chat/completions', { model: cloudModel, messages: [{ role: 'user', content: text(50_000) }], max_tokens: 10 });
    expect(status).toBe(200);
    expect(body.usage.prompt_tokens + 10).toBeLessThanOrEqual(16384);
  });

  it('a 1 MB ordinary-text prompt to a 128k-context model is refused with the context error', async () => {
    const { status, body } = await post(server.url, '/cloud/v1/chat/completions', { model: bigModel, messages: [{ role: 'user', content: text(1 << 20) }] });
    expect(status).toBe(400);
    expect(body.error.code).toBe('context_length_exceeded');
    expect(body.error.message).toMatch(/maximum context length is 131072 tokens, but the prompt \(messages\) has at least \d+ tokens/);
  });

  it('Cloud completions, Responses and Messages name their own fields', async () => {
    const long = text(100_000);
    const completion = await post(server.url, '/cloud/v1/completions', { model: cloudModel, prompt: long, max_tokens: 5 });
    expect(completion.status).toBe(400);
    expect(completion.body.error).toMatchObject({ code: 'context_length_exceeded', param: 'prompt' });
    const response = await post(server.url, '/cloud/v1/responses', { model: cloudModel, input: long, max_output_tokens: 5 });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: 'context_length_exceeded', param: 'input' });
    expect(response.body.error.message).toMatch(/5 to generate \(max_output_tokens\)/);
    const message = await post(server.url, '/cloud/v1/messages', { model: cloudModel, max_tokens: 5, messages: [{ role: 'user', content: long }] });
    expect(message.status).toBe(400);
    expect(message.body).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    expect(message.body.error.message).toMatch(/maximum context length is 16384 tokens.*5 to generate \(max_tokens\)/);
  });

  it('SambaStudio OpenAI-compatible chat: 400 in OpenAI\'s shape, against the default 2048', async () => {
    const { status, body } = await post(server.url, '/v1/p/e/chat/completions', { model: 'm', messages: [{ role: 'user', content: text(6_000) }], max_tokens: 1000 });
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ type: 'invalid_request_error', code: 'context_length_exceeded' });
    expect(body.error.message).toMatch(/maximum context length is 2048 tokens/);
  });

  it('SambaStudio native: 422 in the native shape, the prompt alone or with max_tokens_to_generate', async () => {
    const alone = await post(server.url, '/api/v2/predict/generic/p/e', { items: [{ id: 'a', value: text(20_000) }], params: {} });
    expect(alone.status).toBe(422);
    expect(alone.body.error).toMatchObject({ code: 422, violations: [{ path: '/body/items/0', rule: 'maxLength' }] });
    expect(alone.body.error.message).toMatch(/at least \d+ tokens.*context length of 2048/);
  });

  it('LMI: 424 in LMI\'s shape, against the default 32768', async () => {
    const { status, body } = await post(server.url, '/lmi/v1/chat/completions', { messages: [{ role: 'user', content: text(200_000) }], max_tokens: 10 });
    expect(status).toBe(424);
    expect(body).toMatchObject({ code: 424 });
    expect(body.error).toMatch(/maximum context length is 32768 tokens/);
  });

  it('LMI\'s own schema on /invocations: 424 naming inputs and parameters.max_new_tokens; a prompt that fits is answered', async () => {
    const refused = await post(server.url, '/lmi/invocations', { inputs: text(200_000), parameters: { max_new_tokens: 10 } });
    expect(refused.status).toBe(424);
    expect(refused.body).toMatchObject({ code: 424 });
    expect(refused.body.error).toMatch(/maximum context length is 32768 tokens/);
    expect(refused.body.error).toContain('(inputs)');
    expect(refused.body.error).toContain('parameters.max_new_tokens');
    const huge = await post(server.url, '/lmi/invocations', { inputs: 'x'.repeat(8 << 20) });
    expect(huge.status).toBe(424);
    const fits = await post(server.url, '/lmi/invocations', { inputs: text(2_000), parameters: { max_new_tokens: 5 } });
    expect(fits.status).toBe(200);
    expect(typeof fits.body.generated_text).toBe('string');
  });

  it('an 8 MB prompt is refused from its length alone, without being counted', async () => {
    const { status, body } = await post(server.url, '/api/predict/nlp/p/e', { inputs: ['x'.repeat(8 << 20)], params: {} });
    expect(status).toBe(422);
    // 8 MiB / 128 (the longest token): the bound the length gives, not a count.
    expect(body.error.message).toContain('at least 65536 tokens');
  });
});

describe('context refusals name every field the prompt was counted from', () => {
  const server = useServer();
  /** About 17,800 tokens: over the 16,384 of `cloudModel` on its own. */
  const long = text(80_000);
  const tool = (description: string) => ({ type: 'function', function: { name: 'lookup', description, parameters: { type: 'object', properties: {} } } });
  const refusal = (fields: string, budget: number, param: string) =>
    new RegExp(`^This model's maximum context length is 16384 tokens, but the request asks for at least \\d+: at least \\d+ tokens in the prompt \\(${fields.replace(/\+/g, '\\+')}\\) and ${budget} to generate \\(${param}\\)\\. Shorten the prompt or lower ${param}\\.$`);

  it('Cloud chat: tools that fill the context are named beside messages', async () => {
    const { status, body } = await post(server.url, '/cloud/v1/chat/completions', { model: cloudModel, messages: [{ role: 'user', content: 'Hi' }], tools: [tool(long)], max_tokens: 5 });
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ code: 'context_length_exceeded', param: 'messages' });
    expect(body.error.message).toMatch(refusal('messages + tools', 5, 'max_tokens'));
  });

  it('Messages: system, and system with tools, are named', async () => {
    const system = await post(server.url, '/cloud/v1/messages', { model: cloudModel, max_tokens: 5, system: long, messages: [{ role: 'user', content: 'Hi' }] });
    expect(system.status).toBe(400);
    expect(system.body.error.message).toMatch(refusal('messages + system', 5, 'max_tokens'));
    const both = await post(server.url, '/cloud/v1/messages', {
      model: cloudModel,
      max_tokens: 5,
      system: [{ type: 'text', text: text(40_000) }],
      tools: [{ name: 'lookup', description: text(40_000), input_schema: { type: 'object', properties: {} } }],
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(both.status).toBe(400);
    expect(both.body.error.message).toMatch(refusal('messages + system + tools', 5, 'max_tokens'));
  });

  it('Responses: instructions and tools are named beside input', async () => {
    const { status, body } = await post(server.url, '/cloud/v1/responses', {
      model: cloudModel,
      input: 'Hi',
      instructions: text(40_000),
      tools: [{ type: 'function', name: 'lookup', description: text(40_000), parameters: { type: 'object', properties: {} } }],
      max_output_tokens: 7,
    });
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ code: 'context_length_exceeded', param: 'input' });
    expect(body.error.message).toMatch(refusal('input + instructions + tools', 7, 'max_output_tokens'));
  });

  it('a field that is present but empty is not named: only what was counted', async () => {
    const { status, body } = await post(server.url, '/cloud/v1/messages', { model: cloudModel, max_tokens: 5, system: '', messages: [{ role: 'user', content: long }] });
    expect(status).toBe(400);
    expect(body.error.message).toMatch(refusal('messages', 5, 'max_tokens'));
  });

  it('LMI chat: 424 naming messages and tools, with the count and the limit', async () => {
    const { status, body } = await post(server.url, '/lmi/v1/chat/completions', { messages: [{ role: 'user', content: 'Hi' }], tools: [tool(text(200_000))], max_tokens: 10 });
    expect(status).toBe(424);
    expect(body.error).toMatch(/^This model's maximum context length is 32768 tokens, but the request asks for at least \d+: at least \d+ tokens in the prompt \(messages \+ tools\) and 10 to generate \(max_tokens\)/);
  });

  it('a SambaStudio chat batch names the element\'s own fields', async () => {
    const element = (content: string, tools?: unknown[]) => ({ model: 'm', messages: [{ role: 'user', content }], max_tokens: 3, ...(tools ? { tools } : {}) });
    const { status, body } = await post(server.url, '/v1/p/e/chat/completions', [element('Hi'), element('Hi', [tool(text(10_000))])]);
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ code: 'context_length_exceeded', param: '1.messages' });
    expect(body.error.message).toMatch(/maximum context length is 2048 tokens, but the request asks for at least \d+: at least \d+ tokens in the prompt \(1\.messages \+ 1\.tools\) and 3 to generate \(1\.max_tokens\)/);
  });

  it('SambaStudio native: a refusal over the budget names the prompt it counted', async () => {
    const { status, body } = await post(server.url, '/api/predict/nlp/p/e', { inputs: ['Hi', text(6_000)], params: { max_tokens_to_generate: { type: 'int', value: '1000' } } });
    expect(status).toBe(422);
    expect(body.error.message).toMatch(/^\/body\/params\/max_tokens_to_generate: 1000 tokens to generate after a prompt of at least \d+ tokens at \/body\/inputs\/1 \(at least \d+ in all\); expected prompt and generated tokens together under the context length of 2048\.$/);
  });
});

describe('context limit set by the server options', () => {
  const server = useServer({ sambastudioContextTokens: 16384, lmiContextTokens: 1024 });

  it('a prompt over the default 2048 fits a SambaStudio endpoint set to 16384', async () => {
    const native = await post(server.url, '/api/v2/predict/generic/p/e', { items: [{ id: 'a', value: text(20_000) }], params: { max_tokens_to_generate: 5 } });
    expect(native.status).toBe(200);
    const chat = await post(server.url, '/openai/v1/p/e/chat/completions', { model: 'm', messages: [{ role: 'user', content: text(20_000) }], max_tokens: 5 });
    expect(chat.status).toBe(200);
  });

  it('LMI set to 1024 refuses what the default takes', async () => {
    const { status, body } = await post(server.url, '/lmi/v1/chat/completions', { messages: [{ role: 'user', content: text(6_000) }], max_tokens: 10 });
    expect(status).toBe(424);
    expect(body.error).toMatch(/maximum context length is 1024 tokens/);
  });

  it('sambakit serve takes the flags, and the environment as defaults', () => {
    expect(parseServeArgs(['--sambastudio-context-tokens', '8192', '--lmi-context-tokens', '4096'], {})).toMatchObject({ sambastudioContextTokens: 8192, lmiContextTokens: 4096 });
    expect(parseServeArgs([], { SAMBAKIT_SAMBASTUDIO_CONTEXT_TOKENS: '4096', SAMBAKIT_LMI_CONTEXT_TOKENS: '2048' })).toMatchObject({ sambastudioContextTokens: 4096, lmiContextTokens: 2048 });
    expect(parseServeArgs([], {})).toMatchObject({ sambastudioContextTokens: undefined, lmiContextTokens: undefined });
    expect(() => parseServeArgs(['--lmi-context-tokens', '1.5'], {})).toThrow(/--lmi-context-tokens expects a whole number/);
  });
});
