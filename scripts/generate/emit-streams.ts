/**
 * The typed stream map: for every operation that can answer with a stream, its media types, how
 * items are framed, and (in the .d.ts) the TypeScript type of one item. Clients, encoders and
 * stream validators read this map instead of knowing operations by name.
 * @module
 */
import type { OperationEntry } from './catalog.js';
import { generatedHeader } from './header.js';

export function emitStreams(operations: OperationEntry[]): { js: string; dts: string } {
  const entries: Array<{ op: OperationEntry; status: string; mediaType: string; framing: Record<string, unknown>; validator: string }> = [];
  for (const op of operations) {
    for (const r of op.responses) {
      for (const m of r.media) {
        if (m.stream) entries.push({ op, status: r.status, mediaType: m.mediaType, framing: { ...m.stream }, validator: m.name });
      }
    }
  }
  const byOp = new Map<string, typeof entries>();
  for (const e of entries) byOp.set(e.op.operationId, [...(byOp.get(e.op.operationId) ?? []), e]);

  const js = [generatedHeader, '/** Stream media types per operation: framing, terminator, how in-stream errors are told, and the status they come with. */', 'export const streams = {'];
  const dts = [
    generatedHeader,
    "import type { operations } from './schema.js';",
    '',
    '/** How the items of one stream are framed on the wire. */',
    'export interface StreamFraming {',
    "  readonly framing: 'sse' | 'jsonl';",
    '  /** SSE data that ends the stream; it is not an item. */',
    '  readonly terminator?: string;',
    '  /** The stream may also end without the terminator (an operation answering in two schemas); its absence is then no cut. */',
    '  readonly terminatorOptional?: boolean;',
    '  /** SSE event names whose data is an in-stream error item. */',
    '  readonly errorEvents?: readonly string[];',
    '  /** An item whose JSON object has this member (not null) is an in-stream error item, whatever its event name. */',
    '  readonly errorProperty?: string;',
    '  /** Every SSE event carries an `event:` line equal to the `type` field of its data (Responses, Messages). */',
    '  readonly eventFromType?: boolean;',
    '  /** HTTP status the stream is sent with. */',
    '  readonly status: number;',
    '}',
    '',
    'export declare const streams: {',
  ];
  const itemTypes = ['/** The type of one item of each stream, by operation and media type. */', 'export interface StreamItems {'];
  for (const [operationId, list] of byOp) {
    const id = JSON.stringify(operationId);
    js.push(`  ${id}: {`);
    dts.push(`  readonly ${id}: {`);
    itemTypes.push(`  ${id}: {`);
    for (const e of list) {
      const mt = JSON.stringify(e.mediaType);
      const framing = { ...e.framing, status: Number(e.status) };
      js.push(`    ${mt}: ${JSON.stringify(framing)},`);
      dts.push(`    readonly ${mt}: StreamFraming & ${JSON.stringify(framing)};`);
      itemTypes.push(`    ${mt}: operations[${id}]['responses'][${JSON.stringify(e.status)}]['content'][${mt}];`);
    }
    js.push('  },');
    dts.push('  };');
    itemTypes.push('  };');
  }
  js.push('};', '');
  dts.push('};', '', ...itemTypes, '}', '', '/** Operations that can answer with a stream. */', 'export type StreamingOperationId = keyof StreamItems;', '');
  return { js: js.join('\n'), dts: dts.join('\n') };
}
