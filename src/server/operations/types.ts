/**
 * What an operation handler gets and gives back. Handlers know their API's shapes; the pipeline
 * around them (routing, auth, body, validation, faults, response checks) knows none.
 * @module
 */
import type { OutgoingStreamItem } from '../../streams/index.js';
import type { Problem } from '../error-styles.js';
import type { Arrival } from '../exchange.js';
import type { Pacing } from '../pacing/plan.js';
import type { ResolvedServerOptions } from '../options.js';
import type { UploadedFile } from '../request-body.js';
import type { Route } from '../routes.js';

export type { Arrival, Pacing };

/** Request headers as handlers read them, like the Web `Headers`. */
export interface RequestHeaders {
  /** The header's value (repeated headers joined with `, `), or null. */
  get(name: string): string | null;
  has(name: string): boolean;
}

/**
 * The request as a handler sees it: the part of the server's one request object (`SpecRequest`,
 * spec-request.ts) that is a handler's to read. Also the contract for handlers passed in
 * `AppOptions.operations`.
 */
export interface OperationRequest {
  route: Route;
  /** Path parameters by name. */
  params: Readonly<Record<string, string>>;
  headers: RequestHeaders;
  /** The parsed body, already valid against the spec (multipart: the form fields). */
  body: any;
  /** Uploaded files of a multipart body. */
  files: readonly UploadedFile[];
  requestId: string;
  arrival: Arrival;
  /** Aborted when the client goes away. */
  signal: AbortSignal;
  /** Pacing for this request (server options, overridden by `x-sambakit-ttft-ms` / `x-sambakit-tokens-per-second`). */
  pacing: Pacing;
  /** Observed wire variant asked for with `x-sambakit-variant`, already checked to exist for this operation. */
  variant: string | undefined;
  options: ResolvedServerOptions;
}

/**
 * A stream's items: a function of the signal that stops it (aborted when the stream ends early),
 * or a `PacedProducer`.
 */
export type StreamProducer = ((signal: AbortSignal) => AsyncIterable<OutgoingStreamItem<unknown>>) | PacedProducer;

/**
 * A producer that waits for nothing but its own pace, asked for one item at a time: the pipeline
 * runs one timer per wait and no promise per item, which is what thousands of open streams at
 * tens of tokens a second each can afford. Under a fault or response checks the pipeline reads it
 * as an async iterable instead (`pacedItems`).
 */
export interface PacedProducer {
  /**
   * The next item if it is due; else the `performance.now()` milliseconds it is due at (ask again
   * then); undefined once the stream is complete. May throw: the stream then ends with an error item.
   */
  next(): OutgoingStreamItem<unknown> | number | undefined;
  /** The stream ended before `next` said it was complete (client gone, fault, shutdown, a throw); called once. */
  stop(): void;
}

export type OperationResult =
  | {
      kind: 'json';
      status?: number;
      body: unknown;
      headers?: Record<string, string>;
      /** What this answer becomes when its generation fails (the `error-event` fault), where the API has a form for that. */
      failure?: { status: number; body: unknown };
    }
  | { kind: 'text'; status?: number; body: string; contentType?: string; headers?: Record<string, string> }
  | {
      kind: 'stream';
      mediaType: string;
      produce: StreamProducer;
      headers?: Record<string, string>;
      /**
       * The stream ends without its framing's terminator. Only where the spec marks the terminator
       * optional (`terminatorOptional`): one operation answering in two schemas, one without an end marker.
       */
      withoutTerminator?: true;
      /** This answer's in-stream error, when it differs from the operation's (`OperationDefinition.streamError`). */
      streamError?: (message: string) => OutgoingStreamItem<unknown>;
    }
  /** An error in the API's own shape (unknown model, over a model's limit, undecodable upload, ...). */
  | { kind: 'error'; problem: Problem; headers?: Record<string, string> };

export type OperationHandler = (request: OperationRequest) => OperationResult | Promise<OperationResult>;

/** The observed wire variants an operation can produce on request, by name with a one-line description. */
export type VariantTable = Readonly<Record<string, string>>;

export interface OperationDefinition {
  handle: OperationHandler;
  /** Observed wire variants this operation can emit instead of the documented form. */
  variants?: VariantTable;
  /**
   * The in-stream error item in this API's real form (for the `error-event` fault and for failures
   * after the status was sent), honouring the request's variant. Defaults to the API's error body
   * under the framing's first error event name.
   */
  streamError?: (message: string, request: Pick<OperationRequest, 'requestId' | 'variant'>) => OutgoingStreamItem<unknown>;
  /**
   * A JSON answer turned into the error the API documents for output the model could not finish
   * (the `model-output` fault), where the spec lists one among the operation's answers.
   */
  modelOutputError?: (answer: unknown) => unknown;
}
