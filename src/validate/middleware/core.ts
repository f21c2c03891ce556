/**
 * What the Express and Fastify middleware share: options, finding the operation of a request,
 * checking it, and answering a rejected one in the API's own error shape and status (the renderer
 * the reference server uses), so a gateway's clients get what the real service would send.
 * @module
 */
import type { ApiName } from '../../contract/apis.js';
import type { OperationValidators } from '../../contract/operation.js';
import { errorStyleFor, type RenderedError } from '../../server/error-styles.js';
import { bareMediaType, validateRequest, validateResponse, type HeadersInput } from '../check.js';
import type { SizeLimits } from '../limits.js';
import { findOperation } from '../lookup.js';
import { createStreamValidator, type StreamValidator } from '../stream.js';
import { violation, type Violation } from '../violations.js';

/** `reject`: answer with the API's error (requests) or a 500 in its error shape (responses); `log`: report and let it through; `off`: no check. */
export type CheckMode = 'reject' | 'log' | 'off';

export interface ViolationReport {
  /** What broke: the request, a JSON response, or a streamed response (reported when the stream ends). */
  kind: 'request' | 'response' | 'stream';
  api: ApiName;
  operationId: string;
  method: string;
  url: string;
  /** Response status (responses and streams). */
  status?: number;
  violations: Violation[];
}

export interface ValidationMiddlewareOptions {
  /**
   * The operation every request is checked against (its validators from `sambakit/contract/<api>`,
   * which keeps the others out of a bundle). By default each request's operation is found from
   * its method and URL, and requests that match none pass unchecked.
   */
  operation?: OperationValidators;
  /** Only look among this API's operations when finding them by URL. */
  api?: ApiName;
  /** @default 'reject' */
  requests?: CheckMode;
  /**
   * Responses: JSON bodies are checked before they are sent, streams item by item as they go
   * (a stream already under way cannot be refused: its violations are reported at its end).
   * Meant for development and tests. @default 'off'
   */
  responses?: CheckMode;
  /** Where violations go (rejected ones too). @default a JSON line on stderr */
  onViolation?: (report: ViolationReport) => void;
  limits?: SizeLimits;
}

export interface ResolvedOptions {
  requests: CheckMode;
  responses: CheckMode;
  onViolation: (report: ViolationReport) => void;
  limits: SizeLimits | undefined;
  find(method: string, url: string): { validators: OperationValidators; params: Record<string, string> } | undefined;
}

export function resolveOptions(options: ValidationMiddlewareOptions): ResolvedOptions {
  const { operation, api } = options;
  return {
    requests: options.requests ?? 'reject',
    responses: options.responses ?? 'off',
    onViolation: options.onViolation ?? ((report) => process.stderr.write(`${JSON.stringify({ sambakit: 'violation', ...report })}\n`)),
    limits: options.limits,
    find(method, url) {
      if (!operation) {
        const match = findOperation(method, url, api ? { api } : {});
        return match && { validators: match.validators, params: match.params };
      }
      const params = findOperation(method, url, { api: operation.api as ApiName });
      return { validators: operation, params: params?.operationId === operation.operation.operationId ? params.params : {} };
    },
  };
}

export interface IncomingParts {
  /** The parsed body; `undefined` when there is none, or it was not parsed (then only parameters are checked). */
  body: unknown;
  /** Whether `body` holds the request's body (false: a body the framework left unparsed, not checked). */
  bodyRead: boolean;
  contentType: string | undefined;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: HeadersInput;
}

export function checkRequest(validators: OperationValidators, parts: IncomingParts, limits: SizeLimits | undefined): Violation[] {
  // A body the framework did not parse (multipart without a parser) is not judged: parameters still are.
  const op = parts.bodyRead ? validators : { ...validators, operation: { ...validators.operation, request: { ...validators.operation.request, required: false } } };
  return validateRequest(
    op,
    { body: parts.body, ...(parts.contentType ? { mediaType: parts.contentType } : {}), params: parts.params, query: parts.query, headers: parts.headers },
    limits ? { limits } : {},
  ).violations;
}

/** The API's own answer to a request that breaks the spec (400 Cloud and OpenAI-compatible, 422 SambaStudio native, 424 LMI). */
export function rejection(validators: OperationValidators, violations: Violation[]): RenderedError {
  const style = errorStyleFor({ api: validators.api as ApiName, operationId: validators.operation.operationId, errorSchema: validators.operation.errorSchema });
  const first = violations[0]!;
  const param = first.path.startsWith('/body/') ? first.path.slice('/body/'.length).split('/')[0] : undefined;
  return style.render({ kind: 'invalid_request', message: first.message, ...(param ? { param } : {}), violations }, globalThis.crypto.randomUUID());
}

/** A response that breaks the spec, refused in development: a 500 in the API's error shape naming what was wrong. */
export function responseRejection(validators: OperationValidators, violations: Violation[]): RenderedError {
  const style = errorStyleFor({ api: validators.api as ApiName, operationId: validators.operation.operationId, errorSchema: validators.operation.errorSchema });
  return style.render({ kind: 'server', message: `the response breaks the spec: ${violations[0]!.message}`, violations }, globalThis.crypto.randomUUID());
}

/** A JSON response body's violations, or none when the media type is not JSON (text, files) or is a stream. */
export function checkJsonResponse(validators: OperationValidators, status: number, contentType: string | undefined, body: unknown, limits: SizeLimits | undefined): Violation[] {
  const mediaType = contentType ? bareMediaType(contentType) : undefined;
  if (mediaType !== undefined && validators.operation.streams[mediaType]) return [];
  return validateResponse(validators, { status, ...(mediaType ? { mediaType } : {}), body }, limits ? { limits } : {}).violations;
}

/** A validator for the response's stream, when its content type is one the operation streams. */
export function streamCheck(validators: OperationValidators, contentType: string | undefined, limits: SizeLimits | undefined): StreamValidator | undefined {
  const mediaType = contentType ? bareMediaType(contentType) : undefined;
  if (mediaType === undefined || !validators.operation.streams[mediaType]) return undefined;
  return createStreamValidator(validators, { mediaType, ...(limits ? { limits } : {}) });
}

/** Parses a JSON text body; empty text is no body. */
export function parseJson(text: string): { ok: true; body: unknown } | { ok: false; violation: Violation } {
  if (text === '') return { ok: true, body: undefined };
  try {
    return { ok: true, body: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, violation: violation('/body', 'json', 'a body of JSON text', error instanceof Error ? error.message : String(error)) };
  }
}

export function isJson(contentType: string | undefined): boolean {
  const mediaType = contentType ? bareMediaType(contentType) : undefined;
  return mediaType === 'application/json' || (mediaType?.endsWith('+json') ?? false);
}
