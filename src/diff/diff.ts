/**
 * Diffs two bundled OpenAPI documents into classified findings. Paths are paired by their template
 * with parameter names blanked (`/models/{}`), so renaming a path parameter is not a removal.
 * @module
 */
import { compareRequestBodies, compareResponses, type Docs, type Reporter } from './content.js';
import { Findings, sortFindings, type Finding, type OperationRef } from './findings.js';
import { compareParameters } from './parameters.js';
import { child, isObject, resolve, type Json, type Node } from './pointer.js';
import { compareSecurity } from './security.js';

const methods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

export interface DiffResult {
  findings: Finding[];
  breaking: number;
  nonBreaking: number;
}

function pathItems(doc: Json): Map<string, { path: string; item: Node }> {
  const map = new Map<string, { path: string; item: Node }>();
  const paths = { value: (doc as { paths?: unknown }).paths, pointer: '/paths' };
  if (!isObject(paths.value)) return map;
  for (const path of Object.keys(paths.value)) map.set(path.replace(/\{[^}]*\}/g, '{}'), { path, item: resolve(doc, child(paths, path)) });
  return map;
}

function operationsOf(item: Node): Map<string, Node> {
  const map = new Map<string, Node>();
  if (isObject(item.value)) for (const method of methods) if (isObject(item.value[method])) map.set(method, child(item, method));
  return map;
}

function operationRef(method: string, path: string, operation: Node): OperationRef {
  const id = (operation.value as { operationId?: unknown }).operationId;
  return { method: method.toUpperCase(), path, ...(typeof id === 'string' ? { operationId: id } : {}) };
}

export function diffDocuments(oldDoc: Json, newDoc: Json): DiffResult {
  const findings = new Findings();
  const docs: Docs = { oldDoc, newDoc };
  const before = pathItems(oldDoc);
  const after = pathItems(newDoc);
  for (const [key, { path, item }] of before) {
    const other = after.get(key);
    for (const [method, operation] of operationsOf(item)) {
      const ref = operationRef(method, path, operation);
      if (!other) {
        findings.report(ref, 'path-removed', 'path', `${path} was removed`, operation.pointer, '/paths');
        continue;
      }
      const newOperation = operationsOf(other.item).get(method);
      if (!newOperation) {
        findings.report(ref, 'operation-removed', 'operation', `${method.toUpperCase()} ${path} was removed`, operation.pointer, other.item.pointer);
        continue;
      }
      const newRef = operationRef(method, other.path, newOperation);
      const report: Reporter = (rule, location, message, o, n) => findings.report(newRef, rule, location, message, o, n);
      if (ref.operationId !== newRef.operationId) report('operation-id-changed', 'operationId', `operationId ${ref.operationId ?? 'none'} -> ${newRef.operationId ?? 'none'}`, `${operation.pointer}/operationId`, `${newOperation.pointer}/operationId`);
      if ((operation.value as { deprecated?: unknown }).deprecated !== true && (newOperation.value as { deprecated?: unknown }).deprecated === true) {
        report('operation-deprecated', 'operation', 'is now deprecated', operation.pointer, `${newOperation.pointer}/deprecated`);
      }
      compareParameters(docs, { oldPath: path, newPath: other.path, oldItem: item, newItem: other.item, oldOperation: operation, newOperation }, report);
      compareRequestBodies(docs, operation, newOperation, report);
      compareResponses(docs, operation, newOperation, report);
      compareSecurity(docs, operation, newOperation, report);
    }
  }
  for (const [key, { path, item }] of after) {
    const other = before.get(key);
    const existing = other ? operationsOf(other.item) : new Map<string, Node>();
    for (const [method, operation] of operationsOf(item)) {
      if (existing.has(method)) continue;
      const ref = operationRef(method, path, operation);
      if (other) findings.report(ref, 'operation-added', 'operation', `${method.toUpperCase()} ${path} was added`, other.item.pointer, operation.pointer);
      else findings.report(ref, 'path-added', 'path', `${path} was added`, '/paths', operation.pointer);
    }
  }
  const sorted = sortFindings(findings.list);
  const breaking = sorted.filter((f) => f.breaking).length;
  return { findings: sorted, breaking, nonBreaking: sorted.length - breaking };
}
