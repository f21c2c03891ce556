/**
 * Request bodies and responses: media types, their schemas, the stream framing this project marks
 * with `x-sambakit-stream`, response statuses and headers.
 * @module
 */
import { compareSchemas, type Direction, type SchemaContext } from './compare-schema.js';
import { child, isObject, resolve, type Json, type JsonObject, type Node } from './pointer.js';
import type { RuleId } from './rules.js';

/** Reports one change of an operation at a location given in words. */
export type Reporter = (rule: RuleId, location: string, message: string, oldPointer: string, newPointer: string) => void;

export interface Docs {
  oldDoc: Json;
  newDoc: Json;
}

/** `application/json` for `application/json; charset=utf-8`: parameters do not make another media type. */
function mediaKey(name: string): string {
  return name.split(';')[0]!.trim().toLowerCase();
}

function mediaTypes(node: Node): Map<string, Node> {
  const map = new Map<string, Node>();
  const content = child(node, 'content');
  if (isObject(content.value)) for (const name of Object.keys(content.value)) map.set(mediaKey(name), child(content, name));
  return map;
}

export function schemaContext(docs: Docs, direction: Direction, location: string, report: Reporter): SchemaContext {
  return { ...docs, direction, seen: new Set(), report: (rule, field, message, o, n) => report(rule, field ? `${location}: ${field}` : location, message, o, n) };
}

function compareMedia(docs: Docs, direction: Direction, where: string, a: Node, b: Node, report: Reporter): void {
  compareStreams(where, a, b, report);
  const oldSchema = child(a, 'schema');
  const newSchema = child(b, 'schema');
  if (oldSchema.value !== undefined && newSchema.value !== undefined) compareSchemas(schemaContext(docs, direction, where, report), oldSchema, newSchema, '');
}

/** Compares the content maps of two bodies (request bodies, responses). */
function compareContent(docs: Docs, direction: Direction, where: string, a: Node, b: Node, report: Reporter): void {
  const before = mediaTypes(a);
  const after = mediaTypes(b);
  const request = direction === 'request';
  for (const [name, node] of before) {
    const other = after.get(name);
    if (!other) report(request ? 'request-media-type-removed' : 'response-media-type-removed', `${where} ${name}`, `media type ${name} was removed`, node.pointer, child(b, 'content').pointer);
    else compareMedia(docs, direction, `${where} ${name}`, node, other, report);
  }
  for (const [name, node] of after) {
    if (!before.has(name)) report(request ? 'request-media-type-added' : 'response-media-type-added', `${where} ${name}`, `media type ${name} was added`, child(a, 'content').pointer, node.pointer);
  }
}

interface StreamInfo {
  framing?: string;
  terminator?: string;
  errorEvents: string[];
  errorProperty?: string;
  eventFromType: boolean;
}

function streamOf(media: Node): StreamInfo | undefined {
  const ext = isObject(media.value) ? media.value['x-sambakit-stream'] : undefined;
  if (!isObject(ext)) return undefined;
  return {
    framing: typeof ext.framing === 'string' ? ext.framing : undefined,
    terminator: typeof ext.terminator === 'string' ? ext.terminator : undefined,
    errorEvents: Array.isArray(ext.errorEvents) ? ext.errorEvents.filter((e): e is string => typeof e === 'string') : [],
    errorProperty: typeof ext.errorProperty === 'string' ? ext.errorProperty : undefined,
    eventFromType: ext.eventFromType === true,
  };
}

/** Stream framing: anything a client's decoder relies on changing is breaking; fewer error event names is not. */
function compareStreams(where: string, a: Node, b: Node, report: Reporter): void {
  const before = streamOf(a);
  const after = streamOf(b);
  const oldPointer = `${a.pointer}/x-sambakit-stream`;
  const newPointer = `${b.pointer}/x-sambakit-stream`;
  if (!before && !after) return;
  if (!before || !after) {
    const framing = (before ?? after)!.framing ?? 'a stream';
    return report('stream-framing-changed', where, before ? `is no longer a stream (was ${framing})` : `is now a stream (${framing}): clients read one document, items arrive`, before ? oldPointer : a.pointer, after ? newPointer : b.pointer);
  }
  const show = (v: unknown) => (v === undefined ? 'none' : JSON.stringify(v));
  // The key's own pointer where it is written, else the extension's.
  const at = (media: Node, base: string, key: string) => (key in ((media.value as JsonObject)['x-sambakit-stream'] as JsonObject) ? `${base}/${key}` : base);
  for (const key of ['framing', 'terminator', 'errorProperty', 'eventFromType'] as const) {
    if (before[key] !== after[key]) report('stream-framing-changed', where, `${key} ${show(before[key])} -> ${show(after[key])}`, at(a, oldPointer, key), at(b, newPointer, key));
  }
  const added = after.errorEvents.filter((e) => !before.errorEvents.includes(e));
  const removed = before.errorEvents.filter((e) => !after.errorEvents.includes(e));
  const oldEvents = at(a, oldPointer, 'errorEvents');
  const newEvents = at(b, newPointer, 'errorEvents');
  if (added.length > 0) report('stream-framing-changed', where, `new in-stream error event ${added.map((e) => JSON.stringify(e)).join(', ')}: clients read it as an item`, oldEvents, newEvents);
  if (removed.length > 0) report('stream-error-events-narrowed', where, `error event ${removed.map((e) => JSON.stringify(e)).join(', ')} is no longer sent`, oldEvents, newEvents);
}

