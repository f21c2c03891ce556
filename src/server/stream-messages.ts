/** The messages a stream writer ends a stream with. @module */

/** The in-stream error's message when the server shuts down with the stream open. */
export const shuttingDown = 'The server is shutting down; the answer was cut.';

/** The in-stream error's message when the producer threw. */
export function generationFailed(error: unknown): string {
  return `Generation failed: ${error instanceof Error ? error.message : String(error)}`;
}
