/**
 * Every violation of a small body with many wrong items (1,000 wrong Responses input items in
 * 4 KB) is described a window of items at a time, the event loop getting turns in between, to
 * exactly the violations one call over the whole body gives.
 */
import { describe, expect, it } from 'vitest';
import { requestViolations } from '../../src/server/request-validation.js';
import { buildRoutes } from '../../src/server/routes.js';
import { bodySizeLimits } from '../../src/server/json-body.js';
import { validateRequest } from '../../src/validate/check.js';
import { yieldsBeforeSettling } from '../helpers/turns.js';

const model = 'Meta-Llama-3.3-70B-Instruct';
const routes = buildRoutes();
const route = (api: string, operationId: string) => routes.find((r) => r.api === api && r.operationId === operationId)!;
const responses = route('sambanova-cloud', 'createResponse');
const cloudChat = route('sambanova-cloud', 'createChatCompletion');
const lmiChat = route('lmi', 'createChatCompletion');
const studioChat = route('sambastudio', 'createChatCompletion');

const message = (i: number) => ({ role: i % 2 ? 'assistant' : 'user', content: `message ${i}` });
/** `count` messages, those at indices where `wrong(i)` holds broken in one of a few ways. */
const messages = (count: number, wrong: (i: number) => boolean) =>
  Array.from({ length: count }, (_, i) => (!wrong(i) ? message(i) : [{ role: 7 }, { role: 'user' }, { role: 'robot', content: 'x' }, 'hello', { role: 'user', content: 5, extra: 1 }][i % 5]));

const cases: [string, (typeof routes)[number], Record<string, unknown>][] = [
  ['Responses: 1,000 wrong input items', responses, { model, input: Array.from({ length: 1000 }, () => ({ role: 7 })) }],
  ['Responses: some wrong items, wrong fields before and after', responses, { model: 5, input: messages(300, (i) => i % 7 === 3), temperature: 9, extra: true }],
  ['Responses: valid items, a wrong field after them', responses, { model, input: messages(200, () => false), temperature: 9 }],
  ['Responses: only the last item wrong', responses, { model, input: messages(129, (i) => i === 128) }],
  ['Cloud chat: wrong messages and tools, a wrong field after', cloudChat, { model, messages: messages(400, (i) => i % 3 === 0), temperature: 'hot', tools: [{ type: 'x' }] }],
  ['Cloud chat: a required field missing, every message wrong', cloudChat, { messages: messages(150, () => true) }],
  ['LMI chat: wrong messages', lmiChat, { messages: messages(500, (i) => i > 250) }],
  ['SambaStudio chat (a root oneOf of one request or a batch): wrong messages', studioChat, { messages: messages(100, () => true), max_tokens: 'x' }],
];

describe('every violation of a body with many wrong items, described in windows', () => {
  it('equals what one call over the whole body tells', async () => {
    for (const [name, target, body] of cases) {
      const input = { body, mediaType: 'application/json', params: { project_id: 'p', endpoint_id: 'e' } };
      const oneCall = validateRequest(target.validators, input, { limits: bodySizeLimits }).violations;
      expect(oneCall.length, name).toBeGreaterThan(0);
      const found = requestViolations(target, input);
      // SambaStudio's body is a oneOf of one request or a batch: no array of its is sliced.
      expect(found instanceof Promise, name).toBe(target !== studioChat);
      expect(await found, name).toEqual(oneCall);
    }
  });

  it('lets the event loop run before it is done', async () => {
    for (const [name, target, body] of cases.slice(0, 2)) {
      expect(await yieldsBeforeSettling(() => requestViolations(target, { body, mediaType: 'application/json' })), name).toBe(true);
    }
  });

  it('answers a valid body with a long array at once', () => {
    expect(requestViolations(responses, { body: { model, input: messages(300, () => false) }, mediaType: 'application/json' })).toEqual([]);
  });
});
