/** What grew between two V8 heap snapshots, by node type and constructor/name. @module */
import { readFileSync } from 'node:fs';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]]; edge_fields: string[]; edge_types: [string[], ...unknown[]] } };
  nodes: number[];
  edges: number[];
  strings: string[];
}

type Census = Map<string, { count: number; bytes: number }>;

/**
 * How a node is told apart: its type and constructor/name (strings and code by type only: their
 * names are their contents); with `detail`, a plain `Object` also by its first property names, and
 * every node that is not a named object also by what holds it (the first strong retainer's
 * constructor and edge), so that "object elements" or "closure" say whose they are.
 */
function keyer(snap: Snapshot, detail: boolean): (node: number) => string {
  const { node_fields: fields, node_types: nodeTypes, edge_fields: edgeFields, edge_types: edgeTypes } = snap.snapshot.meta;
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const types = nodeTypes[0];
  const nameOf = (n: number) => snap.strings[snap.nodes[n * width + nameAt]!]!.slice(0, 40);
  const typeOf = (n: number) => types[snap.nodes[n * width + typeAt]!]!;
  const plain = (n: number) => {
    const type = typeOf(n);
    const byTypeOnly = type === 'string' || type === 'concatenated string' || type === 'sliced string' || type === 'code' || type === 'number';
    return byTypeOnly ? type : `${type}:${nameOf(n)}`;
  };
  if (!detail) return plain;

  const count = snap.nodes.length / width;
  const edgeCountAt = fields.indexOf('edge_count');
  const edgeWidth = edgeFields.length;
  const edgeTypeAt = edgeFields.indexOf('type');
  const edgeNameAt = edgeFields.indexOf('name_or_index');
  const edgeToAt = edgeFields.indexOf('to_node');
  const edgeKinds = edgeTypes[0];
  const weak = edgeKinds.indexOf('weak');
  const property = edgeKinds.indexOf('property');
  const named = (kind: number) => kind !== edgeKinds.indexOf('element') && kind !== edgeKinds.indexOf('hidden');
  const firstEdge = new Uint32Array(count + 1);
  for (let n = 0; n < count; n++) firstEdge[n + 1] = firstEdge[n]! + snap.nodes[n * width + edgeCountAt]!;
  // The first strong retainer of every node, and the edge's name.
  const retainer = new Int32Array(count).fill(-1);
  const retainerEdge = new Int32Array(count).fill(-1);
  for (let n = 0; n < count; n++) {
    for (let e = firstEdge[n]!; e < firstEdge[n + 1]!; e++) {
      if (snap.edges[e * edgeWidth + edgeTypeAt] === weak) continue;
      const to = snap.edges[e * edgeWidth + edgeToAt]! / width;
      if (retainer[to] === -1) {
        retainer[to] = n;
        retainerEdge[to] = e;
      }
    }
  }
  const edgeName = (e: number) => {
    const kind = snap.edges[e * edgeWidth + edgeTypeAt]!;
    const value = snap.edges[e * edgeWidth + edgeNameAt]!;
    return named(kind) ? snap.strings[value]!.slice(0, 30) : `[${edgeKinds[kind]}]`;
  };
  return (n: number) => {
    const type = typeOf(n);
    if (type === 'object' && nameOf(n) !== 'Object' && nameOf(n) !== 'Array') return plain(n);
    let key = plain(n);
    if (type === 'object' && nameOf(n) === 'Object') {
      const props: string[] = [];
      for (let e = firstEdge[n]!; e < firstEdge[n + 1]! && props.length < 6; e++) if (snap.edges[e * edgeWidth + edgeTypeAt] === property) props.push(edgeName(e));
      key = `Object{${props.join(',')}}`;
    }
    // Two holders up for what has no name of its own: "(object elements)" of an Array of whom.
    for (let at = n, up = 0; up < 2; up++) {
      const by = retainer[at]!;
      if (by === -1) break;
      key += ` <- ${plain(by)}.${edgeName(retainerEdge[at]!)}`;
      const byType = typeOf(by);
      if (byType === 'object' && nameOf(by) !== 'Object' && nameOf(by) !== 'Array') break;
      at = by;
    }
    return key;
  };
}

/** Count and self size per kind of node (see `keyer`). */
export function heapCensus(path: string, detail = false): Census {
  const snap = JSON.parse(readFileSync(path, 'utf8')) as Snapshot;
  const width = snap.snapshot.meta.node_fields.length;
  const sizeAt = snap.snapshot.meta.node_fields.indexOf('self_size');
  const key = keyer(snap, detail);
  const census: Census = new Map();
  for (let n = 0; n < snap.nodes.length / width; n++) {
    const k = key(n);
    const entry = census.get(k) ?? { count: 0, bytes: 0 };
    entry.count++;
    entry.bytes += snap.nodes[n * width + sizeAt]!;
    census.set(k, entry);
  }
  return census;
}

/** The entries that grew most in bytes from `before` to `after` (by retainer too with `detail`). */
export function heapGrowth(before: string, after: string, top = 15, detail = false): Array<{ key: string; count: number; bytes: number }> {
  const a = heapCensus(before, detail);
  const b = heapCensus(after, detail);
  const out: Array<{ key: string; count: number; bytes: number }> = [];
  for (const [key, entry] of b) {
    const was = a.get(key) ?? { count: 0, bytes: 0 };
    out.push({ key, count: entry.count - was.count, bytes: entry.bytes - was.bytes });
  }
  return out.sort((x, y) => y.bytes - x.bytes).slice(0, top);
}
