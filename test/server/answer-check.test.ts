/**
 * Check mode (`checkResponses`) looks at a large JSON answer a window at a time: a batch of
 * completions with logprobs is checked over several turns of the event loop (ordering, never
 * timings), to the verdict and violations of one call over the whole answer; and an answer past a
 * million members, which the server makes for a full batch with logprobs, is not reported for its size.
 */
import { describe, expect, it } from 'vitest';
import { answerViolations, wholeAnswerViolations } from '../../src/server/answer-check.js';
import { buildRoutes } from '../../src/server/routes.js';
import { sliceableArrays } from '../../src/server/sliceable-arrays.js';
import { TurnBudget } from '../../src/event-loop/turn-budget.js';
import { useServer } from '../helpers/server.js';
import { yieldsBeforeSettling } from '../helpers/turns.js';

const routes = buildRoutes();
const route = (operationId: string) => routes.find((candidate) => candidate.operationId === operationId)!;

/** A budget whose slice is used up already: work in it must wait for the next turn before going on. */
function spentBudget(): TurnBudget {
  const budget = new TurnBudget();
  while (!budget.spent());
  return budget;
}

describe('the arrays an answer is checked by', () => {
  it('are read from the spec: a batch answer itself (a oneOf of one completion or an array), items, data', () => {
    const keys = (api: 'sambastudio' | 'sambanova-cloud', path: string) => sliceableArrays(api, 'POST', path, 'application/json', { status: 200 }).map((array) => array.key);
    expect(keys('sambastudio', '/v1/{project_id}/{endpoint_id}/chat/completions')).toEqual(['choices', undefined]);
    expect(keys('sambastudio', '/api/v2/predict/generic/{project_id}/{endpoint_id}')).toEqual(['items']);
    expect(keys('sambastudio', '/api/predict/nlp/{project_id}/{endpoint_id}')).toEqual(['data']);
    expect(keys('sambanova-cloud', '/embeddings')).toEqual(['data']);
    // Generic v1 answers one of two object shapes: a window could pass by either, so it is checked whole.
    expect(keys('sambastudio', '/api/predict/generic/{project_id}/{endpoint_id}')).toEqual([]);
  });
});

describe('check mode', () => {
  const server = useServer();
  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${server.url}${path}`, { method: 'POST', headers: { key: 'sk-check', 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: response.status, body: await response.json() };
  };
  const chatBatch = (count: number) =>
    post('/v1/p/e/chat/completions', Array.from({ length: count }, (_, i) => ({ model: 'm', messages: [{ role: 'user', content: `Tell me story ${i}.` }], max_tokens: 2000, logprobs: true, top_logprobs: 20 })));

  it('checks a large batch answer over several turns, valid as one call finds it', async () => {
    const { status, body } = await chatBatch(24);
    expect(status).toBe(200);
    const chat = route('createChatCompletion');
    let found: unknown;
    expect(await yieldsBeforeSettling(async () => (found = await answerViolations(chat, 200, 'application/json', body, spentBudget())))).toBe(true);
    expect(found).toEqual([]);
    expect(wholeAnswerViolations(chat, 200, 'application/json', body)).toEqual([]);
  });

  it('reports a large batch answer broken in one element with the violations of one call', async () => {
    const { body } = await chatBatch(24);
    const chat = route('createChatCompletion');
    body[17].choices[0].logprobs.content[3].logprob = 'high';
    const found = await answerViolations(chat, 200, 'application/json', body, spentBudget());
    expect(found).toEqual(wholeAnswerViolations(chat, 200, 'application/json', body));
    expect(found).toMatchObject([{ path: '/body/17/choices/0/logprobs/content/3/logprob', rule: 'type' }]);
  });

  it('passes a native batch of 256 prompts with 20 logprobs per token, past a million members, in throw mode', async () => {
    const { status, body } = await post('/api/v2/predict/generic/p/e', { items: Array.from({ length: 256 }, (_, i) => ({ id: `a${i}`, value: `Tell me story ${i}.` })), params: { max_tokens_to_generate: 2000, top_logprobs: 20 } });
    expect(status).toBe(200);
    expect(body.items).toHaveLength(256);
  }, 120_000);
});
