/**
 * SambaNova Cloud's chat alone: the smallest client for the most common call. It holds only the
 * chat operation's table entry, writes only JSON bodies and reads only SSE, so a browser bundle of
 * it carries no other operation, no parameter or upload encoders and no JSON-lines decoder;
 * retries, timeouts, typed streams and typed errors are the same as SambaNovaCloud's.
 * @module
 */
// Named imports, not the namespace: a bundle then leaves out the rest of the table and the validators.
import { createChatCompletion_operation, servers } from '../../contract/sambanova-cloud.js';
import { sseItemDecoder } from '../../streams/stream-items.js';
import type { SambaNovaCloudTypes } from '../api-types.js';
import { OperationClient, type StreamableCall } from '../operation-client.js';
import type { AnswerOf, BodyOf, StreamItemOf } from '../operation-types.js';
import { clientDefaults, type ClientOptions } from '../options.js';

type Api = SambaNovaCloudTypes;

/** Where SambaNova Cloud is served unless `baseURL` says otherwise: the spec's server base path on the Cloud host. */
export const cloudBaseURL = `${clientDefaults.cloudHost}${servers[0].basePath}`;

/**
 * SambaNova Cloud's chat completions, as `SambaNovaCloud.chat` (same options, same answers and
 * errors) without the other operations: `new SambaNovaCloud()` when you need more than chat.
 *
 * @example
 * const cloud = new SambaNovaCloudChat({ apiKey });
 * for await (const chunk of await cloud.chat({ model: 'Meta-Llama-3.3-70B-Instruct', messages: [{ role: 'user', content: 'Hi' }], stream: true })) {
 *   console.log(chunk.choices[0]?.delta.content);
 * }
 */
export class SambaNovaCloudChat extends OperationClient<Api> {
  constructor(options: ClientOptions = {}) {
    super(options, { baseURL: cloudBaseURL }, { sse: sseItemDecoder });
  }

  /** Chat completions (`POST /chat/completions`); `stream: true` gives the chunks. */
  readonly chat: StreamableCall<BodyOf<Api, 'createChatCompletion'>, AnswerOf<Api, 'createChatCompletion'>, StreamItemOf<Api, 'createChatCompletion'>> =
    this.streamableOperation(createChatCompletion_operation);
}
