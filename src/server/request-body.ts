/**
 * Reads a request body the way the operation declares it: checks the media type (415), the size
 * limit (413, without buffering past it), and parses JSON (400 with the position) or multipart form
 * data (with @fastify/busboy, a maintained streaming multipart parser).
 * @module
 */
import { Busboy } from '@fastify/busboy';

export interface UploadedFile {
  field: string;
  filename: string;
  mimeType: string;
  bytes: Uint8Array;
}

export type BodyResult =
  | { ok: true; mediaType: string | undefined; value: unknown; files: UploadedFile[] }
  | { ok: false; status: 400 | 413 | 415; message: string; param?: string };

/**
 * @param incoming The Node request under the Web one, when there is one: reading it directly skips
 *   the Web stream wrapper, which costs more than the parsing on small bodies.
 */
export async function readRequestBody(
  request: Request,
  accepted: readonly string[],
  required: boolean,
  limitBytes: number,
  incoming?: AsyncIterable<Uint8Array>,
): Promise<BodyResult> {
  if (accepted.length === 0) return { ok: true, mediaType: undefined, value: undefined, files: [] };
  const contentType = request.headers.get('content-type');
  const declaredLength = Number(request.headers.get('content-length') ?? NaN);
  // With the Node request at hand, ask its headers: touching `request.body` would build the Web
  // request and its stream just to answer "is there a body".
  const hasBody = incoming ? declaredLength > 0 || request.headers.has('transfer-encoding') : request.body !== null && declaredLength !== 0;
  if (!hasBody) {
    if (!required) return { ok: true, mediaType: undefined, value: undefined, files: [] };
    return { ok: false, status: 400, message: `The request needs a body (${accepted.join(' or ')}).` };
  }
  const mediaType = contentType?.split(';')[0]!.trim().toLowerCase();
  if (!mediaType || !accepted.includes(mediaType)) {
    return {
      ok: false,
      status: 415,
      message: `Content-Type ${contentType ? `"${contentType}"` : 'is missing'}${contentType ? ' is not accepted' : ''}; this operation takes ${accepted.join(' or ')}.`,
    };
  }
  if (declaredLength > limitBytes) return tooLarge(limitBytes, declaredLength);
  // A declared length within the limit can be read from the Node request as it is; a body without
  // one goes through the Web stream, which can be cancelled as soon as it passes the limit.
  const bytes = incoming && Number.isFinite(declaredLength) ? await readAll(incoming, declaredLength) : await readLimited(request.body!, limitBytes);
  if (bytes === undefined) return tooLarge(limitBytes);
  if (mediaType === 'multipart/form-data') return parseMultipart(contentType!, bytes, limitBytes);
  return parseJson(mediaType, bytes);
}

function tooLarge(limit: number, length?: number): BodyResult {
  return { ok: false, status: 413, message: `The request body${length === undefined ? '' : ` (${length} bytes)`} is larger than the limit of ${limit} bytes.` };
}

/** The whole body, or undefined as soon as it passes the limit (the rest is not read). */
async function readLimited(body: ReadableStream<Uint8Array>, limit: number): Promise<Uint8Array | undefined> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      return undefined;
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/** Every chunk of a body whose size is known and allowed (at most `length` bytes are kept). */
async function readAll(source: AsyncIterable<Uint8Array>, length: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of source) {
    chunks.push(chunk);
    size += chunk.byteLength;
  }
  return Buffer.concat(chunks, Math.min(size, length));
}

function parseJson(mediaType: string, bytes: Uint8Array): BodyResult {
  const text = new TextDecoder().decode(bytes);
  try {
    return { ok: true, mediaType, value: JSON.parse(text), files: [] };
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { ok: false, status: 400, message: `The request body is not valid JSON: ${detail}.` };
  }
}

/** Form fields as an object (file fields hold the file name, for validation) plus the files. */
function parseMultipart(contentType: string, bytes: Uint8Array, limit: number): Promise<BodyResult> {
  return new Promise((resolve) => {
    const fields: Record<string, string> = {};
    const files: UploadedFile[] = [];
    let parser;
    try {
      parser = Busboy({ headers: { 'content-type': contentType }, limits: { fileSize: limit, fields: 100, files: 10 } });
    } catch (error) {
      resolve({ ok: false, status: 400, message: `The multipart body cannot be read: ${error instanceof Error ? error.message : String(error)}.` });
      return;
    }
    parser.on('field', (name: string, value: string) => {
      fields[name] = value;
    });
    parser.on('file', (field: string, stream: NodeJS.ReadableStream, filename: string, _encoding: string, mimeType: string) => {
      const parts: Buffer[] = [];
      stream.on('data', (part: Buffer) => parts.push(part));
      stream.on('end', () => {
        fields[field] = filename || field;
        files.push({ field, filename, mimeType, bytes: new Uint8Array(Buffer.concat(parts)) });
      });
    });
    parser.on('error', (error: unknown) => {
      resolve({ ok: false, status: 400, message: `The multipart body cannot be read: ${error instanceof Error ? error.message : String(error)}.` });
    });
    parser.on('finish', () => resolve({ ok: true, mediaType: 'multipart/form-data', value: fields, files }));
    parser.end(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  });
}
