/** Type tests for the SambaStudio document (see cloud-and-lmi.types.ts for how they are checked). */
import { expectTypeOf } from 'vitest';
import type { components, operations, StreamItems, streams } from '../../src/contract/sambastudio.js';

type S = components['schemas'];

// The OpenAI-compatible chat body is one request or a batch (an array of requests).
export const single: S['SambaStudioChatRequestBody'] = { model: 'Meta-Llama-3.1-8B-Instruct', messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: { include_usage: true } };
export const batch: S['SambaStudioChatRequestBody'] = [
  { model: 'Meta-Llama-3-8B-Instruct', messages: [{ role: 'user', content: 'What is the capital of France?' }], process_prompt: true, max_tokens: 50 },
];
// @ts-expect-error SambaStudio chat has no tool role
export const toolRole: S['SambaStudioChatRequest'] = { model: 'm', messages: [{ role: 'tool', content: 'x' }] };

// Typed params: each known parameter has its own `type` literal and a string value.
export const params: S['SambaStudioTypedParams'] = {
  max_tokens_to_generate: { type: 'int', value: '100' },
  do_sample: { type: 'bool', value: 'false' },
  temperature: { type: 'float', value: '0.7' },
  top_k: { type: 'int', value: '50' },
};
// @ts-expect-error temperature is a float param
export const wrongParamType: S['SambaStudioTypedParams'] = { temperature: { type: 'int', value: '1' } };
// @ts-expect-error values are strings, as the service reads them
export const numericValue: S['SambaStudioTypedParams'] = { max_tokens_to_generate: { type: 'int', value: 100 } };

// Generic v1 predict accepts the three documented bodies.
export const instances: S['SambaStudioGenericPredictRequest'] = { instances: ['Whats the capital of Austria?'] };
export const inputs: S['SambaStudioGenericPredictRequest'] = { inputs: ['Whats the capital of Austria?'], params };
export const multimodal: S['SambaStudioGenericPredictRequest'] = { instances: [{ prompt: 'USER: What is shown? ASSISTANT:', image_content: 'iVBORw0KGgo=' }] };
// @ts-expect-error a multimodal instance needs its image
export const noImage: S['SambaStudioMultimodalInstance'] = { prompt: 'x' };

// Streams: the stream map knows each native stream's framing and item type.
expectTypeOf<(typeof streams)['genericPredictStream']['application/jsonl']['framing']>().toEqualTypeOf<'jsonl'>();
expectTypeOf<(typeof streams)['createChatCompletion']['text/event-stream']['terminator']>().toEqualTypeOf<'[DONE]'>();
expectTypeOf<StreamItems['genericPredictStream']['application/jsonl']>().toEqualTypeOf<S['SambaStudioGenericStreamItem']>();
expectTypeOf<StreamItems['nlpPredictStream']['text/event-stream']>().toEqualTypeOf<S['SambaStudioNlpStreamItem']>();

// The ASR upload is a multipart body with the audio file.
expectTypeOf<NonNullable<operations['predictFile']['requestBody']>['content']['multipart/form-data']>().toEqualTypeOf<S['SambaStudioFileRequest']>();
