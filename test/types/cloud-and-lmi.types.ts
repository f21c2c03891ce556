/**
 * Type tests, compiled by `tsc` (test/types/typecheck.test.ts): the generated types accept each
 * documented form and reject wrong fields. An unused `@ts-expect-error` fails the compile, so each
 * rejection below is checked.
 */
import { expectTypeOf } from 'vitest';
import type {
  components as Cloud,
  operations as CloudOps,
  StreamItems as CloudStreamItems,
  streams as cloudStreams,
  validators as cloudValidators,
  operationTable as cloudTable,
} from '../../src/contract/sambanova-cloud.js';
import type { components as Lmi, StreamItems as LmiStreamItems } from '../../src/contract/lmi.js';

type CloudChatRequest = Cloud['schemas']['CloudChatRequest'];

// Minimal request: fields with a default (temperature, stream, ...) stay optional.
export const minimal: CloudChatRequest = { model: 'Meta-Llama-3.3-70B-Instruct', messages: [{ role: 'user', content: 'hi' }] };

// Every message form: system, user with content parts, assistant with tool calls, tool result.
export const allForms: CloudChatRequest = {
  model: 'm',
  messages: [
    { role: 'system', content: 'be brief' },
    { role: 'user', content: [{ type: 'text', text: 'what is this?' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } }] },
    { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{}' } }] },
    { role: 'tool', content: '42', tool_call_id: 'call_1' },
  ],
  response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object' } } },
  tool_choice: { type: 'function', function: { name: 'f' } },
  reasoning_effort: 'high',
  stop: ['\n'],
  stream: true,
  stream_options: { include_usage: true },
};

// @ts-expect-error a role that does not exist
export const badRole: CloudChatRequest = { model: 'm', messages: [{ role: 'robot', content: 'x' }] };
// @ts-expect-error temperature is a number
export const badTemperature: CloudChatRequest = { model: 'm', messages: [], temperature: 'hot' };
// @ts-expect-error reasoning_effort is low | medium | high
export const badEffort: CloudChatRequest = { model: 'm', messages: [], reasoning_effort: 'max' };
// @ts-expect-error model is required
export const noModel: CloudChatRequest = { messages: [] };

// The stream map types one item of the chat stream as the chunk-or-error union.
expectTypeOf<CloudStreamItems['createChatCompletion']['text/event-stream']>().toEqualTypeOf<Cloud['schemas']['CloudChatStreamItem']>();
expectTypeOf<(typeof cloudStreams)['createChatCompletion']['text/event-stream']['framing']>().toEqualTypeOf<'sse'>();
expectTypeOf<(typeof cloudStreams)['createChatCompletion']['text/event-stream']['terminator']>().toEqualTypeOf<'[DONE]'>();

// A validator is a type guard for its operation's body.
declare const payload: unknown;
declare const validators: typeof cloudValidators;
if (validators.createChatCompletion.request['application/json'](payload)) {
  expectTypeOf(payload).toEqualTypeOf<NonNullable<CloudOps['createChatCompletion']['requestBody']>['content']['application/json']>();
}

// LMI: the jsonlines stream item covers the rolling-batch chunk, the vLLM chunk and the error line.
expectTypeOf<LmiStreamItems['createChatCompletion']['application/jsonlines']>().toEqualTypeOf<Lmi['schemas']['LmiChatStreamItem']>();
export const lmiRequest: Lmi['schemas']['LmiChatRequest'] = { messages: [{ role: 'user', content: 'What is deep learning?' }], logprobs: true, top_logprobs: 1, max_tokens: 256 };
// @ts-expect-error messages is required
export const lmiNoMessages: Lmi['schemas']['LmiChatRequest'] = { max_tokens: 1 };
// @ts-expect-error max_tokens is a number
export const lmiBadMax: Lmi['schemas']['LmiChatRequest'] = { messages: [], max_tokens: 'many' };

// The operations table keeps literal types: a client can key on an operation's method, path and media types.
expectTypeOf<(typeof cloudTable)['createChatCompletion']['method']>().toEqualTypeOf<'POST'>();
expectTypeOf<(typeof cloudTable)['retrieveModel']['path']>().toEqualTypeOf<'/models/{model_id}'>();
expectTypeOf<(typeof cloudTable)['createChatCompletion']['responses']['200']>().toEqualTypeOf<readonly ['application/json', 'text/event-stream']>();
expectTypeOf<(typeof cloudTable)['createMessage']['streams']['text/event-stream']['eventFromType']>().toEqualTypeOf<true>();
