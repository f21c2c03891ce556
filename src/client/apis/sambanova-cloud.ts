/** The SambaNova Cloud client: every operation of its spec as a method. @module */
import { ApiClient } from '../api-client.js';
import type { StreamableCall } from '../operation-client.js';
// Named imports, not the namespace: a bundle then leaves out the validators this module also exports.
import { operationTable } from '../../contract/sambanova-cloud.js';
import type { SambaNovaCloudTypes } from '../api-types.js';
import type { AnswerOf, BodyOf, OperationId, StreamItemOf, StreamingOperationId } from '../operation-types.js';
import type { ClientOptions, RequestOptions } from '../options.js';
import { cloudBaseURL } from './sambanova-cloud-chat.js';

type Api = SambaNovaCloudTypes;
type Body<Id extends OperationId<Api>> = BodyOf<Api, Id>;
type Call<Id extends StreamingOperationId<Api>> = StreamableCall<Body<Id>, AnswerOf<Api, Id>, StreamItemOf<Api, Id>>;

/**
 * SambaNova Cloud (`https://api.sambanova.ai/v1` unless `baseURL` says otherwise; the reference
 * server serves it under `/cloud/v1`). Keys go as `Authorization: Bearer`.
 *
 * @example
 * const cloud = new SambaNovaCloud({ apiKey: process.env.SAMBANOVA_API_KEY });
 * const answer = await cloud.chat({ model: 'Meta-Llama-3.3-70B-Instruct', messages: [{ role: 'user', content: 'Hi' }] });
 */
export class SambaNovaCloud extends ApiClient<Api> {
  constructor(options: ClientOptions = {}) {
    super({ operationTable }, options, { baseURL: cloudBaseURL });
  }

  /** Chat completions (`POST /chat/completions`); `stream: true` gives the chunks. */
  readonly chat: Call<'createChatCompletion'> = this.streamable('createChatCompletion');
  /** Text completions (`POST /completions`). */
  readonly completions: Call<'createCompletion'> = this.streamable('createCompletion');
  /** Speech to text in the spoken language (`POST /audio/transcriptions`, multipart); `file` takes a Blob, File, bytes or a ReadableStream. */
  readonly transcriptions: Call<'createTranscription'> = this.streamable('createTranscription');
  /** Speech to English text (`POST /audio/translations`, multipart). */
  readonly translations: Call<'createTranslation'> = this.streamable('createTranslation');
  /** The Responses API (`POST /responses`); `stream: true` gives its typed events. */
  readonly responses: Call<'createResponse'> = this.streamable('createResponse');
  /** The Anthropic Messages API (`POST /messages`); `stream: true` gives its typed events. */
  readonly messages: Call<'createMessage'> = this.streamable('createMessage');

  /** Embeddings (`POST /embeddings`). */
  embeddings(body: Body<'createEmbedding'>, options?: RequestOptions): Promise<AnswerOf<Api, 'createEmbedding'>> {
    return this.request('createEmbedding', { body }, options);
  }

  /** Tokens a Messages request would use (`POST /messages/count_tokens`). */
  countTokens(body: Body<'countMessageTokens'>, options?: RequestOptions): Promise<AnswerOf<Api, 'countMessageTokens'>> {
    return this.request('countMessageTokens', { body }, options);
  }

  /** The model catalogue. */
  readonly models = {
    list: (options?: RequestOptions): Promise<AnswerOf<Api, 'listModels'>> => this.request('listModels', {}, options),
    retrieve: (modelId: string, options?: RequestOptions): Promise<AnswerOf<Api, 'retrieveModel'>> => this.request('retrieveModel', { params: { path: { model_id: modelId } } }, options),
  };
}
