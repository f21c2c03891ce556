/**
 * A streamed item framed for the socket. An ordinary item is one string. A large one (a Responses
 * event carries the whole response, `instructions` of megabytes included) has its JSON made in
 * slices by `jsonText`, as a large JSON answer has, so that no event holds the event loop.
 * @module
 */
import { encodeStreamItem, streamItemFrame } from '../streams/encode-stream-items.js';
import type { OutgoingStreamItem, StreamFramingSpec } from '../streams/types.js';
import { jsonText, type PiecesOf } from './json-text.js';

/**
 * `encodeStreamItem(item, framing)`, or the same bytes as buffers (a promise of them when made over
 * more than one turn); a long string of the request it echoes written from `piecesOf` its pieces.
 */
export function framedItem(item: OutgoingStreamItem<unknown>, framing: StreamFramingSpec, piecesOf?: PiecesOf): string | Buffer[] | Promise<Buffer[]> {
  if (item.json !== undefined) return encodeStreamItem(item, framing);
  const json = jsonText(item.value, piecesOf);
  // A value JSON cannot write comes back undefined: encodeStreamItem then says why.
  if (typeof json === 'string' || json === undefined) return encodeStreamItem({ ...item, json }, framing);
  const [before, after] = streamItemFrame(item, framing);
  const framed = (pieces: Buffer[]) => [Buffer.from(before), ...pieces, Buffer.from(after)];
  return Array.isArray(json) ? framed(json) : json.then(framed);
}
