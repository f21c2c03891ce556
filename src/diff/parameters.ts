/**
 * Parameters of an operation: path-item and operation parameters merged (the operation's win),
 * paired old to new, with moves (same name, another `in`) and renames (same place, another name,
 * same schema) told apart from removals and additions.
 * @module
 */
import { compareSchemas } from './compare-schema.js';
import { schemaContext, type Docs, type Reporter } from './content.js';
import { child, isObject, resolve, type Json, type Node } from './pointer.js';

interface Parameter {
  node: Node;
  in: string;
  name: string;
  /** Identity: `query:stream`; path parameters by their place in the template (`path:#1`). */
  key: string;
  required: boolean;
  schema: Node;
}

function parameterList(doc: Json, pathItem: Node, operation: Node, template: string): Parameter[] {
  const byPlace = new Map<string, Parameter>();
  const pathNames = [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
  for (const owner of [pathItem, operation]) {
    const list = child(owner, 'parameters');
    if (!Array.isArray(list.value)) continue;
    list.value.forEach((_, i) => {
      const node = resolve(doc, child(list, i));
      if (!isObject(node.value) || typeof node.value.in !== 'string' || typeof node.value.name !== 'string') return;
      const where = node.value.in;
      const name = where === 'header' ? node.value.name.toLowerCase() : node.value.name;
      const position = where === 'path' ? pathNames.indexOf(node.value.name) : -1;
      const key = where === 'path' && position >= 0 ? `path:#${position}` : `${where}:${name}`;
      const content = child(node, 'content');
      const schema = node.value.schema !== undefined || !isObject(content.value) ? child(node, 'schema') : child(content, Object.keys(content.value)[0] ?? '', 'schema');
      byPlace.set(`${where}:${name}`, { node, in: where, name, key, required: node.value.required === true || where === 'path', schema });
    });
  }
  return [...byPlace.values()];
}

/** The effective serialisation: style and explode with the defaults OpenAPI gives each place. */
function serialization(p: Parameter): string {
  const value = p.node.value as Record<string, unknown>;
  const style = typeof value.style === 'string' ? value.style : p.in === 'query' || p.in === 'cookie' ? 'form' : 'simple';
  const explode = typeof value.explode === 'boolean' ? value.explode : style === 'form';
  return `style ${style}, explode ${explode}`;
}

const sameSchema = (docs: Docs, a: Parameter, b: Parameter) =>
  JSON.stringify(resolve(docs.oldDoc, a.schema).value ?? null) === JSON.stringify(resolve(docs.newDoc, b.schema).value ?? null);

export function compareParameters(docs: Docs, items: { oldPath: string; newPath: string; oldItem: Node; newItem: Node; oldOperation: Node; newOperation: Node }, report: Reporter): void {
  const before = parameterList(docs.oldDoc, items.oldItem, items.oldOperation, items.oldPath);
  const after = parameterList(docs.newDoc, items.newItem, items.newOperation, items.newPath);
  const pairs: Array<[Parameter, Parameter]> = [];
  const oldOnly = before.filter((p) => {
    const match = after.find((q) => q.key === p.key);
    if (match) pairs.push([p, match]);
    return !match;
  });
  const newOnly = after.filter((q) => !before.some((p) => p.key === q.key));
  const take = (list: Parameter[], p: Parameter) => list.splice(list.indexOf(p), 1);

  for (const p of [...oldOnly]) {
    const moved = newOnly.find((q) => q.name.toLowerCase() === p.name.toLowerCase() && q.in !== p.in);
    if (!moved) continue;
    report('parameter-moved', `${p.in} parameter ${p.name}`, `moved from ${p.in} to ${moved.in}: clients send it where it is no longer read`, p.node.pointer, moved.node.pointer);
    take(oldOnly, p);
    take(newOnly, moved);
  }
  for (const p of [...oldOnly]) {
    // Only a parameter of the same place and the very same schema counts as renamed; anything
    // looser would turn an unrelated removal and addition into a breaking rename.
    const renamed = newOnly.find((q) => q.in === p.in && sameSchema(docs, p, q));
    if (!renamed) continue;
    report('parameter-renamed', `${p.in} parameter ${p.name}`, `renamed to ${renamed.name}: clients send the old name`, p.node.pointer, renamed.node.pointer);
    take(oldOnly, p);
    take(newOnly, renamed);
  }
  for (const p of oldOnly) report('request-parameter-removed', `${p.in} parameter ${p.name}`, 'was removed', p.node.pointer, items.newOperation.pointer);
  for (const q of newOnly) {
    if (q.required) report('request-parameter-became-required', `${q.in} parameter ${q.name}`, 'is a new required parameter', items.oldOperation.pointer, q.node.pointer);
    else report('request-parameter-added', `${q.in} parameter ${q.name}`, 'is a new optional parameter', items.oldOperation.pointer, q.node.pointer);
  }
  for (const [p, q] of pairs) {
    const where = `${q.in} parameter ${q.name}`;
    if (p.name !== q.name) report('path-parameter-renamed', where, `path parameter {${p.name}} is now {${q.name}}; the URL is the same`, p.node.pointer, q.node.pointer);
    if (!p.required && q.required) report('request-parameter-became-required', where, 'is now required', p.node.pointer, q.node.pointer);
    if (p.required && !q.required) report('request-parameter-became-optional', where, 'is no longer required', p.node.pointer, q.node.pointer);
    if (serialization(p) !== serialization(q)) report('parameter-serialization-changed', where, `${serialization(p)} -> ${serialization(q)}`, p.node.pointer, q.node.pointer);
    if (p.schema.value !== undefined && q.schema.value !== undefined) compareSchemas(schemaContext(docs, 'request', where, report), p.schema, q.schema, '');
  }
}
