/**
 * Reads a request body the way the operation declares it: checks the media type (415), the size
 * limit (413, without buffering past it), and parses JSON (400 with the position; see json-body.ts) or multipart form
 * data (with @fastify/busboy, a maintained streaming multipart parser).
 * @module
 */
import type { IncomingMessage } from 'node:http';
import { Busboy } from '@fastify/busboy';
import { TurnBudget } from '../event-loop/turn-budget.js';
import type { Violation } from '../validate/violations.js';
import { parseJsonBody, syncParseBytes, type JsonParseResult } from './json-body.js';

export interface UploadedFile {
  field: string;
  filename: string;
  mimeType: string;
  bytes: Uint8Array;
}

export type BodyResult =
  | { ok: true; mediaType: string | undefined; value: unknown; files: UploadedFile[] }
  /** `violations` when the body was refused by the size limits the validators apply. */
  | { ok: false; status: 400 | 408 | 413 | 415; message: string; param?: string; violations?: Violation[] };

const noBody: BodyResult = { ok: true, mediaType: undefined, value: undefined, files: [] };

/**
 * The body as the operation declares it. A JSON body that has wholly arrived (the usual case, as the
 * pipeline reads it only after the event loop's pending I/O) is read and parsed synchronously, so
 * the pipeline runs on without giving up its turn; otherwise a promise.
 */
export function readRequestBody(request: IncomingMessage, accepted: readonly string[], required: boolean, limitBytes: number, idleTimeoutMs: number): BodyResult | Promise<BodyResult> {
  if (accepted.length === 0) return noBody;
  const contentType = request.headers['content-type'];
  const declaredLength = Number(request.headers['content-length'] ?? NaN);
  const hasBody = declaredLength > 0 || request.headers['transfer-encoding'] !== undefined;
  if (!hasBody) {
    if (!required) return noBody;
    return { ok: false, status: 400, message: `The request needs a body (${accepted.join(' or ')}).` };
  }
  const mediaType = contentType?.split(';')[0]!.trim().toLowerCase();
  if (!mediaType || !accepted.includes(mediaType)) {
    return { ok: false, status: 415, message: unacceptedMediaType(contentType, accepted) };
  }
  if (declaredLength > limitBytes) return tooLarge(limitBytes, declaredLength);
  const parse = (chunks: readonly Buffer[] | typeof stalled | undefined): BodyResult | Promise<BodyResult> => {
    if (chunks === undefined) return tooLarge(limitBytes);
    if (chunks === stalled) return { ok: false, status: 408, message: `The request body stalled: no bytes came for ${idleTimeoutMs} ms.` };
    if (mediaType === 'multipart/form-data') return parseMultipart(contentType!, chunks, limitBytes);
    return parseJson(mediaType, chunks);
  };
  // A large body is taken chunk by chunk even when it has wholly arrived: one read would copy it all in one turn.
  return request.complete && request.readableLength <= syncParseBytes
    ? parse(readBuffered(request, limitBytes))
    : readLimited(request, limitBytes, idleTimeoutMs).then(parse);
}

function tooLarge(limit: number, length?: number): BodyResult {
  return { ok: false, status: 413, message: `The request body${length === undefined ? '' : ` (${length} bytes)`} is larger than the limit of ${limit} bytes.` };
}

/** The 415 message for a body whose media type the operation does not take (the proxy's --strict says the same). */
export function unacceptedMediaType(contentType: string | undefined, accepted: readonly string[]): string {
  return `Content-Type ${contentType ? `"${contentType}" is not accepted` : 'is missing'}; this operation takes ${accepted.join(' or ')}.`;
}

/** The client went away before its request body was complete: there is nobody left to answer. */
export class ClientGoneError extends Error {
  override name = 'ClientGoneError';
}

/** What readLimited gives when no byte of the body came for the idle timeout. */
const stalled = Symbol('stalled');

/**
 * The whole body; undefined as soon as it passes the limit, `stalled` when it stops coming (reading
 * stops there, and the answer closes the connection). Rejects with ClientGoneError when the client
 * goes away mid-body.
 */
function readLimited(request: IncomingMessage, limit: number, idleTimeoutMs: number): Promise<Buffer[] | typeof stalled | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    /** Whether bytes came since the idle timer last fired. */
    let heard = false;
    let verdict: NodeJS.Immediate | undefined;
    const quiet = () => {
      clearTimeout(idle);
      clearImmediate(verdict);
    };
    const stop = (outcome: Buffer[] | typeof stalled | undefined) => {
      quiet();
      request.off('data', onData).off('end', onEnd);
      resolve(outcome);
    };
    // The timer runs before the loop reads its sockets: when the loop was busy past the timeout, the
    // next bytes may already wait unread. The verdict waits for that read (the check phase comes
    // after it), so only a body that really stopped coming is cut.
    const idle = setTimeout(() => {
      heard = false;
      verdict = setImmediate(() => heard || stop(stalled));
    }, idleTimeoutMs);
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > limit) return stop(undefined);
      heard = true;
      idle.refresh();
      chunks.push(chunk);
    };
    const onEnd = () => stop(chunks);
    // After 'end', the limit or the timeout this settles nothing: the promise is already settled.
    const gone = () => {
      quiet();
      reject(new ClientGoneError('the client closed the connection before the request body ended'));
    };
    request.on('data', onData).once('end', onEnd).once('error', gone).once('close', () => request.complete || gone());
  });
}

