/** The SambaStudio client: the OpenAI-compatible chat API and the native NLP, Generic v1/v2, multimodal and file APIs. @module */
import { ApiClient } from '../api-client.js';
import type { StreamableCall } from '../operation-client.js';
// Named imports, not the namespace: a bundle then leaves out the validators this module also exports.
import { operationTable, servers, typedParams } from '../../contract/sambastudio.js';
import type { SambaStudioTypes } from '../api-types.js';
import { InvalidRequestError } from '../errors.js';
import { isNativeFinal } from '../final-items.js';
import { encodeNativeParams, type PlainNativeParams } from '../native-params.js';
import type { AnswerOf, BodyOf, OperationId, StreamItemOf, StreamingOperationId } from '../operation-types.js';
import type { ClientOptions, RequestOptions } from '../options.js';
import { imageBase64, type UploadSource } from '../uploads.js';
import type { CallInput } from '../transport.js';

type Api = SambaStudioTypes;
type Body<Id extends OperationId<Api>> = BodyOf<Api, Id>;
type Item<Id extends StreamingOperationId<Api>> = StreamItemOf<Api, Id>;
/** A native body whose typed `params` may be given as plain values (`{ max_tokens_to_generate: 100 }`). */
type WithPlainParams<B> = B extends { params?: infer P } ? Omit<B, 'params'> & { params?: PlainNativeParams<NonNullable<P>> } : B;

type ChatRequest = Exclude<Body<'createChatCompletion'>, readonly unknown[]>;
type ChatCompletion = Exclude<AnswerOf<Api, 'createChatCompletion'>, readonly unknown[]>;
type TypedParams = NonNullable<Body<'nlpPredict'>['params']>;

export interface SambaStudioOptions extends ClientOptions {
  /** The installation's URL (`https://<host>`): every SambaStudio path is absolute from there. */
  baseURL: string;
  /** Default project id of the calls (`project_id` in the paths). */
  project?: string;
  /** Default endpoint id of the calls (`endpoint_id` in the paths). */
  endpoint?: string;
  /** Send chat to `/openai/v1/{project}/{endpoint}/chat/completions` instead of `/v1/...` (both are served). */
  openaiPath?: boolean;
}

/** A multimodal (LLaVA) prompt: the image from bytes, a Blob or File, a data URL or base64 text. */
export interface MultimodalRequest {
  prompt: string;
  image: UploadSource | string;
  params?: PlainNativeParams<TypedParams>;
}

/**
 * One SambaStudio installation. The endpoint key goes as each API wants it: `Authorization: Bearer`
 * for chat, the `key` header for the native APIs.
 *
 * @example
 * const studio = new SambaStudio({ baseURL: 'https://sambastudio.example.com', apiKey, project: 'p', endpoint: 'e' });
 * const out = await studio.nlp({ inputs: ['Hi'], params: { max_tokens_to_generate: 100, do_sample: false } });
 */
export class SambaStudio extends ApiClient<Api> {
  readonly #chatOperation: 'createChatCompletion' | 'createChatCompletionOpenAIPath';

  constructor(options: SambaStudioOptions) {
    if (!options?.baseURL) throw new InvalidRequestError('baseURL', 'SambaStudio needs baseURL: the URL of your installation (https://<host>)');
    super({ operationTable }, options, { baseURL: `${options.baseURL.replace(/\/+$/, '')}${servers[0].basePath}`, path: { project_id: options.project, endpoint_id: options.endpoint } });
    this.#chatOperation = options.openaiPath ? 'createChatCompletionOpenAIPath' : 'createChatCompletion';
    // A batch body is an array, which cannot stream: `chat` takes one request, `chatBatch` several.
    this.chat = this.streamable(this.#chatOperation) as unknown as SambaStudio['chat'];
  }

  /** OpenAI-compatible chat completions; `stream: true` gives the chunks. */
  readonly chat: StreamableCall<ChatRequest, ChatCompletion, Item<'createChatCompletion'>>;

  /** Several chat requests answered together in one call (a batch cannot stream); the answers in the same order. */
  chatBatch(requests: ChatRequest[], options?: RequestOptions): Promise<ChatCompletion[]> {
    return this.call(this.#chatOperation, { body: requests }, options, 'answer') as Promise<ChatCompletion[]>;
  }

  /** The NLP API (`/api/predict/nlp/...`, `stream: true` for `/api/predict/nlp/stream/...`). */
  readonly nlp: StreamableCall<WithPlainParams<Body<'nlpPredict'>>, AnswerOf<Api, 'nlpPredict'>, Item<'nlpPredictStream'>> = this.streamablePair<
    WithPlainParams<Body<'nlpPredict'>>,
    AnswerOf<Api, 'nlpPredict'>,
    Item<'nlpPredictStream'>
  >(
    'nlpPredict',
    'nlpPredictStream',
    (body) => nativeInput(body, 'nlpPredict'),
    { isFinal: isNativeFinal },
  );

  /** The Generic v1 API (`instances` to predict, `instance` to stream). */
  readonly generic: StreamableCall<
    WithPlainParams<Body<'genericPredict'>>,
    AnswerOf<Api, 'genericPredict'>,
    Item<'genericPredictStream'>,
    WithPlainParams<Body<'genericPredictStream'>>
  > = this.streamablePair<WithPlainParams<Body<'genericPredict'>>, AnswerOf<Api, 'genericPredict'>, Item<'genericPredictStream'>, WithPlainParams<Body<'genericPredictStream'>>>(
    'genericPredict',
    'genericPredictStream',
    (body) => nativeInput(body, 'genericPredict'),
    { isFinal: isNativeFinal },
  );

  /** The Generic v2 API (`items` and plain `params`). */
  readonly genericV2: StreamableCall<Body<'genericV2Predict'>, AnswerOf<Api, 'genericV2Predict'>, Item<'genericV2PredictStream'>> = this.streamablePair<
    Body<'genericV2Predict'>,
    AnswerOf<Api, 'genericV2Predict'>,
    Item<'genericV2PredictStream'>
  >(
    'genericV2Predict',
    'genericV2PredictStream',
    (body) => ({ body }),
    { isFinal: isNativeFinal },
  );

  /** A multimodal (LLaVA) endpoint through Generic v1: one prompt with one image. */
  async multimodal(request: MultimodalRequest, options?: RequestOptions): Promise<AnswerOf<Api, 'genericPredict'>> {
    const image_content = await imageBase64(request.image, 'image');
    const body = { instances: [{ prompt: request.prompt, image_content }], params: encodeNativeParams(request.params, 'genericPredict', typedParams) };
    return this.request('genericPredict', { body }, options);
  }

  /** Speech recognition (`/api/predict/file/...`): the audio (WAV or FLAC, 16 kHz) as a multipart upload. */
  transcribe(file: UploadSource, options?: RequestOptions): Promise<AnswerOf<Api, 'predictFile'>> {
    return this.request('predictFile', { body: { predict_file: file } }, options);
  }
}

function nativeInput(body: { params?: Record<string, unknown> }, operationId: string): CallInput {
  return { body: body.params === undefined ? body : { ...body, params: encodeNativeParams(body.params, operationId, typedParams) } };
}
