/**
 * Framework-neutral checks over Web `Request` and `Response` objects (fetch, service workers, Deno,
 * Bun, Hono, Next.js route handlers...). Bodies are read from a clone: the caller can still send or
 * forward the original.
 * @module
 */
import type { OperationValidators } from '../contract/operation.js';
import { bareMediaType, validateRequest, validateResponse, type ValidateOptions, type ValidationResult } from './check.js';
import { matchTemplate, templateParamNames, templatePattern } from './path-template.js';
import { validateStream, type StreamValidateOptions, type StreamValidationResult } from './stream.js';
import { violation } from './violations.js';

export interface WebRequestOptions extends ValidateOptions {
  /** Path parameters; by default read from the request URL with the operation's path template. */
  params?: Readonly<Record<string, string>>;
}

/** A Web `Request` against `operation`: path and query parameters, headers and body. */
export async function validateWebRequest(operation: OperationValidators, request: Request, options: WebRequestOptions = {}): Promise<ValidationResult> {
  const url = new URL(request.url, 'http://localhost');
  const params = options.params ?? matchTemplate(templatePattern(operation.operation.path, false), templateParamNames(operation.operation.path), url.pathname) ?? {};
  const contentType = request.headers.get('content-type');
  const read = await readBody(request.clone(), contentType);
  if (!read.ok) return { valid: false, violations: [violation('/body', read.rule, read.expected, read.received)] };
  return validateRequest(operation, { body: read.body, ...(contentType ? { mediaType: contentType } : {}), params, query: url.searchParams, headers: request.headers }, options);
}

/**
 * A Web `Response` from `operation`: its status, media type and body; a streamed body (SSE, JSON
 * lines) is read to the end and checked item by item, framing included.
 */
export async function validateWebResponse(operation: OperationValidators, response: Response, options: StreamValidateOptions = {}): Promise<ValidationResult | StreamValidationResult> {
  const contentType = response.headers.get('content-type');
  const mediaType = contentType ? bareMediaType(contentType) : undefined;
  if (mediaType !== undefined && operation.operation.streams[mediaType]) {
    const body = response.clone().body;
    return validateStream(operation, body ?? '', { ...options, mediaType });
  }
  const read = await readBody(response.clone(), contentType);
  if (!read.ok) return { valid: false, violations: [violation('/body', read.rule, read.expected, read.received)] };
  return validateResponse(operation, { status: response.status, ...(mediaType ? { mediaType } : {}), body: read.body }, options);
}

type ReadBody = { ok: true; body: unknown } | { ok: false; rule: string; expected: string; received: unknown };

/** JSON parsed, multipart/form-data as fields (a file as its name, as the schemas read it), anything else as text. */
async function readBody(message: Request | Response, contentType: string | null): Promise<ReadBody> {
  const mediaType = contentType ? bareMediaType(contentType) : undefined;
  if (mediaType === 'multipart/form-data' || mediaType === 'application/x-www-form-urlencoded') {
    let form: FormData;
    try {
      form = await message.formData();
    } catch (error) {
      return { ok: false, rule: 'multipart', expected: `a well-formed ${mediaType} body`, received: error instanceof Error ? error.message : String(error) };
    }
    const fields: Record<string, unknown> = {};
    form.forEach((value, name) => {
      fields[name] = typeof value === 'string' ? value : value.name;
    });
    return { ok: true, body: fields };
  }
  const text = await message.text();
  // An empty body is no body: the operation says whether one is required.
  if (text === '') return { ok: true, body: undefined };
  if (mediaType === undefined || mediaType === 'application/json' || mediaType.endsWith('+json')) {
    try {
      return { ok: true, body: JSON.parse(text) as unknown };
    } catch (error) {
      return { ok: false, rule: 'json', expected: 'a body of JSON text', received: error instanceof Error ? `${error.message}: ${text}` : text };
    }
  }
  return { ok: true, body: text };
}
