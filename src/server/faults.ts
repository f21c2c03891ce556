/**
 * Fault injection by request header: `x-sambakit-fault: <name>[=<number>]`, so a client's retry,
 * timeout and stream-error paths can be tested against real bytes. Every fault is listed here with
 * what its number means; the README documents them with examples.
 * @module
 */

export interface FaultSpec {
  description: string;
  /** Meaning and default of the optional `=<number>`. */
  parameter?: { meaning: string; default: number };
}

export const faults = {
  'rate-limit': {
    description: '429 in the API\'s own error shape, with `Retry-After` (and the rate-limit headers on SambaNova Cloud).',
    parameter: { meaning: 'seconds in Retry-After', default: 1 },
  },
  'server-error': { description: '500 in the API\'s own error shape.' },
  unavailable: { description: '503 (plain text on SambaNova Cloud, as the service sends it).' },
  'slow-headers': {
    description: 'The response headers are sent only after a delay; the answer is normal after it.',
    parameter: { meaning: 'delay in milliseconds', default: 5000 },
  },
  stall: {
    description: 'The stream stops sending after two items for a while, then goes on (a JSON answer pauses halfway).',
    parameter: { meaning: 'pause in milliseconds', default: 30000 },
  },
  disconnect: {
    description: 'The connection is dropped after two items, without the end of the stream (a JSON answer halfway).',
    parameter: { meaning: 'items sent before the drop', default: 2 },
  },
  'malformed-item': {
    description: 'The third item is broken JSON and the stream ends (a JSON answer is cut in half).',
  },
  'error-event': {
    description: 'After two items, an in-stream error in the API\'s real form (SSE error event or JSON-lines error line); the stream then ends. A JSON answer gets the API\'s form of a failed answer where it has one (LMI\'s own schema), else is sent as is.',
  },
  'invalid-item': {
    description: 'The third item (or the JSON answer) is valid JSON that breaks its schema; a stream goes on normally.',
  },
} as const satisfies Record<string, FaultSpec>;

export type FaultName = keyof typeof faults;

export interface Fault {
  name: FaultName;
  value: number;
}

export type FaultParse = { ok: true; fault: Fault | undefined } | { ok: false; message: string };

export function parseFault(header: string | null | undefined): FaultParse {
  if (header === null || header === undefined || header.trim() === '') return { ok: true, fault: undefined };
  const match = /^\s*([a-z-]+)\s*(?:=\s*(\d+(?:\.\d+)?)\s*)?$/.exec(header);
  const name = match?.[1];
  if (!match || !name || !(name in faults)) {
    return { ok: false, message: `x-sambakit-fault "${header}" is not a known fault; use one of: ${Object.keys(faults).join(', ')} (optionally =<number>).` };
  }
  const spec: FaultSpec = faults[name as FaultName];
  if (match[2] !== undefined && !spec.parameter) return { ok: false, message: `x-sambakit-fault ${name} takes no number.` };
  return { ok: true, fault: { name: name as FaultName, value: match[2] !== undefined ? Number(match[2]) : (spec.parameter?.default ?? 0) } };
}
