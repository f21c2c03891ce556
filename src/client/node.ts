/**
 * `sambakit/node`: everything `sambakit` exports, plus uploads from a file path (Node only).
 * @module
 */
import { openAsBlob } from 'node:fs';
import { basename } from 'node:path';
import type { NamedUpload } from './uploads.js';

export * from './index.js';

/**
 * A file on disk as an upload, read as the request is sent rather than loaded first.
 *
 * @example
 * await studio.transcribe(await fileFromPath('call.wav'));
 */
export async function fileFromPath(path: string, options: { type?: string; name?: string } = {}): Promise<NamedUpload> {
  const data = await openAsBlob(path, options.type ? { type: options.type } : {});
  return { data, name: options.name ?? basename(path), ...(options.type ? { type: options.type } : {}) };
}