/**
 * A body that has wholly arrived sits in the request's buffer: taken in one synchronous read, with
 * no listeners, promise or extra turn. Undefined past the limit.
 */
function readBuffered(request: IncomingMessage, limit: number): Buffer[] | undefined {
  if (request.readableLength > limit) return undefined;
  return [(request.read() as Buffer | null) ?? Buffer.alloc(0)];
}

function parseJson(mediaType: string, chunks: readonly Buffer[]): BodyResult | Promise<BodyResult> {
  const parsed = parseJsonBody(chunks);
  return parsed instanceof Promise ? parsed.then((result) => jsonBody(mediaType, result)) : jsonBody(mediaType, parsed);
}

function jsonBody(mediaType: string, parsed: JsonParseResult): BodyResult {
  if (parsed.ok) return { ok: true, mediaType, value: parsed.value, files: [] };
  if ('violation' in parsed) return { ok: false, status: 400, message: parsed.violation.message, violations: [parsed.violation] };
  return { ok: false, status: 400, message: `The request body is not valid JSON: ${parsed.message}.` };
}

/** A Content-Type's `boundary` parameter: quoted (group 1) or a token (group 2); either may be empty. */
const boundaryParameter = /;\s*boundary\s*=\s*(?:"([^"]*)"|([^\s;"]*))/i;

/** Bytes handed to the multipart parser per call: well under a millisecond of work. */
const multipartPieceBytes = 64 * 1024;

/**
 * Form fields as an object (file fields hold the file name, for validation) plus the files. The
 * body is fed to busboy a piece at a time, each piece once busboy has taken the last (a write it
 * buffers would be parsed later all in one turn), with a turn of the event loop once a slice of
 * work is spent; each file's pieces are joined in slices too. A 25 MB upload parsed and copied in
 * one call held the loop for its whole parse.
 */
export async function parseMultipart(contentType: string, chunks: readonly Buffer[], limit: number): Promise<BodyResult> {
  // busboy takes `boundary=` (empty) as a boundary and finds no parts: the refusal would then name a missing field.
  if (!boundaryParameter.exec(contentType)?.slice(1).some(Boolean)) {
    const shown = contentType.length > 200 ? `${contentType.slice(0, 200)}…` : contentType;
    return { ok: false, status: 400, message: `The multipart body cannot be read: Content-Type "${shown}" has no usable boundary; multipart/form-data needs a non-empty boundary parameter (boundary=<the separator between the parts>).` };
  }
  let parser: ReturnType<typeof Busboy>;
  try {
    parser = Busboy({ headers: { 'content-type': contentType }, limits: { fileSize: limit, fields: 100, files: 10 } });
  } catch (error) {
    return unreadableMultipart(error);
  }
  const fields: Record<string, string> = {};
  const parts: Array<{ field: string; filename: string; mimeType: string; pieces: Buffer[] }> = [];
  let failure: BodyResult | undefined;
  let finished = false;
  /** Wakes the feeding loop: busboy took the last piece, finished or failed. */
  let wake: (() => void) | undefined;
  const settle = () => wake?.();
  const fail = (error: unknown) => {
    failure ??= unreadableMultipart(error);
    settle();
  };
  parser.on('field', (name: string, value: string) => {
    fields[name] = value;
  });
  parser.on('file', (field: string, stream: NodeJS.ReadableStream, filename: string, _encoding: string, mimeType: string) => {
    const part = { field, filename, mimeType, pieces: [] as Buffer[] };
    stream.on('data', (piece: Buffer) => part.pieces.push(piece));
    // A part cut short (the body ends inside it) is reported on the part's stream, not the parser.
    stream.on('error', fail);
    stream.on('end', () => {
      fields[field] = filename || field;
      parts.push(part);
    });
  });
  parser.on('error', fail);
  parser.on('drain', settle);
  parser.on('finish', () => {
    finished = true;
    settle();
  });
  const budget = new TurnBudget();
  const waitFor = (done: () => boolean) => (done() || failure ? undefined : new Promise<void>((resolve) => (wake = resolve)));
  feed: for (const chunk of chunks) {
    for (let offset = 0; offset < chunk.byteLength; offset += multipartPieceBytes) {
      if (failure) break feed;
      if (!parser.write(chunk.subarray(offset, offset + multipartPieceBytes))) await waitFor(() => !parser.writableNeedDrain);
      if (budget.spent()) await budget.nextTurn();
    }
  }
  if (!failure) {
    parser.end();
    await waitFor(() => finished);
  }
  if (failure) return failure;
  const files: UploadedFile[] = [];
  for (const { field, filename, mimeType, pieces } of parts) files.push({ field, filename, mimeType, bytes: await joinInSlices(pieces, budget) });
  return { ok: true, mediaType: 'multipart/form-data', value: fields, files };
}

/** The pieces as one array, copied a slice at a time (one copy of 25 MB is a long turn by itself). */
async function joinInSlices(pieces: readonly Buffer[], budget: TurnBudget): Promise<Uint8Array> {
  let size = 0;
  for (const piece of pieces) size += piece.byteLength;
  const joined = new Uint8Array(Buffer.allocUnsafeSlow(size).buffer, 0, size);
  let at = 0;
  for (const piece of pieces) {
    joined.set(piece, at);
    at += piece.byteLength;
    if (budget.spent()) await budget.nextTurn();
  }
  return joined;
}

function unreadableMultipart(error: unknown): BodyResult {
  return { ok: false, status: 400, message: `The multipart body cannot be read: ${error instanceof Error ? error.message : String(error)}.` };
}
