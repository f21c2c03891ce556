/**
 * Types of a call by operationId, computed from openapi-typescript's `operations` and the
 * generated stream item map: what goes in (parameters, body), what comes back (the success answer
 * without its stream media types) and what a stream yields. A new operation in the spec is typed
 * by these after `npm run generate`, with no hand edits.
 * @module
 */
import type { ApiTypes } from './api-types.js';
import type { UploadSource } from './uploads.js';

export type OperationId<A extends ApiTypes> = keyof A['operations'] & string;
export type Operation<A extends ApiTypes, Id extends OperationId<A>> = A['operations'][Id];

/** Operations with a stream media type in their success answer. */
export type StreamingOperationId<A extends ApiTypes> = keyof A['streamItems'] & OperationId<A>;

type SuccessStatus = 200 | 201 | 202 | 203 | 206 | '200' | '201' | '202' | '203' | '206' | '2XX';

/** Content of the success answers by media type. */
type SuccessContent<O> = O extends { responses: infer R }
  ? { [S in keyof R]: S extends SuccessStatus ? (R[S] extends { content: infer C } ? C : never) : never }[keyof R]
  : never;

type StreamMediaTypes<A extends ApiTypes, Id> = Id extends keyof A['streamItems'] ? keyof A['streamItems'][Id] : never;

type ValueOf<C> = C extends object ? C[keyof C] : never;

/**
 * Error bodies a success status or a stream may carry (Cloud's model-output error is a 200; in-stream
 * errors are items of the stream's schema). The client throws them as typed errors, so they are not
 * part of what it returns.
 */
type ErrorShapes = { error: unknown } | { type: 'error' };

/** The answer of a call that does not stream: the success content under its non-stream media types. */
export type AnswerOf<A extends ApiTypes, Id extends OperationId<A>> = Exclude<ValueOf<Omit<SuccessContent<Operation<A, Id>>, StreamMediaTypes<A, Id>>>, ErrorShapes>;

/** One item of the operation's stream (the union over its stream media types). */
export type StreamItemOf<A extends ApiTypes, Id extends StreamingOperationId<A>> = Exclude<ValueOf<A['streamItems'][Id]>, ErrorShapes>;

/** A multipart body's fields: a binary field (typed `string` by openapi-typescript) also takes bytes, a Blob, a File or a ReadableStream. */
export type MultipartFields<B> = { [K in keyof B]: B[K] extends string ? B[K] | UploadSource : B[K] };

type ContentBody<C> = 'application/json' extends keyof C ? C['application/json'] : 'multipart/form-data' extends keyof C ? MultipartFields<C['multipart/form-data']> : ValueOf<C>;

type BodyInput<O> = O extends { requestBody: { content: infer C } } ? { body: ContentBody<C> } : O extends { requestBody?: { content: infer C } } ? { body?: ContentBody<C> } : { body?: undefined };

type Defined<T> = Exclude<T, undefined>;
/** Path parameters may be left to the client's defaults (SambaStudio's project and endpoint). */
type ParamsInput<O> = O extends { parameters: infer P }
  ? {
      params?: {
        path?: 'path' extends keyof P ? Partial<Defined<P['path']>> : never;
        query?: 'query' extends keyof P ? Defined<P['query']> : never;
        header?: 'header' extends keyof P ? Defined<P['header']> : never;
      };
    }
  : { params?: undefined };

/** What a call by operationId takes: `{ params?: { path, query, header }, body }`. */
export type CallInputOf<A extends ApiTypes, Id extends OperationId<A>> = BodyInput<Operation<A, Id>> & ParamsInput<Operation<A, Id>>;

/** The request body an operation takes. */
export type BodyOf<A extends ApiTypes, Id extends OperationId<A>> = CallInputOf<A, Id> extends { body?: infer B } ? Exclude<B, undefined> : never;

/** The input argument is optional when nothing in it is required (a GET without parameters). */
export type CallArgs<Input, Options> = {} extends Input ? [input?: Input, options?: Options] : [input: Input, options?: Options];
