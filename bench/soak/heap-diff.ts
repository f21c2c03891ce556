/** What grew between two V8 heap snapshots, by node type and constructor/name. @module */
import { readFileSync } from 'node:fs';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

/** Count and self size per `type:name` (strings and code grouped by type only: their names are their contents). */
export function heapCensus(path: string): Map<string, { count: number; bytes: number }> {
  const snap = JSON.parse(readFileSync(path, 'utf8')) as Snapshot;
  const fields = snap.snapshot.meta.node_fields;
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const types = snap.snapshot.meta.node_types[0];
  const census = new Map<string, { count: number; bytes: number }>();
  for (let i = 0; i < snap.nodes.length; i += width) {
    const type = types[snap.nodes[i + typeAt]!]!;
    const byTypeOnly = type === 'string' || type === 'concatenated string' || type === 'sliced string' || type === 'code' || type === 'number';
    const key = byTypeOnly ? type : `${type}:${snap.strings[snap.nodes[i + nameAt]!]!.slice(0, 60)}`;
    const entry = census.get(key) ?? { count: 0, bytes: 0 };
    entry.count++;
    entry.bytes += snap.nodes[i + sizeAt]!;
    census.set(key, entry);
  }
  return census;
}

/** The entries that grew most in bytes from `before` to `after`. */
export function heapGrowth(before: string, after: string, top = 15): Array<{ key: string; count: number; bytes: number }> {
  const a = heapCensus(before);
  const b = heapCensus(after);
  const out: Array<{ key: string; count: number; bytes: number }> = [];
  for (const [key, entry] of b) {
    const was = a.get(key) ?? { count: 0, bytes: 0 };
    out.push({ key, count: entry.count - was.count, bytes: entry.bytes - was.bytes });
  }
  return out.sort((x, y) => y.bytes - x.bytes).slice(0, top);
}
