/**
 * The model check every Cloud generation operation makes (`checkCloudModel`): catalogue membership
 * (404 `model_not_found`), the operation the model serves (400), and the output budget against the
 * model's `max_completion_tokens` (400 with a `maximum` violation). The last block drives Cloud chat
 * completions through the `sambanova` and `openai` clients: it passes once the chat handler calls the
 * check (see the report of the Cloud-surface work: `src/server/operations/cloud/index.ts` exports it).
 * @module
 */
import { APIError } from 'openai';
import { BadRequestError, NotFoundError } from 'sambanova';
import { describe, expect, it } from 'vitest';
import { checkCloudModel } from '../../../src/server/operations/cloud/index.js';
import { useServer } from '../../helpers/server.js';
import { chatModel, embeddingModel, key, openai, reasoningModel, sambanova } from './helpers.js';

describe('checkCloudModel', () => {
  it('passes a catalogue model for an operation it serves, at or under its limit', () => {
    const check = checkCloudModel({ model: chatModel, use: 'chat', maxTokens: { value: 4096, param: 'max_tokens' } });
    expect(check.ok && check.model.card.id).toBe(chatModel);
    expect(checkCloudModel({ model: reasoningModel, use: 'messages', maxTokens: { value: undefined, param: 'max_tokens' } }).ok).toBe(true);
  });

  it('an unknown model is model_not_found (404) on the field that named it', () => {
    const check = checkCloudModel({ model: 'Llama-9', use: 'chat' });
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.problem).toMatchObject({ kind: 'model_not_found', param: 'model', message: expect.stringContaining('Llama-9') });
    const byPath = checkCloudModel({ model: 42, use: 'chat', modelParam: 'model_id' });
    if (!byPath.ok) expect(byPath.problem.param).toBe('model_id');
  });

  it('an unknown model name of megabytes is quoted by its first 200 characters and its length, not echoed whole', () => {
    const name = `${'🎉'.repeat(99)}x${'y'.repeat(2_000_000)}`;
    const check = checkCloudModel({ model: name, use: 'chat' });
    if (check.ok) throw new Error('expected a refusal');
    expect(check.problem).toMatchObject({ kind: 'model_not_found', param: 'model' });
    expect(check.problem.message).toContain(`Model \`${'🎉'.repeat(99)}xy… (${name.length} characters)\` does not exist`);
    expect(check.problem.message.length).toBeLessThan(400);
    // A cut that would split an emoji stops before it.
    const split = checkCloudModel({ model: `${'a'.repeat(199)}${'🎉'.repeat(10)}`, use: 'chat' });
    if (!split.ok) expect(split.problem.message).toContain(`${'a'.repeat(199)}… (219 characters)`);
  });

  it('a model that does not serve the operation is a 400 listing the ones that do', () => {
    const check = checkCloudModel({ model: embeddingModel, use: 'chat' });
    if (check.ok) throw new Error('expected a refusal');
    expect(check.problem.kind).toBe('invalid_request');
    expect(check.problem.message).toMatch(/not a chat model; use one of: .*gpt-oss-120b/);
  });

  it('a budget over max_completion_tokens is a 400 with the broken rule', () => {
    const check = checkCloudModel({ model: chatModel, use: 'completions', maxTokens: { value: 4097, param: 'max_completion_tokens' } });
    if (check.ok) throw new Error('expected a refusal');
    expect(check.problem).toMatchObject({ kind: 'invalid_request', param: 'max_completion_tokens' });
    expect(check.problem.violations).toEqual([{ path: '/body/max_completion_tokens', rule: 'maximum', expected: expect.stringContaining('4096'), received: 4097, message: expect.stringMatching(/^\/body\/max_completion_tokens: expected .*4096.*, received 4097 \(maximum\)$/) }]);
  });
});

describe('Cloud chat completions make the same checks', () => {
  const server = useServer({ apiKey: key });
  const messages = [{ role: 'user' as const, content: 'Hello' }];

  it('sambanova client: unknown model 404 model_not_found, max_tokens over the limit 400', async () => {
    const missing = await sambanova(server).chat.completions.create({ model: 'Llama-9', messages }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect((missing as any).error.error.code).toBe('model_not_found');
    const over = await sambanova(server).chat.completions.create({ model: chatModel, messages, max_tokens: 4097 }).catch((e: unknown) => e);
    expect(over).toBeInstanceOf(BadRequestError);
    expect((over as any).error.error.param).toBe('max_tokens');
  });

  it('openai client: the same, with max_completion_tokens', async () => {
    const missing = (await openai(server).chat.completions.create({ model: 'gpt-9', messages }).catch((e: unknown) => e)) as APIError;
    expect(missing.status).toBe(404);
    const over = (await openai(server).chat.completions.create({ model: chatModel, messages, max_completion_tokens: 5000 }).catch((e: unknown) => e)) as APIError;
    expect(over.status).toBe(400);
    expect(over.param).toBe('max_completion_tokens');
    const fine = await openai(server).chat.completions.create({ model: chatModel, messages, max_completion_tokens: 8 });
    expect(fine.choices[0]!.finish_reason).toBe('length');
  });
});
