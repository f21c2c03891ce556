/** Shared helpers for the chat suites: requests over real HTTP, raw SSE / JSON-lines parsing, spec validators. @module */
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { validatorsOf, type ApiName } from '../../helpers/spec.js';
import type { TestServer } from '../../helpers/server.js';

export const key = 'sk-chat-test-31';
export const jsonHeaders = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };

export const paths = {
  studio: '/v1/proj-1/ep-1/chat/completions',
  studioOpenAI: '/openai/v1/proj-1/ep-1/chat/completions',
  cloud: '/cloud/v1/chat/completions',
  lmi: '/lmi/v1/chat/completions',
  lmiInvoke: '/lmi/invocations',
} as const;

export const weatherTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: {
      type: 'object',
      properties: { city: { type: 'string', minLength: 1 }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] }, days: { type: 'integer', minimum: 1, maximum: 7 } },
      required: ['city', 'unit'],
      additionalProperties: false,
    },
  },
} as const;

export const stockTool = {
  type: 'function',
  function: {
    name: 'lookup_stock',
    description: 'Latest stock price for a ticker symbol',
    parameters: { type: 'object', properties: { ticker: { type: 'string', pattern: '^[A-Z]{1,5}$' } }, required: ['ticker'] },
  },
} as const;

export function chatBody(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { model: 'Meta-Llama-3.1-8B-Instruct', messages: [{ role: 'system', content: 'You answer briefly.' }, { role: 'user', content: 'Tell me about rivers.' }], ...extra };
}

export function post(server: TestServer, path: string, body: unknown, headers: Record<string, string> = {}, signal?: AbortSignal): Promise<Response> {
  return fetch(`${server.url}${path}`, { method: 'POST', headers: { ...jsonHeaders, ...headers }, body: JSON.stringify(body), ...(signal ? { signal } : {}) });
}

export async function postJson(server: TestServer, path: string, body: unknown, headers: Record<string, string> = {}): Promise<any> {
  const response = await post(server, path, body, headers);
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${path} answered ${response.status}: ${text}`);
  return JSON.parse(text);
}

export interface SseEvent {
  event?: string;
  data: string;
}

/** Server-sent events of a body, as written (no library in between: the wire is what is tested). */
export function parseSse(text: string): SseEvent[] {
  const events: SseEvent[] = [];
  for (const block of text.split(/\r?\n\r?\n/)) {
    if (block.trim() === '') continue;
    let event: string | undefined;
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
    }
    events.push(event === undefined ? { data: data.join('\n') } : { event, data: data.join('\n') });
  }
  return events;
}

export function parseJsonLines(text: string): unknown[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as unknown);
}

export interface SseStream {
  response: Response;
  text: string;
  events: SseEvent[];
  /** Parsed data of the events without a name, `[DONE]` left out. */
  chunks: any[];
  done: boolean;
}

export async function postSse(server: TestServer, path: string, body: unknown, headers: Record<string, string> = {}): Promise<SseStream> {
  const response = await post(server, path, body, headers);
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${path} answered ${response.status}: ${text}`);
  const events = parseSse(text);
  const chunks = events.filter((e) => e.event === undefined && e.data !== '[DONE]').map((e) => JSON.parse(e.data));
  return { response, text, events, chunks, done: events.at(-1)?.data === '[DONE]' };
}

/** The text a stream's chunks add up to, per choice index. */
export function contentByChoice(chunks: any[], field = 'content'): Map<number, string> {
  const out = new Map<number, string>();
  for (const chunk of chunks) for (const choice of chunk.choices ?? []) {
    const piece = choice.delta?.[field];
    if (typeof piece === 'string') out.set(choice.index, (out.get(choice.index) ?? '') + piece);
  }
  return out;
}

/** An independent JSON Schema checker for generated content and arguments. */
export function makeAjv() {
  const ajv = new Ajv2020.default({ allErrors: true, strict: false });
  addFormats.default(ajv);
  return ajv;
}

/** The generated validator of a 200 response (or stream item) of an operation, to judge items the pipeline does not check. */
export async function responseValidator(api: ApiName, operationId: string, mediaType: string) {
  const validators = await validatorsOf(api);
  const validate = validators[operationId]?.responses['200']?.[mediaType];
  if (!validate) throw new Error(`no validator for ${api} ${operationId} 200 ${mediaType}`);
  return validate;
}

/** Byte chunks of a body with the time each arrived (ms since `start`). */
export async function readTimed(response: Response, start: number): Promise<Array<{ atMs: number; text: string }>> {
  const out: Array<{ atMs: number; text: string }> = [];
  const decoder = new TextDecoder();
  const reader = response.body!.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    out.push({ atMs: performance.now() - start, text: decoder.decode(value, { stream: true }) });
  }
  return out;
}

/** Strips what legitimately differs between two identical requests: ids, timestamps, timing figures. */
export function withoutVolatile(value: unknown): unknown {
  const volatile = new Set(['id', 'created', 'usage', 'system_fingerprint']);
  if (Array.isArray(value)) return value.map(withoutVolatile);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).filter(([k]) => !volatile.has(k)).map(([k, v]) => [k, withoutVolatile(v)]));
  return value;
}
