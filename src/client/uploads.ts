/**
 * Files for multipart uploads and images for multimodal prompts, from whatever the caller holds:
 * a `Blob` or `File`, bytes, a web `ReadableStream` (and a path, in the Node-only entry).
 * @module
 */
import { InvalidRequestError } from './errors.js';

/** A file with the name and media type the form should give it. */
export interface NamedUpload {
  data: Blob | Uint8Array | ArrayBuffer | ReadableStream<Uint8Array>;
  /** File name sent in the form (services look at the extension). */
  name: string;
  /** Media type of the part; a Blob's own type otherwise. */
  type?: string;
}

export type UploadSource = Blob | Uint8Array | ArrayBuffer | ReadableStream<Uint8Array> | NamedUpload;

function isUploadData(value: unknown): value is Blob | Uint8Array | ArrayBuffer | ReadableStream<Uint8Array> {
  return value instanceof Blob || value instanceof Uint8Array || value instanceof ArrayBuffer || (typeof ReadableStream !== 'undefined' && value instanceof ReadableStream);
}

export function isUploadSource(value: unknown): value is UploadSource {
  if (isUploadData(value)) return true;
  const named = value as NamedUpload | null;
  return !!named && typeof named === 'object' && typeof named.name === 'string' && isUploadData(named.data);
}

/** A web stream read to its end (multipart bodies must know their parts; audio and images are small). */
async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array[]> {
  const reader = stream.getReader();
  const parts: Uint8Array[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return parts;
    parts.push(value);
  }
}

/** The upload as a File (a Blob with a name), ready for FormData. */
export async function toFile(source: UploadSource, field: string): Promise<File> {
  const named = isUploadData(source) ? undefined : source;
  const data = named ? named.data : (source as Blob | Uint8Array | ArrayBuffer | ReadableStream<Uint8Array>);
  const type = named?.type ?? (data instanceof Blob ? data.type : '') ?? '';
  const name = named?.name ?? (typeof File !== 'undefined' && data instanceof File ? data.name : field);
  if (data instanceof Blob) return new File([data], name, { type: type || data.type });
  if (data instanceof Uint8Array || data instanceof ArrayBuffer) return new File([data as BlobPart], name, { type });
  return new File((await readAll(data)) as BlobPart[], name, { type });
}

/** Every upload among the body's fields turned into a File, so the form can be built (and rebuilt for a retry) without awaiting. */
export async function resolveUploads(body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) out[key] = isUploadSource(value) ? await toFile(value, key) : value;
  return out;
}

/** The multipart form of a body whose uploads were resolved: files as file parts, arrays as repeated fields, objects as JSON. */
export function toFormData(body: unknown): FormData {
  const form = new FormData();
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    if (value === undefined || value === null) continue;
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item instanceof Blob) form.append(key, item, item instanceof File ? item.name : key);
      else form.append(key, typeof item === 'object' ? JSON.stringify(item) : String(item));
    }
  }
  return form;
}

const dataURL = /^data:([^;,]*)(;[^,]*)?,/;

/** Base64 of an image, from bytes, a Blob, a data URL or base64 text (as a multimodal prompt sends it, without the `data:` prefix). */
export async function imageBase64(image: UploadSource | string, field = 'image'): Promise<string> {
  if (typeof image === 'string') {
    const match = dataURL.exec(image);
    if (!match) return image;
    if (!match[2]?.includes(';base64')) throw new InvalidRequestError(field, `${field}: a data URL must be base64-encoded (data:<type>;base64,...)`);
    return image.slice(match[0].length);
  }
  const bytes = new Uint8Array(await (await toFile(image, field)).arrayBuffer());
  return bytesToBase64(bytes);
}

/** A data URL for an image, as OpenAI-style `image_url` parts take it. */
export async function imageDataURL(image: UploadSource, type?: string): Promise<string> {
  const file = await toFile(image, 'image');
  return `data:${type ?? (file.type || 'application/octet-stream')};base64,${bytesToBase64(new Uint8Array(await file.arrayBuffer()))}`;
}

function bytesToBase64(bytes: Uint8Array): string {
  let text = '';
  // In slices: String.fromCharCode with millions of arguments overflows the stack.
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}
