/**
 * What the Express and Fastify middleware tests share: the payloads, the routes' behaviour (the
 * same in both apps) and the expectations on the API's own error shapes.
 */
import { readFileSync } from 'node:fs';
import type { ViolationReport } from '../../src/validate/middleware/core.js';
import { deref, examplesOf, operations, repoRoot, requestExample, type ApiName } from './spec.js';

export function responseExample(api: ApiName, operationId: string, status = '200', mediaType = 'application/json'): unknown {
  const op = operations(api).find((o) => o.operationId === operationId)!;
  const media = deref(api, op.operation.responses[status]).content[mediaType];
  return structuredClone(examplesOf(api, media)[0]![1]);
}

export const cloudChat = requestExample('sambanova-cloud', 'createChatCompletion', 'basic') as Record<string, unknown>;
export const cloudChatResponse = responseExample('sambanova-cloud', 'createChatCompletion') as Record<string, unknown>;
export const genericPredict = JSON.parse(readFileSync(`${repoRoot}test/fixtures/seeds/sambastudio/generic-predict-request.json`, 'utf8')) as Record<string, unknown>;
export const lmiChat = JSON.parse(readFileSync(`${repoRoot}test/fixtures/seeds/lmi/chat-request.json`, 'utf8')) as Record<string, unknown>;
const sseSeed = readFileSync(`${repoRoot}test/fixtures/seeds/sambanova-cloud/chat-stream-usage.sse`, 'utf8');
export const chunk = JSON.parse(/^data: (.*)$/m.exec(sseSeed)![1]!) as Record<string, unknown>;

/** An SSE transcript whose second item breaks its schema (`object` is not `chat.completion.chunk`). */
export const brokenStream = [`data: ${JSON.stringify(chunk)}\n\n`, `data: ${JSON.stringify({ ...chunk, object: 'chat.completion' })}\n\n`, 'data: [DONE]\n\n'];

/**
 * What every route answers (the same in both frameworks): the chat route sends a valid response,
 * an invalid one (`"x-answer: invalid"`) or a stream with a broken item (`"x-answer: broken-stream"`).
 */
export type Answer = { kind: 'json'; body: unknown } | { kind: 'stream'; parts: string[] };
export function answerFor(header: string | undefined): Answer {
  if (header === 'invalid') return { kind: 'json', body: { ...cloudChatResponse, choices: 'none' } };
  if (header === 'broken-stream') return { kind: 'stream', parts: brokenStream };
  return { kind: 'json', body: cloudChatResponse };
}

export function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer k', key: 'k', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
}

export function collector(): { reports: ViolationReport[]; onViolation: (r: ViolationReport) => void } {
  const reports: ViolationReport[] = [];
  return { reports, onViolation: (r) => reports.push(r) };
}

/** A running app of one framework with the middleware and the routes `answerFor` describes. */
export interface TestApp {
  url: string;
  /** Requests that reached a route handler. */
  handled: string[];
  close(): Promise<void>;
}
