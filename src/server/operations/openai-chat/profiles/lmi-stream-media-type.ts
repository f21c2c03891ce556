/**
 * @module Which framing an LMI stream gets. LMI itself does not negotiate: the rolling-batch path
 * always writes JSON lines, the vLLM rolling-batch path of recent DJL sources always writes SSE. The
 * reference server picks per request, in this order:
 *
 * 1. variant `sse`: server-sent events;
 * 2. an Accept header naming `text/event-stream`: server-sent events;
 * 3. an Accept header naming a JSON-lines type (`application/jsonlines`, `application/jsonl`,
 *    `application/x-ndjson`): JSON lines;
 * 4. an Accept header naming `application/json` and neither of the above: server-sent events. This is
 *    what every OpenAI SDK sends (the Stainless SDKs put `Accept: application/json` on every request,
 *    streams included) and they read only SSE: against a JSON-lines stream they silently yield
 *    nothing. A stream cannot be `application/json` anyway, so SSE is the only framing such a client
 *    can have asked for;
 * 5. anything else (no Accept, `*` / `*`, other types: curl, Python requests, DJL's own client,
 *    SageMaker's response streaming): JSON lines, LMI's documented default.
 *
 * Entries with `q=0` are refusals and are skipped.
 */

export type LmiStreamMediaType = 'text/event-stream' | 'application/jsonlines';

const JSON_LINES = new Set(['application/jsonlines', 'application/jsonl', 'application/x-ndjson']);

/** Media types the Accept header asks for (lower case, parameters dropped, q=0 left out). */
export function acceptedMediaTypes(accept: string | null): string[] {
  if (!accept) return [];
  return accept
    .split(',')
    .map((entry) => entry.split(';').map((part) => part.trim().toLowerCase()))
    .filter(([type, ...params]) => type !== undefined && type !== '' && !params.some((param) => /^q=0(\.0*)?$/.test(param)))
    .map(([type]) => type!);
}

export function lmiStreamMediaType(accept: string | null, variant: string | undefined): LmiStreamMediaType {
  if (variant === 'sse') return 'text/event-stream';
  const types = acceptedMediaTypes(accept);
  if (types.includes('text/event-stream')) return 'text/event-stream';
  if (types.some((type) => JSON_LINES.has(type))) return 'application/jsonlines';
  if (types.includes('application/json')) return 'text/event-stream';
  return 'application/jsonlines';
}
