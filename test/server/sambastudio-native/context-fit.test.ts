/**
 * Native predict and stream on the shared generation, seen on the wire at the edge of the context:
 * an endpoint set to a 64-token context answers a prompt that leaves exactly one token under it
 * (the vendor's "must be under" bound), cuts an answer without a budget where the context ends,
 * and refuses one token more with the native 422 naming the field, the count and the limit. The
 * same for NLP, Generic v1 and Generic v2, predict and stream; the SambaStudio OpenAI-compatible
 * chat of the same endpoint, on the same check, may fill the context to its last token.
 */
import { describe, expect, it } from 'vitest';
import { call, jsonlFraming, postJson, sseFraming, streamItems, typed, values } from './helpers.js';
import { nativeServer } from './helpers.js';

const contextTokens = 64;
/** `hello` and then ` hello` again and again: one cl100k token each. */
const prompt = (tokens: number) => `hello${' hello'.repeat(tokens - 1)}`;

type Family = {
  name: string;
  predict: { path: string; body: (text: string, budget?: number) => unknown; answer: (body: any) => any };
  stream: { path: string; body: (text: string, budget?: number) => unknown; framing: typeof sseFraming | typeof jsonlFraming; object: (value: any) => any };
  /** The field the prompt sits in, as the 422 names it. */
  field: string;
};

const typedBudget = (budget?: number) => (budget === undefined ? {} : { max_tokens_to_generate: typed.int(budget) });
const plainBudget = (budget?: number) => (budget === undefined ? {} : { max_tokens_to_generate: budget });

const families: Family[] = [
  {
    name: 'NLP',
    predict: { path: '/api/predict/nlp/p/e', body: (text, budget) => ({ inputs: [text], params: typedBudget(budget) }), answer: (body) => body.data[0] },
    stream: { path: '/api/predict/nlp/stream/p/e', body: (text, budget) => ({ inputs: [text], params: typedBudget(budget) }), framing: sseFraming, object: (value) => value },
    field: 'inputs/0',
  },
  {
    name: 'Generic v1',
    predict: { path: '/api/predict/generic/p/e', body: (text, budget) => ({ instances: [text], params: typedBudget(budget) }), answer: (body) => body.predictions[0] },
    stream: { path: '/api/predict/generic/stream/p/e', body: (text, budget) => ({ instance: text, params: typedBudget(budget) }), framing: jsonlFraming, object: (value) => value.result.responses[0] },
    field: 'instances/0',
  },
  {
    name: 'Generic v2',
    predict: { path: '/api/v2/predict/generic/p/e', body: (text, budget) => ({ items: [{ id: 'a', value: text }], params: plainBudget(budget) }), answer: (body) => body.items[0].value },
    stream: { path: '/api/v2/predict/generic/stream/p/e', body: (text, budget) => ({ items: [{ id: 'a', value: text }], params: plainBudget(budget) }), framing: jsonlFraming, object: (value) => value.result.items[0].value },
    field: 'items/0',
  },
];

describe.each(families)('$name on an endpoint with a 64-token context', ({ predict, stream, field }) => {
  const server = nativeServer({ sambastudioContextTokens: contextTokens });

  it('predict: a prompt leaving one token under the context is answered with that one token; one more is a 422', async () => {
    const fits = predict.answer(await call(server(), predict.path, predict.body(prompt(contextTokens - 2))));
    expect(fits.prompt_tokens_count).toBe(contextTokens - 2);
    // No budget: the answer ends where the context does, one token under it.
    expect(fits.completion_tokens_count).toBe(1);
    expect(fits.stop_reason).toBe('max_len_reached');

    const refused = await call(server(), predict.path, predict.body(prompt(contextTokens - 1)), {}, 422);
    expect(refused.error).toMatchObject({ code: 422, details: `field ${field.replace('/', '.')}`, violations: [{ path: `/body/${field}`, rule: 'maxLength' }] });
    expect(refused.error.message).toBe(
      `/body/${field}: a prompt of at least 63 tokens; expected a prompt of at most 62 tokens, so that one token can still be generated under the context length of 64.`,
    );
  });

  it('predict: without a budget the answer stops where the context ends', async () => {
    const answer = predict.answer(await call(server(), predict.path, predict.body(prompt(40))));
    expect(answer.prompt_tokens_count).toBe(40);
    expect(answer.completion_tokens_count).toBe(contextTokens - 1 - 40);
  });

  it('predict: with a budget, prompt and budget must stay under the context; the refusal names the budget and the prompt at fault', async () => {
    const fits = predict.answer(await call(server(), predict.path, predict.body(prompt(40), 23)));
    expect(fits.completion_tokens_count).toBe(23);
    const refused = await call(server(), predict.path, predict.body(prompt(40), 24), {}, 422);
    expect(refused.error).toMatchObject({ details: 'field params.max_tokens_to_generate', violations: [{ path: '/body/params/max_tokens_to_generate', rule: 'maximum' }] });
    expect(refused.error.message).toBe(
      `/body/params/max_tokens_to_generate: 24 tokens to generate after a prompt of at least 40 tokens at /body/${field} (at least 64 in all); expected prompt and generated tokens together under the context length of 64.`,
    );
  });

  it('stream: the same edge, and the streamed text is the predicted one', async () => {
    const text = prompt(40);
    const predicted = predict.answer(await call(server(), predict.path, predict.body(text)));
    const objects = values<any>(await streamItems(await postJson(server(), stream.path, stream.body(text)), stream.framing)).map(stream.object);
    const last = objects.at(-1);
    expect(last.is_last_response).toBe(true);
    expect(last.completion_tokens_count).toBe(contextTokens - 1 - 40);
    expect(last.completion).toBe(predicted.completion);
    expect(objects.slice(0, -1).map((object) => object.stream_token).join('')).toBe(predicted.completion);

    const refused = await call(server(), stream.path, stream.body(prompt(40), 24), {}, 422);
    expect(refused.error.message).toContain('24 tokens to generate after a prompt of at least 40 tokens');
    expect(refused.error.message).toContain('under the context length of 64');
  });
});

describe('the OpenAI-compatible chat of the same endpoint', () => {
  const server = nativeServer({ sambastudioContextTokens: contextTokens });

  it('may fill the context to its last token: prompt plus max_tokens equal to the context is answered, one more refused', async () => {
    const path = '/v1/p/e/chat/completions';
    const messages = [{ role: 'user', content: prompt(40) }];
    const probe = await call(server(), path, { model: 'm', messages, max_tokens: 1 });
    const promptTokens: number = probe.usage.input_tokens_count;
    const fits = await call(server(), path, { model: 'm', messages, max_tokens: contextTokens - promptTokens });
    expect(fits.usage.output_tokens_count).toBe(contextTokens - promptTokens);
    const refused = await call(server(), path, { model: 'm', messages, max_tokens: contextTokens - promptTokens + 1 }, {}, 400);
    expect(refused.error).toMatchObject({ code: 'context_length_exceeded', param: 'messages' });
    expect(refused.error.message).toBe(
      `This model's maximum context length is 64 tokens, but the request asks for at least 65: at least ${promptTokens} tokens in the prompt (messages) and ${contextTokens - promptTokens + 1} to generate (max_tokens). Shorten the prompt or lower max_tokens.`,
    );
  });
});
