/**
 * The answer to a connection Node's HTTP parser gives up on: a head or request past its timeout, a
 * head too large, bytes that are not HTTP. Node's own answer is a status line with no words; this one
 * says what went wrong (plain text: the request's API, and so its error shape, is not known yet).
 * @module
 */
import { maxHeaderSize } from 'node:http';
import type { Duplex } from 'node:stream';

interface ClientErrorTimeouts {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
}

/** Answers `error` on `socket`, as a `clientError` listener must, and closes the connection. */
export function answerClientError(error: NodeJS.ErrnoException & { reason?: string }, socket: Duplex, timeouts: ClientErrorTimeouts): void {
  const answering = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  // A reset connection cannot be answered, nor one whose answer has started.
  if (error.code === 'ECONNRESET' || !socket.writable || answering?.headersSent) {
    socket.destroy();
    return;
  }
  const [status, reason, text] = describe(error, timeouts);
  const body = Buffer.from(`${text}\n`);
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${body.byteLength}\r\nConnection: close\r\n\r\n${body}`);
}

function describe(error: NodeJS.ErrnoException & { reason?: string }, { headersTimeoutMs, requestTimeoutMs }: ClientErrorTimeouts): [number, string, string] {
  switch (error.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return [408, 'Request Timeout', `The request did not arrive in time: its head must come within ${headersTimeoutMs} ms and the whole request within ${requestTimeoutMs} ms.`];
    case 'HPE_HEADER_OVERFLOW':
      return [431, 'Request Header Fields Too Large', `The request head is larger than the ${maxHeaderSize} bytes this server reads.`];
    default:
      return [400, 'Bad Request', `The request is not valid HTTP/1.1: ${error.reason ?? error.message}.`];
  }
}
