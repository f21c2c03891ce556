/**
 * What every full API client is: any operation of its API called by operationId, typed from the
 * generated types and sent as the generated operations table says, with path and query parameters
 * and multipart uploads. The ergonomic methods of each API are built on `request`, `stream`,
 * `streamable` and `streamablePair`; an operation added to the spec is callable through them after
 * `npm run generate`.
 * @module
 */
import type { OperationInfo } from '../contract/index.js';
import { jsonlItemDecoder, sseItemDecoder } from '../streams/stream-items.js';
import type { ApiTypes } from './api-types.js';
import { InvalidRequestError } from './errors.js';
import type { ItemStream } from './item-stream.js';
import { OperationClient, type CallDefaults, type StreamableCall, type StreamRules } from './operation-client.js';
import type { AnswerOf, BodyOf, CallArgs, CallInputOf, OperationId, StreamItemOf, StreamingOperationId } from './operation-types.js';
import type { ClientOptions, RequestOptions } from './options.js';
import { requestEncoders } from './request-encoders.js';
import type { CallInput } from './transport.js';

export class ApiClient<A extends ApiTypes> extends OperationClient<A> {
  readonly #operations: { readonly [operationId: string]: OperationInfo };

  /** `contract` is the API's operations table from src/contract; `defaults.baseURL` the base URL when the options give none. */
  protected constructor(contract: { operationTable: { readonly [operationId: string]: OperationInfo } }, options: ClientOptions, defaults: CallDefaults) {
    super(options, defaults, { sse: sseItemDecoder, jsonl: jsonlItemDecoder }, requestEncoders);
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
    return this.callOperation(this.operation(operationId), input, options, mode, rules);
  }

  /** An ergonomic method over one operation whose body carries `stream` (chat, completions, Responses, Messages, audio). */
  protected streamable<Id extends StreamingOperationId<A>>(operationId: Id, rules: StreamRules<StreamItemOf<A, Id>> = {}): StreamableCall<BodyOf<A, Id>, AnswerOf<A, Id>, StreamItemOf<A, Id>> {
    return this.streamableOperation(this.operation(operationId) as OperationInfo & { operationId: Id }, rules);
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
  ): StreamableCall<Body, Answer, Item, StreamBody> {
    const run = async (body: (Body | StreamBody) & { stream?: boolean | null }, options?: RequestOptions) => {
      const streaming = body.stream === true;
      let sent: Body | StreamBody = body;
      if ('stream' in body) {
        const { stream: _flag, ...rest } = body;
        sent = rest as Body | StreamBody;
      }
      const input = await toInput(sent);
      return streaming ? this.call(streamId, input, options, 'stream', rules as StreamRules<unknown>) : this.call(answerId, input, options, 'answer');
    };
    return run as StreamableCall<Body, Answer, Item, StreamBody>;
  }
}
