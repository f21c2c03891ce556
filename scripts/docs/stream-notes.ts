/**
 * What a stream operation's page says about its stream, written from the spec: under a stream media
 * type the `schema` is the schema of ONE item and `x-sambakit-stream` says how items are framed
 * (docs/spec-conventions.md, "Streams"). Redoc shows the schema as if it were the whole body, so the
 * operation's description gets, per stream media type, what one item is, how the stream ends, how an
 * error arrives after status 200, and a transcript of the wire built from the media type's examples
 * with the same encoder the reference server uses.
 * @module
 */
import { resolveLocalRef } from '../../src/contract/local-ref.js';
import { encodeStreamEnd, encodeStreamItem } from '../../src/streams/encode-stream-items.js';
import type { StreamFramingSpec } from '../../src/streams/types.js';

type Node = Record<string, unknown>;

interface StreamExtension extends StreamFramingSpec {
  readonly eventFromType?: boolean;
}

interface NamedExample {
  name: string;
  summary: string;
  value: unknown;
}

const methods = ['get', 'put', 'post', 'delete', 'patch'] as const;

/** A copy of `doc` whose stream operations describe their streams. */
export function withStreamNotes<T extends Node>(doc: T): T {
  const out = structuredClone(doc);
  for (const item of Object.values((out.paths ?? {}) as Record<string, Node>)) {
    for (const method of methods) {
      const operation = item[method] as Node | undefined;
      if (!operation) continue;
      const notes = streamMediaTypes(out, operation).map(({ mediaType, media, stream }) => streamNote(out, mediaType, media, stream));
      if (notes.length === 0) continue;
      const description = typeof operation.description === 'string' ? operation.description.trimEnd() : '';
      operation.description = [description, ...notes].filter(Boolean).join('\n\n');
    }
  }
  return out;
}

function streamMediaTypes(doc: Node, operation: Node): Array<{ mediaType: string; media: Node; stream: StreamExtension }> {
  const found = [];
  for (const response of Object.values((operation.responses ?? {}) as Record<string, unknown>)) {
    const content = ((resolveLocalRef(doc, response) as Node | undefined)?.content ?? {}) as Record<string, Node>;
    for (const [mediaType, media] of Object.entries(content)) {
      const stream = media['x-sambakit-stream'] as StreamExtension | undefined;
      if (stream) found.push({ mediaType, media, stream });
    }
  }
  return found;
}

/** An example is an in-stream error when its value is one of the error shapes the item schemas admit. */
function isErrorItem(value: unknown): boolean {
  if (!value || typeof value !== 'object') return false;
  const item = value as Node;
  return 'error' in item || item.type === 'error';
}

function streamNote(doc: Node, mediaType: string, media: Node, stream: StreamExtension): string {
  const examples: NamedExample[] = Object.entries((media.examples ?? {}) as Record<string, unknown>).map(([name, example]) => {
    const resolved = resolveLocalRef(doc, example) as Node;
    return { name, summary: typeof resolved.summary === 'string' ? resolved.summary : name, value: resolved.value };
  });
  const items = examples.filter((e) => !isErrorItem(e.value));
  // A transcript shows the documented form; observed variants stay in the examples list beside it.
  const documented = items.filter((e) => !/^observed variant/i.test(e.summary));
  const shown = documented.length > 0 ? documented : items;
  const errors = examples.filter((e) => isErrorItem(e.value));
  const itemName = schemaName(media.schema);
  const eventOf = (value: unknown) => (stream.eventFromType && value && typeof value === 'object' ? String((value as Node).type) : undefined);
  const frame = (e: NamedExample, kind: 'item' | 'error') => encodeStreamItem({ kind, value: e.value, event: eventOf(e.value) }, stream);
  // An error goes under the first error event name; without one it is a plain data event (or line),
  // told apart by the framing's errorProperty, else by the item schema alone.
  const errorKind = (stream.framing === 'sse' && stream.errorEvents?.length) || stream.errorProperty !== undefined ? 'error' : 'item';

  const lines = [`**Stream: \`${mediaType}\`.** ${framingSentence(stream)} Each ${stream.framing === 'sse' ? "event's data" : 'line'} is one ${itemName ? `\`${itemName}\` ` : ''}item: the schema shown for \`${mediaType}\` under Responses is the schema of one item, not of the whole body.`];
  lines.push(endSentence(stream));
  if (errors.length > 0) lines.push(errorSentence(stream));
  if (shown.length > 0) {
    const transcript = shown.map((e) => frame(e, 'item')).join('') + encodeStreamEnd(stream);
    lines.push(`Example transcript of the wire (items from this operation's examples: ${shown.map((e) => `*${e.summary}*`).join('; ')}):`, fence(transcript));
  }
  const error = errors[0];
  if (error) {
    lines.push(`An error after the stream started (*${error.summary}*):`, fence((shown[0] ? frame(shown[0], 'item') : '') + frame(error, errorKind)));
  }
  return lines.join('\n\n');
}

function framingSentence(stream: StreamExtension): string {
  if (stream.framing === 'jsonl') return 'Newline-delimited JSON: one JSON object per line.';
  const named = stream.eventFromType ? ' Every event is named (`event:`) after the `type` field of its data.' : '';
  return `Server-sent events: one \`data:\` line of JSON per event, events separated by a blank line.${named}`;
}

function endSentence(stream: StreamExtension): string {
  if (stream.terminator === undefined) return 'The stream ends when the body ends; there is no end marker.';
  const marker = stream.framing === 'sse' ? `data: ${stream.terminator}` : stream.terminator;
  return `The stream ends with \`${marker}\`, which is not an item; a body that ends without it was cut.`;
}

function errorSentence(stream: StreamExtension): string {
  if (stream.framing === 'jsonl') return 'An error after status 200 arrives as a line holding the error object, and the stream ends.';
  if (!stream.errorEvents?.length) return 'An error after status 200 arrives as a `data:` event holding the error object, and the stream ends without a terminator.';
  const names = stream.errorEvents.map((n) => `\`event: ${n}\``).join(' or ');
  const plain = stream.errorProperty === undefined ? '' : ` (or as a plain \`data:\` event holding \`${stream.errorProperty}\`)`;
  return `An error after status 200 arrives as an event named ${names}${plain} whose data is the error object, and the stream ends without a terminator.`;
}

function schemaName(schema: unknown): string | undefined {
  const ref = (schema as Node | undefined)?.$ref;
  return typeof ref === 'string' ? ref.slice(ref.lastIndexOf('/') + 1) : undefined;
}

function fence(text: string): string {
  return '```\n' + text.trimEnd() + '\n```';
}
