/** A valid request for each operation the reference server has variants or streams for, as the proxy tests send them. */
import type { ApiName } from '../../src/contract/apis.js';
import { wav } from '../helpers/audio.js';

export interface Call {
  api: ApiName;
  operationId: string;
  method: 'GET' | 'POST';
  /** Path on the reference server (its mount included). */
  path: string;
  /** A fresh body and its headers (a multipart body cannot be sent twice); none for GET. */
  body?: () => { body: string | FormData; headers: Record<string, string> };
  /** The answer is a stream. */
  stream: boolean;
}

export const keyHeaders: Record<ApiName, Record<string, string>> = {
  sambastudio: { key: 'proxy-test-key' },
  'sambanova-cloud': { authorization: 'Bearer proxy-test-key' },
  lmi: { authorization: 'Bearer proxy-test-key' },
};

const json = (value: unknown) => () => ({ body: JSON.stringify(value), headers: { 'content-type': 'application/json' } });
const int = (value: number) => ({ type: 'int', value: String(value) });
const chat = (stream: boolean, extra: Record<string, unknown> = {}) =>
  json({ model: 'Meta-Llama-3.3-70B-Instruct', messages: [{ role: 'user', content: 'Tell me about rivers' }], max_tokens: 8, stream, ...extra });
const upload = () => {
  const form = new FormData();
  form.append('predict_file', new Blob([wav(16_000, 1)], { type: 'audio/wav' }), 'a.wav');
  return { body: form, headers: {} };
};

export const calls: Call[] = [
  { api: 'sambastudio', operationId: 'createChatCompletion', method: 'POST', path: '/v1/p/e/chat/completions', body: chat(false), stream: false },
  { api: 'sambastudio', operationId: 'createChatCompletion', method: 'POST', path: '/v1/p/e/chat/completions', body: chat(true), stream: true },
  { api: 'sambastudio', operationId: 'createChatCompletionOpenAIPath', method: 'POST', path: '/openai/v1/p/e/chat/completions', body: chat(false), stream: false },
  { api: 'sambastudio', operationId: 'createChatCompletionOpenAIPath', method: 'POST', path: '/openai/v1/p/e/chat/completions', body: chat(true), stream: true },
  { api: 'sambastudio', operationId: 'createChatCompletionExampleBaseUrl', method: 'POST', path: '/openai/v1/p/e/chat/completions/chat/completions', body: chat(false), stream: false },
  { api: 'sambastudio', operationId: 'createChatCompletionExampleBaseUrl', method: 'POST', path: '/openai/v1/p/e/chat/completions/chat/completions', body: chat(true), stream: true },
  { api: 'sambastudio', operationId: 'nlpPredict', method: 'POST', path: '/api/predict/nlp/p/e', body: json({ inputs: ['Hi'], params: { max_tokens_to_generate: int(3) } }), stream: false },
  { api: 'sambastudio', operationId: 'nlpPredictStream', method: 'POST', path: '/api/predict/nlp/stream/p/e', body: json({ inputs: ['Hi'], params: { max_tokens_to_generate: int(3) } }), stream: true },
  { api: 'sambastudio', operationId: 'genericPredict', method: 'POST', path: '/api/predict/generic/p/e', body: json({ instances: ['Hi'], params: { max_tokens_to_generate: int(3) } }), stream: false },
  { api: 'sambastudio', operationId: 'genericPredictStream', method: 'POST', path: '/api/predict/generic/stream/p/e', body: json({ instance: 'Hi', params: { max_tokens_to_generate: int(3) } }), stream: true },
  { api: 'sambastudio', operationId: 'genericV2Predict', method: 'POST', path: '/api/v2/predict/generic/p/e', body: json({ items: [{ value: 'Hi' }], params: { max_tokens_to_generate: 3 } }), stream: false },
  { api: 'sambastudio', operationId: 'genericV2PredictStream', method: 'POST', path: '/api/v2/predict/generic/stream/p/e', body: json({ items: [{ value: 'Hi' }], params: { max_tokens_to_generate: 3 } }), stream: true },
  { api: 'sambastudio', operationId: 'predictFile', method: 'POST', path: '/api/predict/file/p/e', body: upload, stream: false },
  { api: 'sambanova-cloud', operationId: 'createChatCompletion', method: 'POST', path: '/cloud/v1/chat/completions', body: chat(false), stream: false },
  { api: 'sambanova-cloud', operationId: 'createChatCompletion', method: 'POST', path: '/cloud/v1/chat/completions', body: chat(true, { stream_options: { include_usage: true } }), stream: true },
  { api: 'sambanova-cloud', operationId: 'createCompletion', method: 'POST', path: '/cloud/v1/completions', body: json({ model: 'Meta-Llama-3.3-70B-Instruct', prompt: 'Rivers', max_tokens: 8 }), stream: false },
  { api: 'sambanova-cloud', operationId: 'createCompletion', method: 'POST', path: '/cloud/v1/completions', body: json({ model: 'Meta-Llama-3.3-70B-Instruct', prompt: 'Rivers', max_tokens: 8, stream: true }), stream: true },
  { api: 'sambanova-cloud', operationId: 'createMessage', method: 'POST', path: '/cloud/v1/messages', body: json({ model: 'Meta-Llama-3.3-70B-Instruct', max_tokens: 8, messages: [{ role: 'user', content: 'Hi' }], stream: true }), stream: true },
  { api: 'sambanova-cloud', operationId: 'listModels', method: 'GET', path: '/cloud/v1/models', stream: false },
  { api: 'sambanova-cloud', operationId: 'retrieveModel', method: 'GET', path: '/cloud/v1/models/Meta-Llama-3.3-70B-Instruct', stream: false },
  { api: 'lmi', operationId: 'createChatCompletion', method: 'POST', path: '/lmi/v1/chat/completions', body: chat(false), stream: false },
  { api: 'lmi', operationId: 'createChatCompletion', method: 'POST', path: '/lmi/v1/chat/completions', body: chat(true), stream: true },
  { api: 'lmi', operationId: 'invoke', method: 'POST', path: '/lmi/invocations', body: chat(true), stream: true },
];

export function send(base: string, call: Call, headers: Record<string, string> = {}): Promise<Response> {
  const body = call.body?.();
  return fetch(`${base}${call.path}`, { method: call.method, headers: { ...keyHeaders[call.api], ...body?.headers, ...headers }, ...(body ? { body: body.body } : {}) });
}
