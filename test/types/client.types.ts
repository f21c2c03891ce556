/**
 * Type tests of the clients, compiled by `tsc` (test/types/typecheck.test.ts): `stream: true`
 * resolves to a typed stream and its absence to the typed answer at the call site; calls by
 * operationId take and return the spec's types; native parameters take plain values of the
 * right type. An unused `@ts-expect-error` fails the compile.
 */
import { expectTypeOf } from 'vitest';
import type { components as Cloud } from '../../generated/sambanova-cloud/schema.js';
import type { components as Studio } from '../../generated/sambastudio/schema.js';
import type { components as Lmi } from '../../generated/lmi/schema.js';
import { LMI, SambaNovaCloud, SambaNovaCloudChat, SambaStudio, collectChat, collectGenerated, type ItemStream } from '../../src/client/index.js';

declare const cloud: SambaNovaCloud;
declare const cloudChat: SambaNovaCloudChat;
declare const studio: SambaStudio;
declare const lmi: LMI;
const messages = [{ role: 'user' as const, content: 'hi' }];

export async function overloads(flag: boolean) {
  // stream: true -> a typed stream of chunks; no stream or stream: false -> the completion.
  expectTypeOf(cloud.chat({ model: 'm', messages, stream: true })).toEqualTypeOf<Promise<ItemStream<Cloud['schemas']['CloudChatCompletionChunk']>>>();
  expectTypeOf(cloud.chat({ model: 'm', messages })).toEqualTypeOf<Promise<Cloud['schemas']['CloudChatCompletion']>>();
  expectTypeOf(cloud.chat({ model: 'm', messages, stream: false })).toEqualTypeOf<Promise<Cloud['schemas']['CloudChatCompletion']>>();
  // A boolean known only at run time: either.
  expectTypeOf(cloud.chat({ model: 'm', messages, stream: flag } as { model: string; messages: typeof messages; stream: false } | { model: string; messages: typeof messages; stream: true })).toEqualTypeOf<
    Promise<ItemStream<Cloud['schemas']['CloudChatCompletionChunk']> | Cloud['schemas']['CloudChatCompletion']>
  >();
  for await (const chunk of await cloud.chat({ model: 'm', messages, stream: true })) {
    expectTypeOf(chunk.choices).toEqualTypeOf<Cloud['schemas']['CloudChatChunkChoice'][] | null>();
  }
  // The chat-only client's chat is the full client's.
  expectTypeOf(cloudChat.chat).toEqualTypeOf(cloud.chat);
  expectTypeOf(cloudChat.chat({ model: 'm', messages, stream: true })).toEqualTypeOf<Promise<ItemStream<Cloud['schemas']['CloudChatCompletionChunk']>>>();
  expectTypeOf(cloudChat.chat({ model: 'm', messages })).toEqualTypeOf<Promise<Cloud['schemas']['CloudChatCompletion']>>();
  // @ts-expect-error the chat-only client has chat and nothing else
  await cloudChat.embeddings({ model: 'm', input: 'x' });
  // @ts-expect-error a wrong field type in the body
  await cloudChat.chat({ model: 'm', messages, max_tokens: 'many' });
  // Native streams pick the stream operation; their items are the stream objects.
  expectTypeOf(studio.nlp({ inputs: ['hi'], stream: true })).toEqualTypeOf<Promise<ItemStream<Studio['schemas']['SambaStudioStreamResponse']>>>();
  expectTypeOf(studio.nlp({ inputs: ['hi'] })).toEqualTypeOf<Promise<Studio['schemas']['SambaStudioDataResponse']>>();
  expectTypeOf(studio.chat({ model: 'm', messages })).toEqualTypeOf<Promise<Studio['schemas']['SambaStudioChatCompletion']>>();
  expectTypeOf(studio.chatBatch([{ model: 'm', messages }])).toEqualTypeOf<Promise<Studio['schemas']['SambaStudioChatCompletion'][]>>();
  expectTypeOf(lmi.chat({ messages, stream: true })).toEqualTypeOf<Promise<ItemStream<Lmi['schemas']['LmiChatStreamItem'] extends infer I ? Exclude<I, { error: unknown }> : never>>>();
  // /invocations follows the body's schema: messages -> chat, inputs -> LMI's generate schema, whole or streamed.
  expectTypeOf(lmi.invoke({ messages })).toEqualTypeOf<Promise<Lmi['schemas']['LmiChatCompletion']>>();
  expectTypeOf(lmi.invoke({ messages, stream: true })).toEqualTypeOf<Promise<ItemStream<Exclude<Lmi['schemas']['LmiChatStreamItem'], { error: unknown }>>>>();
  expectTypeOf(lmi.invoke({ inputs: 'hi' })).toEqualTypeOf<Promise<Lmi['schemas']['LmiGenerateResponse']>>();
  expectTypeOf(lmi.invoke({ inputs: 'hi', parameters: { details: true }, stream: true })).toEqualTypeOf<Promise<ItemStream<Lmi['schemas']['LmiGenerateStreamLine']>>>();
  const generated = await collectGenerated(await lmi.invoke({ inputs: 'hi', stream: true }));
  expectTypeOf(generated).toEqualTypeOf<{ generated_text: string; details?: Lmi['schemas']['LmiGenerateDetails'] }>();
  // @ts-expect-error a body of neither schema
  await lmi.invoke({ prompt: 'hi' });
  // The collect helper keeps the usage type of the stream.
  const collected = await collectChat(await cloud.chat({ model: 'm', messages, stream: true }));
  expectTypeOf(collected.usage).toEqualTypeOf<Cloud['schemas']['CloudUsage'] | undefined>();
}

export async function byOperationId() {
  expectTypeOf(cloud.request('listModels')).toEqualTypeOf<Promise<Cloud['schemas']['CloudModelList']>>();
  expectTypeOf(cloud.request('createEmbedding', { body: { model: 'm', input: 'x' } })).toEqualTypeOf<Promise<Cloud['schemas']['CloudEmbeddingList']>>();
  expectTypeOf(studio.stream('genericV2PredictStream', { body: { items: [{ value: 'hi' }] } })).toEqualTypeOf<Promise<ItemStream<Studio['schemas']['SambaStudioV2StreamResult']>>>();
  // Path parameters may come from the client's defaults, or per call.
  await studio.request('nlpPredict', { body: { inputs: ['hi'] }, params: { path: { endpoint_id: 'other' } } });
  // @ts-expect-error the body is required
  await cloud.request('createChatCompletion');
  // @ts-expect-error an operationId the spec does not have
  await cloud.request('createImage', {});
  // @ts-expect-error listModels does not stream
  await cloud.stream('listModels');
  // @ts-expect-error a wrong field type in the body
  await cloud.request('createEmbedding', { body: { model: 'm', input: 3 } });
}

export async function nativeParams() {
  await studio.nlp({ inputs: ['hi'], params: { max_tokens_to_generate: 100, do_sample: false, temperature: 0.7, stop_sequences: 'x' } });
  // The typed form is still accepted as sent.
  await studio.nlp({ inputs: ['hi'], params: { max_tokens_to_generate: { type: 'int', value: '100' } } });
  // @ts-expect-error max_tokens_to_generate is a number
  await studio.nlp({ inputs: ['hi'], params: { max_tokens_to_generate: '100' } });
  // @ts-expect-error do_sample is a boolean
  await studio.generic({ instances: ['hi'], params: { do_sample: 'no' } });
  // Generic v2 takes plain JSON values as the spec says.
  // @ts-expect-error top_k is a number
  await studio.genericV2({ items: [{ value: 'hi' }], params: { top_k: 'many' } });
}
