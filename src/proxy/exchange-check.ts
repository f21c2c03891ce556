/**
 * The proxy's one way into `sambakit/validate`: which operation a request is for, and the checks
 * of its request, its answer and each item of a streamed answer. Bodies come as the bytes that went
 * by; decoding them (a content encoding, up to the check limit) and parsing them for the checks
 * happens here.
 * @module
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { ApiName } from '../contract/apis.js';
import { createStreamValidator, findOperation, validateRequest, validateResponse, type OperationMatch, type StreamValidator, type ValidateOptions, type Violation } from '../validate/index.js';
import { violation } from '../validate/violations.js';
import { decodeWhole, type Encoding } from './content-decoding.js';

export type { OperationMatch, StreamValidator };

/** Lookups remembered per method and path: traffic repeats a handful of them (the target's host is fixed). */
const lookups = new Map<string, OperationMatch | undefined>();
const maxLookups = 1000;

/** The operation `method` on `url` (the target's full URL) is, in `api`'s spec. */
export function operationFor(api: ApiName, method: string, url: URL): OperationMatch | undefined {
  const key = `${api} ${method} ${url.host}${url.pathname}`;
  if (lookups.has(key)) return lookups.get(key);
  const match = findOperation(method, url, { api });
  // Paths with ids in them (project, endpoint, model) could grow the map without end: it starts over instead.
  if (lookups.size >= maxLookups) lookups.clear();
  lookups.set(key, match);
  return match;
}

const headerNames = new WeakMap<OperationMatch, readonly string[]>();

/** Header names the operation's security schemes read its key from (lower case); matches are remembered, and so are these. */
export function securityHeaders(match: OperationMatch): readonly string[] {
  let names = headerNames.get(match);
  if (!names) headerNames.set(match, (names = match.validators.operation.security.flatMap((alternative) => alternative.map((scheme) => scheme.headerName.toLowerCase()))));
  return names;
}

export function mediaTypeOf(contentType: string | undefined): string | undefined {
  return contentType?.split(';')[0]!.trim().toLowerCase() || undefined;
}

/** Whether `contentType` is one the operation streams: then its answer is checked item by item. */
export function streamValidatorFor(match: OperationMatch, contentType: string | undefined): StreamValidator | undefined {
  const mediaType = mediaTypeOf(contentType);
  if (mediaType === undefined || !match.validators.operation.streams[mediaType]) return undefined;
  return createStreamValidator(match.validators, { mediaType });
}

type Parsed = { ok: true; body: unknown } | { ok: false; violation: Violation };

/** JSON parsed, multipart and URL-encoded forms as fields (a file as its name, as the schemas read it), other text as text. */
async function parseBody(bytes: Buffer, contentType: string | undefined): Promise<Parsed> {
  const mediaType = mediaTypeOf(contentType);
  if (mediaType === 'multipart/form-data' || mediaType === 'application/x-www-form-urlencoded') {
    try {
      const form = await new Response(new Uint8Array(bytes), { headers: { 'content-type': contentType! } }).formData();
      const fields: Record<string, unknown> = {};
      form.forEach((value, name) => (fields[name] = typeof value === 'string' ? value : value.name));
      return { ok: true, body: fields };
    } catch (error) {
      return { ok: false, violation: violation('/body', 'multipart', `a well-formed ${mediaType} body`, error instanceof Error ? error.message : String(error)) };
    }
  }
  return parseText(bytes, mediaType);
}

/**
 * Parses a form of one field: the first form a process parses loads the Web API code it runs on (50 ms
 * at load 12), which the proxy does before it listens rather than in a client's exchange.
 */
export async function loadFormParser(): Promise<void> {
  await parseBody(Buffer.from('--b\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--b--\r\n'), 'multipart/form-data; boundary=b');
}

function parseText(bytes: Buffer, mediaType: string | undefined): Parsed {
  if (bytes.byteLength === 0) return { ok: true, body: undefined };
  let text = bytes.toString('utf8');
  if (mediaType === undefined || mediaType === 'application/json' || mediaType.endsWith('+json')) {
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    try {
      return { ok: true, body: JSON.parse(text) as unknown };
    } catch (error) {
      return { ok: false, violation: violation('/body', 'json', 'a body of JSON text', error instanceof Error ? `${error.message}: ${text}` : text) };
    }
  }
  return { ok: true, body: text };
}

export interface RequestFacts {
  url: URL;
  headers: IncomingHttpHeaders;
  /** The body as sent (empty: none). */
  body: Buffer;
  /** Its Content-Encoding (decoded here, for the check only). */
  encoding: Encoding;
  /** How large the body may inflate to for its check (InflatedPastLimit past it). */
  decodedLimit: number;
}

/** A request's parameters, headers and body. Synchronous for JSON (the usual case), a promise for forms. Throws on a body that does not decode. */
export function checkRequest(match: OperationMatch, request: RequestFacts, options?: ValidateOptions): Violation[] | Promise<Violation[]> {
  const contentType = request.headers['content-type'];
  const body = decodeWhole(request.body, request.encoding, request.decodedLimit);
  const check = (parsed: Parsed) => {
    if (!parsed.ok) return [parsed.violation];
    const input = { body: parsed.body, params: match.params, query: request.url.searchParams, headers: request.headers, ...(contentType ? { mediaType: contentType } : {}) };
    return validateRequest(match.validators, input, options).violations;
  };
  const mediaType = mediaTypeOf(contentType);
  // A body in a media type the operation does not take is not parsed as that type: its only fault
  // is the media type (the reference server's 415), not whatever a parse of it would find.
  const accepted = match.validators.operation.request.mediaTypes;
  if (mediaType !== undefined && body.byteLength > 0 && accepted.length > 0 && !accepted.includes(mediaType)) return check({ ok: true, body: '' });
  // Nor is a body without a Content-Type guessed to be JSON (a form sent so failed as bad JSON): the server refuses it with a 415.
  if (mediaType === undefined && body.byteLength > 0 && accepted.length > 0) return [violation('/body', 'mediaType', `a body of ${accepted.join(' or ')}`, 'a body without Content-Type')];
  if (mediaType === 'multipart/form-data' || mediaType === 'application/x-www-form-urlencoded') return parseBody(body, contentType).then(check);
  return check(parseText(body, mediaType));
}

export interface AnswerFacts {
  status: number;
  contentType: string | undefined;
  /** How `body` is encoded (decoded here, for the check only). */
  encoding: Encoding;
  /** The body as it went by. */
  body: Buffer;
  /** How large the body may inflate to for its check (InflatedPastLimit past it). */
  decodedLimit: number;
}

/** A whole (not streamed) answer: its status, media type and body. Throws on a body that does not decode. */
export function checkResponse(match: OperationMatch, { status, contentType, encoding, body, decodedLimit }: AnswerFacts, options?: ValidateOptions): Violation[] {
  const mediaType = mediaTypeOf(contentType);
  const parsed = parseText(decodeWhole(body, encoding, decodedLimit), mediaType);
  if (!parsed.ok) return [parsed.violation];
  return validateResponse(match.validators, { status, body: parsed.body, ...(mediaType ? { mediaType } : {}) }, options).violations;
}
