/** What a stream writer needs of its request, and the messages it ends a stream with. @module */
import type { ServerResponse } from 'node:http';
import type { OutgoingStreamItem } from '../streams/index.js';
import type { Fault } from './faults.js';

/**
 * Where a stream goes and what it needs of its request, for as long as it is open: the pipeline's
 * request object itself (methods, not closures made per stream).
 */
export interface StreamTarget {
  readonly res: ServerResponse;
  readonly fault: Fault | undefined;
  /** Whether `checkItem` checks anything (the server checks its responses against the spec). */
  readonly checksItems: boolean;
  /** Checks one item against the spec; throws to cut the stream (test mode). */
  checkItem(value: unknown, kind: 'item' | 'error'): void;
  /** The API's in-stream error item with a message: for the error-event fault, a failing producer and shutdown. */
  errorItem(message: string): OutgoingStreamItem<unknown>;
  /** Aborted when the server shuts down: the stream ends with an in-stream error instead of hanging. */
  readonly shutdown: AbortSignal | undefined;
}

/** The in-stream error's message when the server shuts down with the stream open. */
export const shuttingDown = 'The server is shutting down; the answer was cut.';

/** The in-stream error's message when the producer threw. */
export function generationFailed(error: unknown): string {
  return `Generation failed: ${error instanceof Error ? error.message : String(error)}`;
}
