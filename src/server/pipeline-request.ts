/**
 * @module The request an operation handler gets from the pipeline.
 */
import type { ServerResponse } from 'node:http';
import { clientGone } from './exchange.js';
import type { OperationRequest } from './operations/types.js';
import type { ResolvedServerOptions } from './options.js';
import type { Route } from './routes.js';

/**
 * What a handler gets: the request's facts, and the client-gone signal, made on first use (most
 * requests never wait, and an AbortController costs more than the rest of a small request). A class,
 * so that its getter lives on the prototype: an object literal with a getter is kept as a dictionary,
 * several times the size, and an open stream holds its request to the end.
 */
export class PipelineRequest implements OperationRequest {
  readonly route: Route;
  readonly params: Readonly<Record<string, string>>;
  readonly headers: OperationRequest['headers'];
  readonly body: OperationRequest['body'];
  readonly files: OperationRequest['files'];
  readonly requestId: string;
  readonly arrival: OperationRequest['arrival'];
  readonly pacing: OperationRequest['pacing'];
  readonly variant: string | undefined;
  readonly options: ResolvedServerOptions;
  #signal: AbortSignal | undefined;

  constructor(
    facts: Omit<OperationRequest, 'signal'>,
    private readonly res: ServerResponse,
  ) {
    this.route = facts.route;
    this.params = facts.params;
    this.headers = facts.headers;
    this.body = facts.body;
    this.files = facts.files;
    this.requestId = facts.requestId;
    this.arrival = facts.arrival;
    this.pacing = facts.pacing;
    this.variant = facts.variant;
    this.options = facts.options;
  }

  get signal(): AbortSignal {
    return (this.#signal ??= clientGone(this.res));
  }
}
