import Ajv2020 from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { getOperation, validateStreamItem } from '../../src/validate/index.js';
import { formatViolation, toViolations } from '../../src/validate/violations.js';

const ajv = new Ajv2020.default({ strict: true, allErrors: true, allowUnionTypes: true, verbose: true });
const validate = ajv.compile({
  type: 'object',
  required: ['model', 'messages'],
  properties: {
    model: { type: 'string' },
    temperature: { type: 'number', minimum: 0, maximum: 1 },
    stop: { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' }, maxItems: 4 }] },
    messages: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['role', 'content'],
        properties: {
          role: { type: 'string', enum: ['system', 'user', 'assistant'] },
          content: {
            anyOf: [
              { type: 'string' },
              { type: 'array', items: { type: 'object', required: ['type'], properties: { type: { type: 'string', const: 'text' }, text: { type: 'string' } } } },
            ],
          },
        },
      },
    },
  },
});

/** The violations without their one-line form, after checking that form is the formatted fields. */
function violations(data: unknown) {
  expect(validate(data)).toBe(false);
  return toViolations(validate.errors, data, '/body').map(({ message, ...fields }) => {
    expect(message).toBe(formatViolation(fields));
    return fields;
  });
}

describe('toViolations', () => {
  it('names a missing field and what it takes, with nothing received', () => {
    expect(violations({ messages: [{ role: 'user', content: 'hi' }] })).toEqual([
      { path: '/body/model', rule: 'required', expected: 'a string (the field is required)', received: undefined },
    ]);
    expect(violations({ model: 'm', messages: [{}] })).toEqual([
      { path: '/body/messages/0/role', rule: 'required', expected: 'one of "system", "user", "assistant" (the field is required)', received: undefined },
      { path: '/body/messages/0/content', rule: 'required', expected: 'a string or an array (the field is required)', received: undefined },
    ]);
  });

  it("says what a stream item's missing field takes (the proxy's record of an invalid-item fault said only \"a value\")", () => {
    const operation = getOperation('sambanova-cloud', 'createChatCompletion');
    const { violations: found } = validateStreamItem(operation, { sambakit_fault: 'invalid-item: this item breaks the item schema on purpose' });
    expect(found.map((v) => v.message)).toEqual(['/error: expected an object (the field is required), received nothing (required)']);
  });

  it('says the range and the value for an out-of-range number', () => {
    const [v] = violations({ model: 'm', temperature: 3, messages: [{ role: 'user', content: 'x' }] });
    expect(v).toEqual({ path: '/body/temperature', rule: 'maximum', expected: 'a number <= 1', received: 3 });
    expect(formatViolation(v!)).toBe('/body/temperature: expected a number <= 1, received 3 (maximum)');
  });

  it('lists the allowed values of an enum', () => {
    expect(violations({ model: 'm', messages: [{ role: 'robot', content: 'x' }] })).toEqual([
      { path: '/body/messages/0/role', rule: 'enum', expected: 'one of "system", "user", "assistant"', received: 'robot' },
    ]);
  });

  it('reports every violation at once', () => {
    const list = violations({ temperature: -1, messages: [] });
    expect(list.map((v) => v.path).sort()).toEqual(['/body/messages', '/body/model', '/body/temperature']);
  });

  it('folds an anyOf to the branch that fits the value: a bad part inside a content array is named', () => {
    expect(violations({ model: 'm', messages: [{ role: 'user', content: [{ type: 'image' }] }] })).toEqual([
      { path: '/body/messages/0/content/0/type', rule: 'const', expected: '"text"', received: 'image' },
    ]);
  });

  it('says which types were allowed when no branch takes the value type', () => {
    expect(violations({ model: 'm', messages: [{ role: 'user', content: 42 }] })).toEqual([
      { path: '/body/messages/0/content', rule: 'type', expected: 'type string or array', received: 42 },
    ]);
  });

  it('names the allowed values of the branches of the value type (a mode string beside an object form)', () => {
    const modes = ajv.compile({ oneOf: [{ type: 'string', enum: ['none', 'auto'] }, { type: 'object', required: ['name'], properties: { name: { type: 'string' } } }] });
    expect(modes('sometimes')).toBe(false);
    expect(toViolations(modes.errors, 'sometimes').map((v) => v.message)).toEqual(['/: expected one of "none", "auto", received "sometimes" (enum)']);
  });

  it('does not take a branch whose constant field the value contradicts, even when its errors go deeper', () => {
    const param = ajv.compile({
      oneOf: [
        { type: 'object', required: ['type', 'value'], properties: { type: { const: 'str' }, value: { type: 'string' } } },
        { type: 'object', required: ['type', 'value'], properties: { type: { const: 'list' }, value: { type: 'string', pattern: '^\\[.*\\]$' } } },
      ],
    });
    const data = { type: 'list', value: 'a, b' };
    expect(param(data)).toBe(false);
    expect(toViolations(param.errors, data).map((v) => v.path)).toEqual(['/value']);
  });

  it('folds a oneOf the same way', () => {
    expect(violations({ model: 'm', stop: ['a', 'b', 'c', 'd', 'e'], messages: [{ role: 'user', content: 'x' }] })).toEqual([
      { path: '/body/stop', rule: 'maxItems', expected: 'at most 4 item(s)', received: '5 item(s)' },
    ]);
  });

  it('folds a branch of hundreds of thousands of errors in one pass: no stack overflow, no copy of the list per error', () => {
    // Gathered by copying per error and measured by spreading into Math.max, these made the fold
    // cost the square of the errors and then overflow the stack.
    const content = Array.from({ length: 150_000 }, () => 'x');
    const list = violations({ model: 'm', messages: [{ role: 'user', content }] });
    expect(list).toHaveLength(150_000);
    expect(list[0]).toEqual({ path: '/body/messages/0/content/0', rule: 'type', expected: 'type object', received: 'x' });
    expect(list.at(-1)!.path).toBe('/body/messages/0/content/149999');
  });

  it('cuts long received values', () => {
    const [v] = violations({ model: 'm', messages: [{ role: 'x'.repeat(500), content: 'x' }] });
    expect(String(v!.received).length).toBeLessThanOrEqual(121);
  });
});

describe('branches told apart by one field', () => {
  const tagged = ajv.compile({
    type: 'object',
    properties: {
      message: {
        oneOf: [
          { type: 'object', required: ['role', 'content'], properties: { role: { type: 'string', const: 'system' }, content: { type: 'string' } } },
          { type: 'object', required: ['role', 'content'], properties: { role: { type: 'string', const: 'user' }, content: { type: 'string' } } },
          { type: 'object', required: ['role'], properties: { role: { type: 'string', const: 'tool' }, tool_call_id: { type: 'string' } } },
        ],
      },
    },
  });

  it('a wrong tag is one enum violation listing every branch', () => {
    const data = { message: { role: 'robot', content: 'x' } };
    expect(tagged(data)).toBe(false);
    expect(toViolations(tagged.errors, data)).toEqual([{ path: '/message/role', rule: 'enum', expected: 'one of "system", "user", "tool"', received: 'robot', message: '/message/role: expected one of "system", "user", "tool", received "robot" (enum)' }]);
  });

  it('a right tag with a wrong field names the field of that branch', () => {
    const data = { message: { role: 'user', content: 7 } };
    expect(tagged(data)).toBe(false);
    expect(toViolations(tagged.errors, data)).toEqual([{ path: '/message/content', rule: 'type', expected: 'type string', received: 7, message: '/message/content: expected type string, received 7 (type)' }]);
  });
});