export function compareRequestBodies(docs: Docs, operationA: Node, operationB: Node, report: Reporter): void {
  const a = resolve(docs.oldDoc, child(operationA, 'requestBody'));
  const b = resolve(docs.newDoc, child(operationB, 'requestBody'));
  const required = (node: Node) => isObject(node.value) && node.value.required === true;
  if (a.value === undefined && b.value === undefined) return;
  if (a.value === undefined) {
    if (required(b)) return report('request-body-became-required', 'request body', 'a required request body was added', operationA.pointer, `${b.pointer}/required`);
  } else if (b.value !== undefined) {
    if (!required(a) && required(b)) report('request-body-became-required', 'request body', 'the request body is now required', `${a.pointer}/required`, `${b.pointer}/required`);
    if (required(a) && !required(b)) report('request-body-became-optional', 'request body', 'the request body is now optional', `${a.pointer}/required`, `${b.pointer}/required`);
  }
  compareContent(docs, 'request', 'request body', a, b, report);
}

function isSuccess(status: string): boolean {
  return /^2/.test(status);
}

export function compareResponses(docs: Docs, operationA: Node, operationB: Node, report: Reporter): void {
  const a = child(operationA, 'responses');
  const b = child(operationB, 'responses');
  const before = isObject(a.value) ? Object.keys(a.value) : [];
  const after = isObject(b.value) ? Object.keys(b.value) : [];
  const has = (list: string[], status: string) => list.includes(status) || list.includes(`${status[0]}XX`) || list.includes(`${status[0]}xx`);
  for (const status of before) {
    const oldResponse = resolve(docs.oldDoc, child(a, status));
    if (!after.includes(status)) {
      if (isSuccess(status) && !has(after, status)) report('response-status-removed', `response ${status}`, `status ${status} was removed`, oldResponse.pointer, b.pointer);
      else if (!isSuccess(status)) report('response-error-status-removed', `response ${status}`, `status ${status} is no longer documented`, oldResponse.pointer, b.pointer);
      continue;
    }
    const newResponse = resolve(docs.newDoc, child(b, status));
    compareHeaders(docs, `response ${status}`, oldResponse, newResponse, report);
    compareContent(docs, 'response', `response ${status}`, oldResponse, newResponse, report);
  }
  for (const status of after) {
    if (!before.includes(status)) report('response-status-added', `response ${status}`, `status ${status} was added`, a.pointer, child(b, status).pointer);
  }
}

function headers(docs: Json, response: Node): Map<string, Node> {
  const map = new Map<string, Node>();
  const list = child(response, 'headers');
  if (isObject(list.value)) for (const name of Object.keys(list.value)) map.set(name.toLowerCase(), resolve(docs, child(list, name)));
  return map;
}

function compareHeaders(docs: Docs, where: string, a: Node, b: Node, report: Reporter): void {
  const before = headers(docs.oldDoc, a);
  const after = headers(docs.newDoc, b);
  const required = (node: Node) => isObject(node.value) && node.value.required === true;
  for (const [name, node] of before) {
    const other = after.get(name);
    const at = `${where} header ${name}`;
    if (!other) {
      report('response-header-removed', at, `header ${name} was removed${required(node) ? ' (it was required)' : ''}`, node.pointer, child(b, 'headers').pointer);
      continue;
    }
    if (required(node) && !required(other)) report('response-header-became-optional', at, `header ${name} is no longer required`, `${node.pointer}/required`, `${other.pointer}/required`);
    const oldSchema = child(node, 'schema');
    const newSchema = child(other, 'schema');
    if (oldSchema.value !== undefined && newSchema.value !== undefined) compareSchemas(schemaContext(docs, 'response', at, report), oldSchema, newSchema, '');
  }
  for (const [name, node] of after) {
    if (!before.has(name)) report('response-header-added', `${where} header ${name}`, `header ${name} was added`, child(a, 'headers').pointer, node.pointer);
  }
}
