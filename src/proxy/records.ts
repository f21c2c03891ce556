/**
 * What the proxy reports, one JSON line each: a broken rule of the spec, a fault of the target, a
 * body too large to check, and the summary. The shapes are the log format documented in docs/proxy.md.
 * @module
 */
import type { Violation } from '../validate/index.js';

/** Which part of the exchange a record is about. */
export type Direction = 'request' | 'response' | 'stream';

interface ExchangeFacts {
  /** ISO 8601. */
  time: string;
  /** The proxy's id of the exchange (the same on every record of one request). */
  requestId: string;
  /** The target's `x-request-id`, once its answer has come. */
  upstreamRequestId?: string;
  /** operationId, or null when the path is no operation of the spec. */
  operation: string | null;
  method: string;
  path: string;
}

export interface ViolationRecord extends ExchangeFacts {
  kind: 'violation';
  direction: Direction;
  /** JSON Pointer into the request (`/body/...`, `/header/...`), the response (`/body`, `/status`) or the stream (`/items/<n>/...`). */
  pointer: string;
  rule: string;
  expected: string;
  received: unknown;
  message: string;
}

export type UpstreamFault = 'status' | 'stream-error' | 'cut' | 'timeout' | 'unreachable' | 'closed';

export interface UpstreamFaultRecord extends ExchangeFacts {
  kind: 'upstream-fault';
  /**
   * `status`: a 429 or 5xx passed through; `stream-error`: an in-stream error event passed through;
   * `cut`: the answer ended before its end; `timeout`/`unreachable`: answered 504/502 by the proxy;
   * `closed`: the target closed a kept connection before answering the request; the client's connection was closed the same way.
   */
  fault: UpstreamFault;
  status?: number;
  /** Retry-After and rate-limit headers of a 429, as sent. */
  headers?: Record<string, string>;
  message: string;
}

export interface UncheckedRecord extends ExchangeFacts {
  kind: 'unchecked';
  direction: Direction;
  message: string;
}

export interface SummaryRecord {
  kind: 'summary';
  time: string;
  api: string;
  target: string;
  requests: number;
  /** Exchanges over (answer ended or cut, checks done); less than `requests` while some are open. */
  completed: number;
  requestsByOperation: Record<string, number>;
  violations: number;
  /** operation -> rule -> count. */
  violationsByOperation: Record<string, Record<string, number>>;
  upstreamFaults: Record<string, number>;
  /** Requests answered by the proxy itself under --strict. */
  rejected: number;
  unchecked: number;
}

export type ProxyRecord = ViolationRecord | UpstreamFaultRecord | UncheckedRecord | SummaryRecord;

export function violationRecord(facts: ExchangeFacts, direction: Direction, v: Violation): ViolationRecord {
  return { kind: 'violation', ...facts, direction, pointer: v.path, rule: v.rule, expected: v.expected, received: v.received, message: v.message };
}

export type { ExchangeFacts };
