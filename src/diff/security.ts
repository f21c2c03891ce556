/**
 * An operation's security, compared by what it accepts: every credential set that satisfied an old
 * requirement must still satisfy a new one. Schemes are compared by definition (type, scheme,
 * header name...), not by the name a document gives them.
 * @module
 */
import type { Docs, Reporter } from './content.js';
import { child, isObject, resolve, type Json, type Node } from './pointer.js';

/** One alternative: scheme signatures with their scopes. An empty alternative lets anyone in. */
type Alternative = Map<string, { label: string; scopes: string[] }>;

function schemeOf(doc: Json, name: string): Record<string, unknown> | undefined {
  const schemes = isObject(doc) && isObject(doc.components) && isObject(doc.components.securitySchemes) ? doc.components.securitySchemes : {};
  const scheme = resolve(doc, { value: schemes[name], pointer: `/components/securitySchemes/${name}` }).value;
  return isObject(scheme) ? scheme : undefined;
}

function signature(scheme: Record<string, unknown> | undefined, name: string): string {
  if (!scheme) return `undefined:${name}`;
  const lower = (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : v);
  return JSON.stringify([scheme.type, lower(scheme.scheme), scheme.in, scheme.in === 'header' ? lower(scheme.name) : scheme.name, scheme.openIdConnectUrl, scheme.flows]);
}

/** `bearer (http bearer)`, `apiKey (apiKey in header x-api-key)`. */
function schemeLabel(scheme: Record<string, unknown> | undefined, name: string): string {
  if (!scheme) return `${name} (undefined scheme)`;
  const kind = scheme.type === 'http' ? `http ${String(scheme.scheme)}` : scheme.type === 'apiKey' ? `apiKey in ${String(scheme.in)} ${String(scheme.name)}` : String(scheme.type);
  return `${name} (${kind})`;
}

function effective(doc: Json, operation: Node): { alternatives: Alternative[]; pointer: string } {
  const own = child(operation, 'security');
  const node = own.value !== undefined ? own : { value: (doc as any)?.security, pointer: '/security' };
  const list = Array.isArray(node.value) ? node.value : [];
  const alternatives = list.filter(isObject).map((requirement) => {
    const alternative: Alternative = new Map();
    for (const [name, scopes] of Object.entries(requirement)) {
      const scheme = schemeOf(doc, name);
      alternative.set(signature(scheme, name), { label: schemeLabel(scheme, name), scopes: Array.isArray(scopes) ? scopes.map(String) : [] });
    }
    return alternative;
  });
  return { alternatives, pointer: node.value !== undefined ? node.pointer : operation.pointer };
}

/** Whether `newer` accepts every request `older` accepted. */
function accepts(newer: Alternative, older: Alternative): boolean {
  for (const [sig, { scopes }] of newer) {
    const had = older.get(sig);
    if (!had || !scopes.every((s) => had.scopes.includes(s))) return false;
  }
  return true;
}

const describe = (alternatives: Alternative[]) =>
  alternatives.length === 0 ? 'no security' : alternatives.map((a) => (a.size === 0 ? 'anonymous' : [...a.values()].map((s) => s.label + (s.scopes.length ? `[${s.scopes.join(',')}]` : '')).join('+'))).join(' or ');

export function compareSecurity(docs: Docs, operationA: Node, operationB: Node, report: Reporter): void {
  const before = effective(docs.oldDoc, operationA);
  const after = effective(docs.newDoc, operationB);
  // No requirement at all accepts everyone, as does an empty alternative.
  const oldAlternatives = before.alternatives.length === 0 ? [new Map() as Alternative] : before.alternatives;
  const newAlternatives = after.alternatives.length === 0 ? [new Map() as Alternative] : after.alternatives;
  const refused = oldAlternatives.filter((old) => !newAlternatives.some((alt) => accepts(alt, old)));
  const key = (list: Alternative[]) => JSON.stringify(list.map((a) => [...a.entries()].map(([sig, s]) => [sig, [...s.scopes].sort()]).sort()).sort());
  const message = `${describe(before.alternatives)} -> ${describe(after.alternatives)}`;
  if (refused.length > 0) {
    report('security-changed', 'security', `${message}: ${describe(refused)} no longer accepted`, before.pointer, after.pointer);
  } else if (key(oldAlternatives) !== key(newAlternatives)) {
    report('security-relaxed', 'security', `${message}: every credential that worked still works`, before.pointer, after.pointer);
  }
}
