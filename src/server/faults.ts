/**
 * Fault injection by request header: `x-sambakit-fault: <name>[=<number>]`, so a client's retry,
 * timeout and stream-error paths can be tested against real bytes. Everything a fault does is
 * decided here: the catalogue (with what each number means; the README documents them), the
 * header's parsing, the answers that replace the handler's, and what happens to a JSON answer or to
 * a stream at which item. `stream-body.ts` only carries out the stream's part as it writes.
 * @module
 */
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { OutgoingStreamItem, StreamFramingSpec } from '../streams/index.js';
import type { Problem } from './error-styles.js';
import { reached } from './pacing/wait-until.js';

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
  'model-output': {
    description: 'The JSON answer is the API\'s documented model-output error (SambaNova Cloud chat: 200 with the raw output the model could not finish, cut halfway); other operations and streams refuse it with a 400.',
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

/** What a fault does before the handler runs: an error answered instead, or a delay of the whole answer. */
export type FaultBeforeHandler = { answer: Problem; headers?: OutgoingHttpHeaders } | { delayMs: number } | undefined;

export function faultBeforeHandler(fault: Fault, api: string): FaultBeforeHandler {
  switch (fault.name) {
    case 'rate-limit':
      return { answer: { kind: 'rate_limit', message: 'Rate limit exceeded (x-sambakit-fault: rate-limit).' }, headers: rateLimitHeaders(api, fault.value) };
    case 'server-error':
      return { answer: { kind: 'server', message: 'Internal server error (x-sambakit-fault: server-error).' } };
    case 'unavailable':
      return { answer: { kind: 'unavailable', message: 'Service temporarily unavailable (x-sambakit-fault: unavailable).' } };
    case 'slow-headers':
      return { delayMs: fault.value };
    default:
      return undefined;
  }
}

function rateLimitHeaders(api: string, seconds: number): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = { 'retry-after': String(seconds) };
  if (api === 'sambanova-cloud') {
    Object.assign(headers, {
      'x-ratelimit-limit-requests': '20',
      'x-ratelimit-remaining-requests': '0',
      'x-ratelimit-reset-requests': `${seconds}s`,
      'x-ratelimit-limit-requests-day': '4000',
      'x-ratelimit-remaining-requests-day': '3999',
      'x-ratelimit-reset-requests-day': '86400s',
    });
  }
  return headers;
}

/** Waits `ms` from now; false when `signal` aborted first. */
export function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  return reached(performance.now() + ms, signal);
}

/**
 * A JSON answer as a fault leaves it: a failed generation's own form, the model-output error made
 * from the answer, or a body that breaks the schema on purpose; undefined when the fault acts on the writing.
 */
export function faultedJsonBody(fault: Fault, failure: { status: number; body: unknown } | undefined, modelOutputError: (() => unknown) | undefined): { status?: number; body: unknown; checked: boolean } | undefined {
  if (fault.name === 'error-event' && failure) return { status: failure.status, body: failure.body, checked: true };
  if (fault.name === 'model-output' && modelOutputError) return { status: 200, body: modelOutputError(), checked: true };
  if (fault.name === 'invalid-item') return { body: { sambakit_fault: 'invalid-item: this body breaks the response schema on purpose' }, checked: false };
  return undefined;
}

/**
 * A JSON answer under a stream fault: cut in half (malformed-item), paused halfway (stall), or
 * dropped halfway (disconnect); any other fault leaves it whole (error-event without a failure form).
 */
export async function writeJsonWithFault(res: ServerResponse, status: number, headers: OutgoingHttpHeaders, text: string, fault: Fault, signal: AbortSignal): Promise<void> {
  const half = text.slice(0, Math.floor(text.length / 2));
  res.writeHead(status, headers);
  if (fault.name === 'malformed-item') return void res.end(half);
  if (fault.name !== 'stall' && fault.name !== 'disconnect') return void res.end(text);
  res.write(half);
  if (fault.name === 'disconnect') return dropAfterFlush(res);
  if ((await pause(fault.value, signal)) && !res.destroyed) res.end(text.slice(half.length));
}

/** What a stream fault does before item `sent` (0-based) is taken from the producer. */
export type StreamFaultStep = { pauseMs: number } | { fail: string } | { end: string } | 'drop' | undefined;

const failedGeneration = { fail: 'Generation failed (x-sambakit-fault: error-event).' };
const brokenSse = { end: 'data: {"choices": [{"delta": \n\n' };
const brokenJsonLine = { end: '{"result": {"responses": [\n' };

export function streamFaultBefore(fault: Fault, sent: number, framing: StreamFramingSpec): StreamFaultStep {
  if (sent === 2) {
    if (fault.name === 'stall') return { pauseMs: fault.value };
    if (fault.name === 'error-event') return failedGeneration;
    if (fault.name === 'malformed-item') return framing.framing === 'sse' ? brokenSse : brokenJsonLine;
  }
  if (fault.name === 'disconnect' && sent === fault.value) return 'drop';
  return undefined;
}

const invalidItem: OutgoingStreamItem<unknown> = { kind: 'item', value: { sambakit_fault: 'invalid-item: this item breaks the item schema on purpose' } };

/** The item a fault sends in place of item `sent`, or undefined. */
export function streamFaultItem(fault: Fault, sent: number): OutgoingStreamItem<unknown> | undefined {
  return fault.name === 'invalid-item' && sent === 2 ? invalidItem : undefined;
}

/** Drops the connection once what was written has left, so the client sees it, then no end. */
export function dropAfterFlush(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    res.write('', () => {
      res.destroy();
      resolve();
    });
  });
}
