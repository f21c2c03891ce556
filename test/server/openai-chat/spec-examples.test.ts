/**
 * Every request example the spec gives for the chat operations, sent as is: each is answered 200 in
 * the media type its `stream` flag calls for, and everything sent back (checked by the server in
 * throw mode) validates against the spec.
 */
import { describe, expect, it } from 'vitest';
import { useServer } from '../../helpers/server.js';
import { deref, examplesOf, operations, type ApiName } from '../../helpers/spec.js';
import { key, post } from './helpers.js';

const server = useServer({ apiKey: key });

const chatOperations: Array<[ApiName, string, string]> = [
  ['sambastudio', 'createChatCompletion', '/v1/proj-1/ep-1/chat/completions'],
  ['sambastudio', 'createChatCompletionOpenAIPath', '/openai/v1/proj-1/ep-1/chat/completions'],
  ['sambanova-cloud', 'createChatCompletion', '/cloud/v1/chat/completions'],
  ['lmi', 'createChatCompletion', '/lmi/v1/chat/completions'],
  ['lmi', 'invoke', '/lmi/invocations'],
];

for (const [api, operationId, path] of chatOperations) {
  const operation = operations(api).find((op) => op.operationId === operationId)!;
  const media = deref(api, operation.operation.requestBody).content['application/json'];
  const examples = examplesOf(api, media);

  describe(`${api} ${operationId}: spec request examples`, () => {
    it('has examples', () => expect(examples.length).toBeGreaterThan(0));
    for (const [name, example] of examples) {
      it(`"${name}" is answered 200 and valid`, async () => {
        const streamed = !Array.isArray(example) && (example as { stream?: unknown }).stream === true;
        const response = await post(server, path, example);
        const text = await response.text();
        expect(response.status, text).toBe(200);
        const type = response.headers.get('content-type') ?? '';
        if (!streamed) {
          expect(type).toMatch(/^application\/json/);
          const body = JSON.parse(text);
          if (Array.isArray(example)) expect(body).toHaveLength(example.length);
        } else if (api === 'lmi') {
          expect(type).toBe('application/jsonlines');
        } else {
          expect(type).toMatch(/^text\/event-stream/);
          expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
        }
      });
    }
  });
}
