/** Writes one value as a JSON line. @module */
import { StreamEncodeError } from './errors.js';

/**
 * `JSON.stringify(value)` and a `\n`. JSON text never holds a raw CR or LF (they are escaped inside
 * strings), so the value cannot break the framing.
 *
 * @example
 * encodeJSONLine({ token: { text: 'hi' } }); // '{"token":{"text":"hi"}}\n'
 */
export function encodeJSONLine(value: unknown): string {
  return `${itemJSON(value)}\n`;
}

/**
 * `JSON.stringify(value)`, or a StreamEncodeError naming why the value cannot be a stream item.
 * The text holds no raw line break, so it fits in one JSON line or one SSE `data:` line.
 */
export function itemJSON(value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (cause) {
    throw new StreamEncodeError('not-serializable', 'value', `Stream item cannot be written as JSON: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
  // JSON.stringify answers undefined (not a string) for undefined, functions and symbols.
  if (text === undefined) throw new StreamEncodeError('not-serializable', 'value', `Stream item cannot be written as JSON: ${typeof value}`);
  return text;
}
