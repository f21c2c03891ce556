/** The DJL LMI client: chat completions and `/invocations`. @module */
import { ApiClient } from '../api-client.js';
import type { StreamableCall } from '../operation-client.js';
// Named imports, not the namespace: a bundle then leaves out the validators this module also exports.
import { operationTable, servers } from '../../contract/lmi.js';
import type { LmiTypes } from '../api-types.js';
import { isLmiFinal } from '../final-items.js';
import type { AnswerOf, BodyOf, StreamItemOf, StreamingOperationId } from '../operation-types.js';
import { clientDefaults, type ClientOptions } from '../options.js';

type Api = LmiTypes;
type Call<Id extends StreamingOperationId<Api>> = StreamableCall<BodyOf<Api, Id>, AnswerOf<Api, Id>, StreamItemOf<Api, Id>>;

// `/invocations` answers in the schema of its body: LMI tells the two apart by `messages`.
type InvokeChatBody = Extract<BodyOf<Api, 'invoke'>, { messages: unknown }>;
type InvokeGenerateBody = Exclude<BodyOf<Api, 'invoke'>, InvokeChatBody>;
type InvokeGenerateAnswer = Extract<AnswerOf<Api, 'invoke'>, { generated_text: unknown }>;
type InvokeGenerateItem = Extract<StreamItemOf<Api, 'invoke'>, { token: unknown }>;

/**
 * `/invocations`, typed by the body's schema: a chat body (`messages`) answers a chat completion
 * or chat chunks, an LMI-schema body (`inputs`) `generated_text` or token lines.
 */
export type LmiInvoke = StreamableCall<InvokeChatBody, Exclude<AnswerOf<Api, 'invoke'>, InvokeGenerateAnswer>, Exclude<StreamItemOf<Api, 'invoke'>, InvokeGenerateItem>> &
  StreamableCall<InvokeGenerateBody, InvokeGenerateAnswer, InvokeGenerateItem>;

/**
 * An LMI container (`http://localhost:8080` unless `baseURL` says otherwise; the reference server
 * serves it under `/lmi`). LMI checks no key; one given is sent as `Authorization: Bearer` for the
 * gateways in front of it. Streams come as JSON lines or, on newer builds, SSE: the client reads
 * whichever the container sends.
 *
 * @example
 * const lmi = new LMI({ baseURL: 'http://localhost:8080' });
 * for await (const chunk of await lmi.chat({ messages: [{ role: 'user', content: 'Hi' }], stream: true })) console.log(chunk);
 */
export class LMI extends ApiClient<Api> {
  constructor(options: ClientOptions = {}) {
    super({ operationTable }, options, { baseURL: `${clientDefaults.lmiHost}${servers[0].basePath}` });
  }

  /** Chat completions (`POST /v1/chat/completions`). */
  readonly chat: Call<'createChatCompletion'> = this.streamable('createChatCompletion', { isFinal: isLmiFinal });
  /** SageMaker's `POST /invocations`: a chat body (with `messages`) or the LMI schema (with `inputs`); the answer and the stream items follow the body's schema. */
  readonly invoke: LmiInvoke = this.streamable('invoke', { isFinal: isLmiFinal }) as LmiInvoke;
}
