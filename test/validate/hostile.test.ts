/**
 * Hostile payloads: prototype-pollution keys change nothing, and deep nesting or huge arrays are
 * refused by the iterative pre-check (no stack overflow, no ajv walk over millions of items).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { invoke } from '../../src/contract/lmi.js';
import { createChatCompletion } from '../../src/contract/sambanova-cloud.js';
import { validateRequest, validateStream, validateStreamItem, validateWebRequest } from '../../src/validate/index.js';
import { formatReceived, violation } from '../../src/validate/violations.js';

const chat = { model: 'Meta-Llama-3.3-70B-Instruct', messages: [{ role: 'user', content: 'hi' }] };

describe('hostile input', () => {
  it('__proto__, constructor and prototype keys change nothing: same verdict as without them, Object.prototype untouched', () => {
    const hostile = (model: unknown) =>
      JSON.parse(`{"model":${JSON.stringify(model)},"messages":[{"role":"user","content":"hi","__proto__":{"role":"robot"}}],"__proto__":{"model":5,"polluted":1},"constructor":{"prototype":{"polluted":1}}}`) as unknown;
    expect(validateRequest(createChatCompletion, { body: hostile('m') }).valid).toBe(true);
    // A real fault next to them is reported as it would be alone, its received value read from the payload's own field.
    const bad = validateRequest(createChatCompletion, { body: hostile(7) });
    expect(bad.violations.map((v) => [v.path, v.received])).toEqual([['/body/model', 7]]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('tells a payload of many thousand wrong items its first violation only (every violation would cost the square of their number), and a smaller one every violation', () => {
    const many = validateRequest(createChatCompletion, { body: { ...chat, messages: new Array<unknown>(50_000).fill('x') } });
    expect(many.violations.map((v) => [v.path, v.rule])).toEqual([['/body/messages/0', 'type']]);
    const few = validateRequest(createChatCompletion, { body: { ...chat, messages: new Array<unknown>(3).fill('x') } });
    expect(few.violations.map((v) => v.path)).toEqual(['/body/messages/0', '/body/messages/1', '/body/messages/2']);
  });

  it('firstViolationOnly tells an invalid payload of any size its first violation only, the same verdict', () => {
    const body = { ...chat, messages: new Array<unknown>(3).fill('x') };
    const first = validateRequest(createChatCompletion, { body }, { firstViolationOnly: true });
    expect(first.valid).toBe(false);
    expect(first.violations.map((v) => v.path)).toEqual(['/body/messages/0']);
    expect(validateRequest(createChatCompletion, { body: chat }, { firstViolationOnly: true }).valid).toBe(true);
    const wrongItem = { id: 1, object: 2, created: 'x', model: 3, choices: [] };
    const every = validateStreamItem(createChatCompletion, wrongItem).violations;
    const firstOnly = validateStreamItem(createChatCompletion, wrongItem, { firstViolationOnly: true }).violations;
    expect(firstOnly.length).toBeGreaterThan(0);
    expect(firstOnly.length).toBeLessThan(every.length);
  });

  it('tells a streamed item of many thousand wrong members its first violation only, as a request', async () => {
    const huge = { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', system_fingerprint: 'f', choices: new Array<unknown>(50_000).fill('x') };
    const result = await validateStream(createChatCompletion, `data: ${JSON.stringify(huge)}\n\ndata: [DONE]\n\n`);
    expect(result.violations.map((v) => [v.path, v.rule])).toEqual([['/items/0/choices/0', 'type']]);
  });

  it('refuses 10,000-deep nesting with one violation, without a stack overflow', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 10_000; i++) deep = [deep];
    const result = validateRequest(createChatCompletion, { body: { ...chat, messages: deep } });
    expect(result.violations.map((v) => [v.path, v.rule])).toEqual([['/body', 'maxDepth']]);
    expect(result.violations[0]!.message).toBe('/body: expected nesting at most 64 levels deep, received "more than 64 levels" (maxDepth)');
  });

  it('refuses 10,000-deep JSON text sent in a Web Request (parsed, then refused)', async () => {
    const text = `{"model":"m","messages":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
    const request = new Request('http://localhost/cloud/v1/chat/completions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: text });
    const result = await validateWebRequest(createChatCompletion, request);
    expect(result.violations.map((v) => v.rule)).toEqual(['maxDepth']);
  });

  it('refuses an array of two million items before the schema is tried', () => {
    const messages = new Array<unknown>(2_000_000).fill(0);
    const result = validateRequest(createChatCompletion, { body: { ...chat, messages } });
    expect(result.violations.map((v) => [v.path, v.rule])).toEqual([['/body', 'maxNodes']]);
  });

  it('limits can be set per call, and apply to stream items too', () => {
    const nested = { ...chat, messages: [{ role: 'user', content: [{ type: 'text', text: 'a' }] }] };
    expect(validateRequest(createChatCompletion, { body: nested }, { limits: { maxDepth: 3 } }).violations.map((v) => v.rule)).toEqual(['maxDepth']);
    expect(validateRequest(createChatCompletion, { body: nested }, { limits: { maxDepth: 5 } }).valid).toBe(true);
    expect(validateStreamItem(createChatCompletion, { choices: new Array(20).fill({}) }, { limits: { maxNodes: 10 } }).violations.map((v) => v.rule)).toEqual(['maxNodes']);
  });

  it('counts depth and members exactly at the limits: array items, object members and what they hold', () => {
    // Five levels: the body, messages, a message, its content parts, a part.
    const nested = { ...chat, messages: [{ role: 'user', content: [{ type: 'text', text: 'a' }] }] };
    expect(validateRequest(createChatCompletion, { body: nested }, { limits: { maxDepth: 4 } }).violations.map((v) => v.rule)).toEqual(['maxDepth']);
    // 2 body members + 1 message + 2 message members + 1 part + 2 part members = 8.
    expect(validateRequest(createChatCompletion, { body: nested }, { limits: { maxNodes: 8 } }).valid).toBe(true);
    expect(validateRequest(createChatCompletion, { body: nested }, { limits: { maxNodes: 7 } }).violations.map((v) => v.rule)).toEqual(['maxNodes']);
    // Members of an open object's unknown field count too.
    const extra = { ...chat, extra: { a: 1, b: 2, c: { d: 3 } } }; // 3 + 1 + 2 + 3 + 1 = 10
    expect(validateRequest(createChatCompletion, { body: extra }, { limits: { maxNodes: 10 } }).valid).toBe(true);
    expect(validateRequest(createChatCompletion, { body: extra }, { limits: { maxNodes: 9 } }).violations.map((v) => v.rule)).toEqual(['maxNodes']);
  });

  describe('a valid body is checked once (the accept build tallies its size), and the limits still hold', () => {
    const validate = createChatCompletion.request['application/json'];
    let deep: unknown = 'x';
    for (let i = 0; i < 10_000; i++) deep = { a: deep };

    it('vouches for a closed body, and not for one whose open member holds an object', () => {
      expect(validate.within(chat, 64, 1_000_000)).toBe('within');
      expect(validate.within({ ...chat, extra: { a: 1 } }, 64, 1_000_000)).toBe('accepted');
      expect(validate.within({ ...chat, messages: [{ role: 'user', content: 'hi', extra: [1] }] }, 64, 1_000_000)).toBe('accepted');
      expect(validate.within({ ...chat, model: 7 }, 64, 1_000_000)).toBe('rejected');
      // The schema nests deeper than 3 levels: it cannot vouch, the full walk decides.
      expect(validate.within(chat, 3, 1_000_000)).toBe('unknown');
    });

    it('refuses 10,000-deep nesting inside an open member of an otherwise valid body, at the top and deep inside', () => {
      for (const body of [
        { ...chat, extra: deep },
        { ...chat, messages: [{ role: 'user', content: 'hi', extra: deep }] },
        { ...chat, chat_template_kwargs: { enable_thinking: true, other: deep } },
        { ...chat, tools: [{ type: 'function', function: { name: 'f', parameters: deep } }] },
      ]) {
        expect(validateRequest(createChatCompletion, { body }).violations.map((v) => [v.path, v.rule])).toEqual([['/body', 'maxDepth']]);
      }
    });

    it('refuses an array of two million items in an open member, and in a checked array of valid messages', () => {
      const open = validateRequest(createChatCompletion, { body: { ...chat, extra: new Array<unknown>(2_000_000).fill(0) } });
      expect(open.violations.map((v) => [v.path, v.rule])).toEqual([['/body', 'maxNodes']]);
      const message = { role: 'user', content: 'hi' };
      const checked = validateRequest(createChatCompletion, { body: { ...chat, messages: new Array<unknown>(2_000_000).fill(message) } });
      expect(checked.violations.map((v) => [v.path, v.rule])).toEqual([['/body', 'maxNodes']]);
    });

    it('counts members exactly at the limit on the one-walk path: many small messages, and a large string array', () => {
      // 2 body members + 300 messages + 2 members each = 902.
      const body = { model: 'm', messages: Array.from({ length: 300 }, () => ({ role: 'user', content: 'hi' })) };
      expect(validate.within(body, 64, 902)).toBe('within');
      expect(validateRequest(createChatCompletion, { body }, { limits: { maxNodes: 902 } }).valid).toBe(true);
      expect(validateRequest(createChatCompletion, { body }, { limits: { maxNodes: 901 } }).violations.map((v) => v.rule)).toEqual(['maxNodes']);
      const stops = { ...chat, stop: new Array<string>(1000).fill('x') }; // 3 + 1 + 2 + 1000
      expect(validateRequest(createChatCompletion, { body: stops }, { limits: { maxNodes: 1006 } }).valid).toBe(true);
      expect(validateRequest(createChatCompletion, { body: stops }, { limits: { maxNodes: 1005 } }).violations.map((v) => v.rule)).toEqual(['maxNodes']);
    });

    it('an invalid body is told the same violations as before: every one, or the first past 5,000 members', () => {
      const bad = validateRequest(createChatCompletion, { body: { ...chat, temperature: 3, messages: [{ role: 'robot', content: 'hi' }] } });
      expect(bad.violations.map((v) => [v.path, v.rule])).toEqual([
        ['/body/messages/0/role', 'enum'],
        ['/body/temperature', 'maximum'],
      ]);
      const many = validateRequest(createChatCompletion, { body: { ...chat, temperature: 3, messages: Array.from({ length: 3000 }, () => ({ role: 'user', content: 'hi' })) } });
      expect(many.violations.map((v) => [v.path, v.rule])).toEqual([['/body/temperature', 'maximum']]);
    });

    it('maxMembers refuses an object wider than it, naming its pointer, at any depth and with either walk', () => {
      const wide = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`k${i}`, i]));
      const body = { ...chat, response_format: { type: 'json_schema', json_schema: { name: 's', schema: { properties: { 'a/b~c': { anyOf: [{}, { properties: wide }] } } } } } };
      const path = '/body/response_format/json_schema/schema/properties/a~1b~0c/anyOf/1/properties';
      // maxDepth past 512 takes the walk with a stack of its own.
      for (const maxDepth of [64, 1000]) {
        expect(validateRequest(createChatCompletion, { body }, { limits: { maxDepth, maxMembers: 6 } }).valid).toBe(true);
        const refused = validateRequest(createChatCompletion, { body }, { limits: { maxDepth, maxMembers: 5 } }).violations;
        expect(refused).toEqual([{ path, rule: 'maxMembers', expected: 'at most 5 members in one object', received: 'more than 5', message: `${path}: expected at most 5 members in one object, received "more than 5" (maxMembers)` }]);
      }
      // A map its schema types all through (the validator vouches for its size in all, not per object).
      const bias = { ...chat, logit_bias: { 1: 1, 2: 1, 3: 1, 4: 1 } };
      expect(validate.within(bias, 64, 1000)).toBe('within');
      expect(validateRequest(createChatCompletion, { body: bias }, { limits: { maxMembers: 4 } }).valid).toBe(true);
      expect(validateRequest(createChatCompletion, { body: bias }, { limits: { maxMembers: 3 } }).violations.map((v) => [v.path, v.rule])).toEqual([['/body/logit_bias', 'maxMembers']]);
      // Arrays are not objects: their items count for maxNodes only.
      expect(validateRequest(createChatCompletion, { body: { ...chat, stop: ['a', 'b', 'c', 'd'] } }, { limits: { maxMembers: 3 } }).valid).toBe(true);
    });
  });

  it('long received values are cut in violations', () => {
    const result = validateRequest(createChatCompletion, { body: { ...chat, model: 'x'.repeat(10_000), temperature: 'y'.repeat(10_000) } });
    for (const v of result.violations) expect(v.message.length).toBeLessThan(400);
  });

  describe('a string of millions of characters costs what the message shows of it, not its length (fuzz lmi/20261206/2238 and 4941 held the server 154 and 79 ms)', () => {
    afterEach(() => vi.restoreAllMocks());
    const huge = '\u0000'.repeat(2_000_000);

    it('the violation shows its start without writing the body or the string as JSON whole', () => {
      // A wrong tool-call type of two million characters: the if/then violation showed the whole
      // body, written out (12 M characters of \u0000 escapes) to keep 120 of them.
      const stringify = vi.spyOn(JSON, 'stringify');
      const body = { messages: [{ role: 'user', content: 'hi' }, { role: 'assistant', tool_calls: [{ id: 'c', type: huge, function: { name: 'f', arguments: '{}' } }] }] };
      const { violations } = validateRequest(invoke, { body });
      expect(violations.map((v) => v.path)).toContain('/body/messages/1/tool_calls/0/type');
      for (const v of violations) expect(v.message.length).toBeLessThan(400);
      const longest = Math.max(...stringify.mock.results.map((r) => (typeof r.value === 'string' ? r.value.length : 0)));
      expect(longest).toBeLessThan(1000);
    });

    it('its length is compared with maxLength without counting it whole', () => {
      const charCodeAt = vi.spyOn(String.prototype, 'charCodeAt');
      const { violations } = validateRequest(invoke, { body: { model: huge, messages: [{ role: 'user', content: 'hi' }] } });
      expect(violations.map((v) => [v.path, v.rule])).toContainEqual(['/body/model', 'maxLength']);
      expect(charCodeAt.mock.calls.length).toBeLessThan(10_000);
    });
  });

  it('the start of a value shown in a violation is its JSON text cut, whatever it holds', () => {
    const values: unknown[] = [
      { a: [1, 'two', null, true, { b: 'é🎉'.repeat(40) }], c: undefined, d: () => 1, e: -0, f: 1e21, g: NaN },
      ['x'.repeat(200)],
      [undefined, () => 1, Symbol('s')],
      { ['k'.repeat(150)]: 1 },
      { q: '"\\\n\u0001'.repeat(50) },
      // A surrogate pair across the cut: the text cut, not a lone surrogate written as \ud83c.
      ['🎉'.repeat(100)],
      { date: new Date(0), nested: { toJSON: () => 'mine' } },
      { big: 10n },
    ];
    for (const value of values) {
      const text = JSON.stringify(value, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x));
      expect(violation('/body/x', 'type', 'a string', value).received).toBe(text.length > 120 ? `${text.slice(0, 120)}…` : value);
      expect(formatReceived(value)).toBe(text.length > 120 ? `${text.slice(0, 120)}…` : text);
    }
    // A cycle JSON cannot write is named by its kind, unless the cut comes before it.
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(formatReceived(cyclic)).toBe('[object Object]');
    expect(formatReceived({ a: 'x'.repeat(200), cyclic })).toBe(`{"a":"${'x'.repeat(114)}…`);
  });
});
