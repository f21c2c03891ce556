/**
 * What every API client is: calls by operationId, typed from the generated types and sent as the
 * generated operation table says. The ergonomic methods of each API are built on `request` and
 * `stream`; an operation added to the spec is callable through them after `npm run generate`.
 * @module
 */
import type { OperationInfo } from '../contract/index.js';
import type { ApiTypes } from './api-types.js';
import { InvalidRequestError, InvalidResponseError } from './errors.js';
import { ItemStream } from './item-stream.js';
import type { AnswerOf, BodyOf, CallArgs, CallInputOf, OperationId, StreamItemOf, StreamingOperationId } from './operation-types.js';
import { clientDefaults, type ClientOptions, type RequestOptions } from './options.js';
import { mediaTypeOf, readAnswer } from './read-answer.js';
import { Transport, type CallInput } from './transport.js';
import { resolveUploads, toFormData } from './uploads.js';

/** What an ergonomic stream adds to a call by operationId: when a framing without terminator has ended. */
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

export class ApiClient<A extends ApiTypes> {
  readonly #transport: Transport;
  readonly #operations: { readonly [operationId: string]: OperationInfo };

  /** `contract` is the API's operations table from src/contract; `baseURL` the default when the options give none. */
  protected constructor(contract: { operationTable: { readonly [operationId: string]: OperationInfo } }, options: ClientOptions, defaults: { baseURL: string; path?: Record<string, unknown> }) {
    this.#transport = new Transport(options, defaults.baseURL, defaults.path);
    this.#operations = contract.operationTable;
  }

  /**
   * Calls an operation by its operationId and returns its success answer, parsed (JSON) or as text.
   *
   * @example
   * const models = await cloud.request('listModels');
   */
  request<Id extends OperationId<A>>(operationId: Id, ...[input, options]: CallArgs<CallInputOf<A, Id>, RequestOptions>): Promise<AnswerOf<A, Id>> {
    return this.call(operationId, (input ?? {}) as CallInput, options, 'answer') as Promise<AnswerOf<A, Id>>;
  }

  /**
   * Calls an operation that streams and returns its items as a typed async iterable (put
   * `stream: true` in the body where the operation's body has that switch).
   */
  stream<Id extends StreamingOperationId<A>>(operationId: Id, ...[input, options]: CallArgs<CallInputOf<A, Id>, RequestOptions>): Promise<ItemStream<StreamItemOf<A, Id>>> {
    return this.call(operationId, (input ?? {}) as CallInput, options, 'stream') as Promise<ItemStream<StreamItemOf<A, Id>>>;
  }

  /** The operation table entry, or a clear error for an operationId the spec does not have. */
  protected operation(operationId: string): OperationInfo {
    const operation = this.#operations[operationId];
    if (!operation) throw new InvalidRequestError('operationId', `Unknown operation ${JSON.stringify(operationId)}; this client knows ${Object.keys(this.#operations).join(', ')}`);
    return operation;
  }

  /** The method behind `request`, `stream` and the ergonomic methods. */
  protected async call(operationId: string, input: CallInput, options: RequestOptions | undefined, mode: 'answer' | 'stream', rules: StreamRules<unknown> = {}): Promise<unknown> {
    const operation = this.operation(operationId);
    const multipart = operation.request.mediaTypes[0] === 'multipart/form-data';
    if (operation.request.required && input.body === undefined) throw new InvalidRequestError('body', `${operationId} needs a request body`, { operationId });
    const body = multipart && input.body !== undefined ? await resolveUploads(input.body as Record<string, unknown>) : input.body;
    const clientOptions = this.#transport.options;
    const validate = options?.validate ?? clientOptions.validate ?? clientDefaults.validate;
    const check = { validate, validator: clientOptions.validator, hooks: clientOptions.hooks };
    const plan = { operation, input: { params: input.params, body }, options, stallBeforeHead: mode === 'stream', ...(multipart ? { serializeBody: toFormData } : {}) };
    return this.#transport.call(plan, async (answer) => {
      const mediaType = mediaTypeOf(answer.response);
      const framing = operation.streams[mediaType];
      if (mode === 'stream' && framing) {
        const keepItems = options?.keepItems ?? clientOptions.keepItems ?? clientDefaults.keepItems;
        return new ItemStream({ answer, framing, mediaType, ...check, apiKey: clientOptions.apiKey, keepItems, isFinal: rules.isFinal });
      }
      if (framing || mode === 'stream') {
        answer.timer.stop();
        await answer.response.body?.cancel().catch(() => {});
        const wanted = mode === 'stream' ? `a stream (${Object.keys(operation.streams).join(', ') || 'none declared'})` : 'a whole answer';
        throw new InvalidResponseError({
          status: answer.response.status,
          body: undefined,
          problems: [`media type ${mediaType || '(none)'}`],
          message: `${operationId} answered with ${mediaType || 'no content type'} where ${wanted} was asked for${mode === 'answer' ? '; use stream() or stream: true for streamed answers' : ''}`,
          operationId,
          requestId: answer.requestId,
        });
      }
      return readAnswer(answer, check);
    });
  }

  /** An ergonomic method over one operation whose body carries `stream` (chat, completions, Responses, Messages, audio). */
  protected streamable<Id extends StreamingOperationId<A>>(operationId: Id, rules: StreamRules<StreamItemOf<A, Id>> = {}): StreamableCall<BodyOf<A, Id>, AnswerOf<A, Id>, StreamItemOf<A, Id>> {
    return this.streamablePair(operationId, operationId, (body) => ({ body }), rules, false);
  }

  /**
   * An ergonomic method over two operations, one answering whole and one streaming (SambaStudio's
   * native predict and stream URLs): `stream` picks the operation and is not sent.
   */
  protected streamablePair<Body, Answer, Item, StreamBody = Body>(
    answerId: string,
    streamId: string,
    toInput: (body: Body | StreamBody) => CallInput | Promise<CallInput>,
    rules: StreamRules<Item> = {},
    dropStreamFlag = true,
  ): StreamableCall<Body, Answer, Item, StreamBody> {
    const run = async (body: (Body | StreamBody) & { stream?: boolean | null }, options?: RequestOptions) => {
      const streaming = body.stream === true;
      let sent: Body | StreamBody = body;
      if (dropStreamFlag && 'stream' in body) {
        const { stream: _flag, ...rest } = body;
        sent = rest as Body | StreamBody;
      }
      const input = await toInput(sent);
      return streaming ? this.call(streamId, input, options, 'stream', rules as StreamRules<unknown>) : this.call(answerId, input, options, 'answer');
    };
    return run as StreamableCall<Body, Answer, Item, StreamBody>;
  }
}
