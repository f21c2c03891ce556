/**
 * One piece of a streamed response's body, written the cheap way where it can be. Node's
 * `res.write` on a chunked response corks the socket, hands it the size line, the data and the CRLF
 * as four writes and uncorks on the next tick (one writev of four buffers, a tick callback and
 * the stream machinery's bookkeeping for each): at thousands of open streams, once per token, that
 * is a large part of the server's CPU. Once the head is on the socket, the same bytes framed into one
 * string (`<size in hex>\r\n<data>\r\n`) go to the socket in one write.
 * @module
 */
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** Node's own fields of a response read here (Node 20 to 24); a Node without them gets `res.write`. */
interface ResponseInternals {
  chunkedEncoding?: boolean;
  _headerSent?: boolean;
  outputData?: unknown[];
}

/**
 * The socket a chunk of `res` may go to directly: the response is chunked (so it has a body: not
 * HEAD, not an HTTP/1.0 client), its head has been handed to the socket, nothing of it waits in
 * Node's own queue (a pipelined response not yet at the head of its connection), and the socket is
 * its own and open. Undefined otherwise: then `res.write` does it all.
 */
function directSocket(res: ServerResponse): Socket | undefined {
  const internals = res as unknown as ResponseInternals;
  const { socket } = res;
  if (internals.chunkedEncoding !== true || internals._headerSent !== true || internals.outputData?.length !== 0) return undefined;
  if (!socket || !socket.writable || res.writableEnded || (socket as unknown as { _httpMessage?: unknown })._httpMessage !== res) return undefined;
  return socket;
}

/**
 * Writes `text` as the next piece of `res`'s body, the same bytes on the wire as `res.write(text)`.
 * False when the socket holds more than its high-water mark: then wait for 'drain' on `drainSource(res)`.
 */
export function writeBodyText(res: ServerResponse, text: string): boolean {
  const socket = text.length === 0 ? undefined : directSocket(res);
  if (!socket) return res.write(text);
  return socket.write(`${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n`);
}

/** What says 'drain' after a write returned false: the response if Node wrote it (it then waits for it), else the socket. */
export function drainSource(res: ServerResponse): ServerResponse | Socket {
  return res.writableNeedDrain || !res.socket ? res : res.socket;
}
