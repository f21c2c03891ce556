/** Finding an operation by API and operationId, or by method and a concrete URL (reference server mounts and real hosts). */
import { describe, expect, it } from 'vitest';
import { findOperation, getOperation, UnknownOperationError } from '../../src/validate/index.js';

describe('findOperation', () => {
  it.each([
    ['POST', '/v1/abc/123/chat/completions', 'sambastudio', 'createChatCompletion', { project_id: 'abc', endpoint_id: '123' }],
    ['POST', 'https://studio.example.com/openai/v1/abc/123/chat/completions', 'sambastudio', 'createChatCompletionOpenAIPath', { project_id: 'abc', endpoint_id: '123' }],
    ['POST', '/api/predict/generic/p%20x/e', 'sambastudio', 'genericPredict', { project_id: 'p x', endpoint_id: 'e' }],
    ['POST', '/api/predict/generic/stream/p/e', 'sambastudio', 'genericPredictStream', { project_id: 'p', endpoint_id: 'e' }],
    ['POST', '/api/v2/predict/generic/stream/p/e', 'sambastudio', 'genericV2PredictStream', { project_id: 'p', endpoint_id: 'e' }],
    ['POST', '/api/predict/nlp/p/e', 'sambastudio', 'nlpPredict', { project_id: 'p', endpoint_id: 'e' }],
    ['POST', 'https://api.sambanova.ai/v1/chat/completions', 'sambanova-cloud', 'createChatCompletion', {}],
    ['POST', 'http://127.0.0.1:8080/cloud/v1/chat/completions', 'sambanova-cloud', 'createChatCompletion', {}],
    ['GET', 'https://api.sambanova.ai/v1/models/Meta-Llama-3.3-70B-Instruct', 'sambanova-cloud', 'retrieveModel', { model_id: 'Meta-Llama-3.3-70B-Instruct' }],
    ['post', '/cloud/v1/messages', 'sambanova-cloud', 'createMessage', {}],
    ['POST', '/invocations', 'lmi', 'invoke', {}],
    ['POST', '/lmi/invocations', 'lmi', 'invoke', {}],
    ['POST', '/lmi/v1/chat/completions', 'lmi', 'createChatCompletion', {}],
    ['POST', 'http://lmi.internal:8080/v1/chat/completions', 'lmi', 'createChatCompletion', {}],
  ])('%s %s -> %s %s', (method, url, api, operationId, params) => {
    const found = findOperation(method, url)!;
    expect([found.api, found.operationId]).toEqual([api, operationId]);
    expect(found.params).toEqual(params);
    expect(found.validators).toBe(getOperation(api, operationId));
  });

  it('a path two APIs share lists the other one as an alternative; `api` narrows the search', () => {
    expect(findOperation('POST', 'https://api.sambanova.ai/v1/chat/completions')!.alternatives).toEqual([{ api: 'lmi', operationId: 'createChatCompletion' }]);
    expect(findOperation('POST', '/v1/chat/completions', { api: 'sambanova-cloud' })!.api).toBe('sambanova-cloud');
  });

  it('an unknown path or a wrong method finds nothing', () => {
    expect(findOperation('POST', '/v2/nothing/here')).toBeUndefined();
    expect(findOperation('GET', '/cloud/v1/chat/completions')).toBeUndefined();
  });
});

describe('getOperation', () => {
  it('names the known APIs, or the API operations, when asked for an unknown one', () => {
    expect(() => getOperation('openai', 'createChatCompletion')).toThrow(new UnknownOperationError('unknown API "openai"; use one of: sambastudio, sambanova-cloud, lmi'));
    expect(() => getOperation('lmi', 'createEmbedding')).toThrow(/lmi has no operation "createEmbedding"; it has: createChatCompletion, invoke/);
    expect(() => getOperation('lmi', 'constructor')).toThrow(UnknownOperationError);
  });
});
