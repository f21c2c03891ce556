/** Writes one Server-Sent Event, or a comment, as text. @module */
import { StreamEncodeError } from './errors.js';

export interface SSEMessageInit {
  /** Any text; each of its lines becomes one `data:` line, and decoders join them back with `\n`. */
  data: string;
  /** Event name; must not contain CR or LF. */
  event?: string;
  /** Event id; must not contain CR, LF or NUL (a decoder ignores an id with NUL). */
  id?: string;
  /** Reconnection time in milliseconds, a non-negative integer. */
  retry?: number;
}

const lineBreak = /\r\n|\r|\n/;

function checkField(field: 'event' | 'id', value: string): void {
  // A line break would end the field early and let the rest be read as other fields.
  if (value.includes('\n') || value.includes('\r')) {
    throw new StreamEncodeError('invalid-field', field, `SSE ${field} must not contain CR or LF: ${JSON.stringify(value)}`);
  }
  if (field === 'id' && value.includes('\0')) {
    throw new StreamEncodeError('invalid-field', field, `SSE id must not contain NUL (decoders ignore such ids): ${JSON.stringify(value)}`);
  }
}

/**
 * One event, ending with the blank line that dispatches it. CR, LF and CRLF inside `data` all split
 * it into `data:` lines, so they come back as `\n`.
 *
 * @example
 * encodeSSE({ event: 'error', data: '{"error":"overloaded"}' });
 * // 'event: error\ndata: {"error":"overloaded"}\n\n'
 */
export function encodeSSE(message: SSEMessageInit): string {
  let out = '';
  if (message.event !== undefined) {
    checkField('event', message.event);
    out += `event: ${message.event}\n`;
  }
  if (message.id !== undefined) {
    checkField('id', message.id);
    out += `id: ${message.id}\n`;
  }
  if (message.retry !== undefined) {
    if (!Number.isInteger(message.retry) || message.retry < 0) {
      throw new StreamEncodeError('invalid-field', 'retry', `SSE retry must be a non-negative integer of milliseconds, got ${String(message.retry)}`);
    }
    out += `retry: ${message.retry}\n`;
  }
  const { data } = message;
  // Always `data: ` with the space: a decoder drops one leading space, so data that starts with one keeps it.
  if (!data.includes('\n') && !data.includes('\r')) return `${out}data: ${data}\n\n`;
  for (const line of data.split(lineBreak)) out += `data: ${line}\n`;
  return `${out}\n`;
}

/** A comment (`: text`), ignored by decoders; servers send one to keep an idle connection open. */
export function encodeSSEComment(text = ''): string {
  let out = '';
  for (const line of text.split(lineBreak)) out += line === '' ? ':\n' : `: ${line}\n`;
  return `${out}\n`;
}
