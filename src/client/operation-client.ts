/**
 * What every client is underneath: operations called by their generated table entries, typed from
 * the generated types. It knows only the entries its subclass hands it, so a client over a few
 * operations (SambaNovaCloudChat) bundles those entries and not its API's whole table; and it
 * writes parameters and multipart bodies only with the request encoders it is given, so such a
 * client bundles neither when its operations take none.
 * @module
 */
import type { OperationInfo } from '../contract/index.js';
import type { ItemDecoderFactory } from '../streams/stream-items.js';
import type { StreamFramingSpec } from '../streams/types.js';
import type { ApiTypes } from './api-types.js';
import { InvalidRequestError, InvalidResponseError } from './errors.js';
import { ItemStream } from './item-stream.js';
import type { AnswerOf, BodyOf, StreamItemOf, StreamingOperationId } from './operation-types.js';
import { clientDefaults, type ClientOptions, type RequestOptions } from './options.js';
import { mediaTypeOf, readAnswer } from './read-answer.js';
import type { RequestEncoders } from './request-encoders.js';
import { Transport, type CallInput } from './transport.js';

/** What an ergonomic stream adds to a call: when a framing without terminator has ended. */
export interface StreamRules<T> {
  isFinal?: (item: T) => boolean;
}

/**
 * A method that answers with a typed stream when `stream: true` is in its body, and with the typed
 * answer otherwise; TypeScript picks the return type at the call site.
 */
export interface StreamableCall<Body, Answer, Item, StreamBody = Body> {
  (body: StreamBody & { stream: true }, options?: RequestOptions): Promise<ItemStream<Item>>;
  (body: Body & { stream?: false | null }, options?: RequestOptions): Promise<Answer>;
  (body: (Body & { stream?: false | null }) | (StreamBody & { stream: true }), options?: RequestOptions): Promise<ItemStream<Item> | Answer>;
}

/** The defaults of a client's calls when its options give none. */
export interface CallDefaults {
  baseURL: string;
  /** Path parameters (SambaStudio's project and endpoint). */
  path?: Record<string, unknown>;
}

/** The item decoders of the framings a client's operations stream in (SSE alone for Cloud chat, so a bundle of it leaves JSON lines out). */
export type ItemDecoders = { readonly [F in StreamFramingSpec['framing']]?: ItemDecoderFactory };

export class OperationClient<A extends ApiTypes> {
  readonly #transport: Transport;
  readonly #decoders: ItemDecoders;
  readonly #encoders: RequestEncoders | undefined;

  /** Without `encoders`, the client calls operations whose requests are a JSON body (or none) on a fixed path only. */
  protected constructor(options: ClientOptions, defaults: CallDefaults, decoders: ItemDecoders, encoders?: RequestEncoders) {
    this.#transport = new Transport(options, defaults.baseURL, defaults.path, encoders);
    this.#decoders = decoders;
    this.#encoders = encoders;
  }

  /** The method behind every call: sends `operation` and reads its answer whole (`answer`) or as items (`stream`). */
  protected async callOperation(operation: OperationInfo, input: CallInput, options: RequestOptions | undefined, mode: 'answer' | 'stream', rules: StreamRules<unknown> = {}): Promise<unknown> {
    const { operationId } = operation;
    const multipart = operation.request.mediaTypes[0] === 'multipart/form-data';
    if (operation.request.required && input.body === undefined) throw new InvalidRequestError('body', `${operationId} needs a request body`, { operationId });
    if (!this.#encoders && (multipart || operation.path.includes('{') || Object.keys(input.params?.query ?? {}).length > 0)) {
      const what = multipart ? 'a multipart body' : 'path or query parameters';
      throw new InvalidRequestError(multipart ? 'body' : 'params', `${operationId} takes ${what}: use its API's full client`, { operationId });
    }
    const encoders = this.#encoders;
    const body = multipart && encoders && input.body !== undefined ? await encoders.resolveUploads(input.body as Record<string, unknown>) : input.body;
    const clientOptions = this.#transport.options;
    const validate = options?.validate ?? clientOptions.validate ?? clientDefaults.validate;
    // Only a validating call carries the validator, so the readers test one field.
    const validator = validate === 'off' ? undefined : clientOptions.validator;
    if (validate !== 'off' && !validator) throw new InvalidRequestError('validator', 'validate needs a validator', { operationId });
    const check = { validate, validator, hooks: clientOptions.hooks, apiKey: clientOptions.apiKey };
    const plan = { operation, input: { params: input.params, body }, options, stallBeforeHead: mode === 'stream', ...(multipart ? { serializeBody: encoders?.toFormData } : {}) };
    return this.#transport.call(plan, async (answer) => {
      const mediaType = mediaTypeOf(answer.response);
      const framing = operation.streams[mediaType];
      const decoder = framing && this.#decoders[framing.framing];
      if (mode === 'stream' && decoder) {
        const keepItems = options?.keepItems ?? clientOptions.keepItems ?? clientDefaults.keepItems;
        return new ItemStream({ answer, framing, decoder, mediaType, ...check, keepItems, isFinal: rules.isFinal });
      }
      if (framing || mode === 'stream') {
        answer.timer.stop();
        await answer.response.body?.cancel().catch(() => {});
        const said =
          mode === 'answer'
            ? ' where a whole answer was asked for; use stream() or stream: true for streamed answers'
            : framing
              ? ", a stream this client does not read: call it through its API's full client"
              : ` where a stream (${Object.keys(operation.streams).join(', ') || 'none declared'}) was asked for`;
        throw new InvalidResponseError({
          status: answer.response.status,
          body: undefined,
          problems: [`media type ${mediaType || '(none)'}`],
          message: `${operationId} answered with ${mediaType || 'no content type'}${said}`,
          operationId,
          requestId: answer.requestId,
        });
      }
      return readAnswer(answer, check);
    });
  }

  /** An ergonomic method over one operation whose body carries `stream` (chat, completions, Responses, Messages, audio). */
  protected streamableOperation<Id extends StreamingOperationId<A>>(
    operation: OperationInfo & { readonly operationId: Id },
    rules: StreamRules<StreamItemOf<A, Id>> = {},
  ): StreamableCall<BodyOf<A, Id>, AnswerOf<A, Id>, StreamItemOf<A, Id>> {
    const run = (body: { stream?: boolean | null }, options?: RequestOptions) =>
      body?.stream === true ? this.callOperation(operation, { body }, options, 'stream', rules as StreamRules<unknown>) : this.callOperation(operation, { body }, options, 'answer');
    return run as StreamableCall<BodyOf<A, Id>, AnswerOf<A, Id>, StreamItemOf<A, Id>>;
  }
}
