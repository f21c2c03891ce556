/**
 * The fuzzer's valid bases are bodies the reference server answers: each body below is one the
 * schema admits and the server refuses for a reason outside it (as the services do); once mended by
 * `answerableBody` the real server answers it 2xx. A base the server refused made every mutation of it
 * fail for the base's fault.
 */
import { describe, expect, it } from 'vitest';
import type { ApiName } from '../../src/contract/apis.js';
import { answerableBody } from '../../scripts/fuzz/answerable.js';
import { CaseRandom } from '../../scripts/fuzz/random.js';
import { fuzzOperations, serverPath } from '../../scripts/fuzz/spec-operations.js';
import { useServer } from '../helpers/server.js';

const server = useServer({ apiKey: 'fuzz-key' });

function operation(api: ApiName, operationId: string) {
  const found = fuzzOperations(api).find((o) => o.operationId === operationId);
  if (!found) throw new Error(`${api} has no ${operationId}`);
  return found;
}

async function post(api: ApiName, operationId: string, body: unknown): Promise<{ status: number; text: string }> {
  const op = operation(api, operationId);
  const response = await fetch(`${server.url}${serverPath(op)}`, { method: 'POST', headers: { ...op.auth, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, text: await response.text() };
}

/** The body refused as it is (with `refusal` in the answer), then answered once mended. */
async function expectMended(api: ApiName, operationId: string, body: Record<string, unknown>, refusal: string | RegExp) {
  const raw = await post(api, operationId, body);
  expect(raw.status, raw.text).toBeGreaterThanOrEqual(400);
  expect(raw.text).toMatch(refusal);
  const mended = answerableBody(operation(api, operationId), structuredClone(body), new CaseRandom(1, 'answerable'));
  const answered = await post(api, operationId, mended);
  expect(answered.status, answered.text).toBe(200);
  return mended as Record<string, any>;
}

const question = [{ role: 'user', content: 'Why is the sky blue?' }];

describe('answerable bases', () => {
  it('a named tool_choice names a declared tool, or goes when none is declared (OpenAI chat, Responses, Messages; Cloud and LMI)', async () => {
    const undeclared = await expectMended('sambanova-cloud', 'createChatCompletion', { model: 'Meta-Llama-3.3-70B-Instruct', messages: question, max_tokens: 8, tool_choice: { type: 'function', function: { name: 'nope' } } }, /tool_choice names \\?"nope/);
    expect(undeclared.tool_choice).toBeUndefined();
    const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }];
    const chat = await expectMended('lmi', 'createChatCompletion', { messages: question, max_tokens: 8, tools, tool_choice: { type: 'function', function: { name: 'nope' } } }, /tool_choice names \\?"nope/);
    expect(chat.tool_choice.function.name).toBe('get_weather');
    const responses = await expectMended('sambanova-cloud', 'createResponse', { model: 'gpt-oss-120b', input: 'Weather?', tools: [{ type: 'function', name: 'get_weather', parameters: { type: 'object' } }], tool_choice: { type: 'function', name: 'nope' } }, /tool_choice names \\?"nope/);
    expect(responses.tool_choice.name).toBe('get_weather');
    const messages = await expectMended('sambanova-cloud', 'createMessage', { model: 'gpt-oss-120b', max_tokens: 64, messages: question, tools: [{ name: 'get_weather', input_schema: { type: 'object' } }], tool_choice: { type: 'tool', name: 'nope' } }, /tool_choice names \\?"nope/);
    expect(messages.tool_choice.name).toBe('get_weather');
  });

  it('Messages: thinking disabled, an image URL source as a real base64 image, a document block as text', async () => {
    const base = { model: 'gpt-oss-120b', max_tokens: 64 };
    await expectMended('sambanova-cloud', 'createMessage', { ...base, messages: question, thinking: { type: 'enabled', budget_tokens: 1024 } }, /thinking of type `enabled` is not supported/);
    const image = await expectMended('sambanova-cloud', 'createMessage', { ...base, messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'url', url: 'https://example.com/a.png' } }, { type: 'text', text: 'What is this?' }] }] }, /Image URL sources are not supported/);
    expect(image.messages[0].content[0].source).toMatchObject({ type: 'base64', media_type: 'image/png' });
    await expectMended('sambanova-cloud', 'countMessageTokens', { model: 'gpt-oss-120b', messages: [{ role: 'user', content: [{ type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'A report.' } }] }] }, /`document` blocks are not supported/);
  });

  it('SambaStudio native: the vendor\'s multimodal example gets a real image, and a budget of 2047 tokens leaves the prompt room', async () => {
    const withImage = operation('sambastudio', 'genericPredict').examples.find((e) => JSON.stringify(e).includes('image_content')) as Record<string, unknown>;
    await expectMended('sambastudio', 'genericPredict', withImage, /image_content/);
    const fullBudget = operation('sambastudio', 'nlpPredict').examples.find((e) => JSON.stringify(e).includes('"2047"')) as Record<string, unknown>;
    const mended = await expectMended('sambastudio', 'nlpPredict', fullBudget, /context length of 2048/);
    expect(Number(mended.params.max_tokens_to_generate.value)).toBeLessThan(2047);
  });
});
