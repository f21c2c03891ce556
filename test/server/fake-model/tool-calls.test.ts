import { describe, expect, it } from 'vitest';
import {
  countTokens, FinishReason, generate, toolKeywords, toolScore, UnknownToolError, type ToolDefinition,
} from '../../../src/server/fake-model/index.js';
import { makeAjv, seeds } from './helpers.js';

const ajv = makeAjv();

const TOOLS: ToolDefinition[] = [
  {
    name: 'get_weather',
    description: 'Get the weather forecast for a city',
    parameters: {
      type: 'object',
      properties: {
        city: { type: 'string', minLength: 2 },
        unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
        days: { type: 'integer', minimum: 1, maximum: 14 },
      },
      required: ['city', 'unit'],
      additionalProperties: false,
    },
  },
  {
    name: 'bookFlight',
    description: 'Reserve airline seats between two airports',
    parameters: {
      type: 'object',
      properties: {
        from: { type: 'string', pattern: '^[A-Z]{3}$' },
        to: { type: 'string', pattern: '^[A-Z]{3}$' },
        date: { type: 'string', format: 'date' },
        passengers: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, email: { type: 'string', format: 'email' } }, required: ['name'] }, minItems: 1, maxItems: 3 },
      },
      required: ['from', 'to', 'date', 'passengers'],
    },
  },
  { name: 'ping', description: 'Check the connection' },
];

function expectValidCall(prompt: string, toolChoice: Parameters<typeof generate>[0]['toolChoice'], seed: number, expectedName?: string) {
  const choice = generate({ prompt, tools: TOOLS, toolChoice, seed }, { seed: 21 }).choices[0];
  expect(choice?.finishReason).toBe(FinishReason.ToolCalls);
  expect(choice?.text).toBe('');
  expect(choice?.toolCalls).toHaveLength(1);
  const call = choice?.toolCalls[0];
  if (expectedName) expect(call?.name).toBe(expectedName);
  const tool = TOOLS.find((t) => t.name === call?.name);
  expect(tool).toBeDefined();
  const args: unknown = JSON.parse(call?.arguments ?? '');
  const validate = ajv.compile((tool?.parameters ?? { type: 'object', maxProperties: 0 }) as object);
  expect(validate(args), `${call?.arguments} ${ajv.errorsText(validate.errors)}`).toBe(true);
  expect(call?.id).toMatch(/^call_[0-9a-f]{24}$/);
  expect(call?.tokens.map((t) => t.text).join('')).toBe(call?.arguments);
  expect(choice?.completionTokens).toBe(countTokens(call?.arguments ?? '') + countTokens(call?.name ?? ''));
  return call;
}

describe('tool calls', () => {
  it('auto: calls the tool whose name or keywords the prompt mentions, with valid arguments', () => {
    for (const seed of seeds(8)) {
      expectValidCall('What will the weather be in Oslo this weekend?', 'auto', seed, 'get_weather');
      expectValidCall('Please reserve two airline seats to Lisbon.', 'auto', seed, 'bookFlight');
      expectValidCall('call book flight for me', 'auto', seed, 'bookFlight');
    }
  });

  it('auto is the default when tools are given', () => {
    const choice = generate({ prompt: 'Is the weather nice?', tools: TOOLS }, { seed: 1 }).choices[0];
    expect(choice?.toolCalls[0]?.name).toBe('get_weather');
  });

  it('auto: answers in text when nothing in the prompt matches', () => {
    const choice = generate({ prompt: 'Tell me a story about a painter.', tools: TOOLS, toolChoice: 'auto' }, { seed: 21 }).choices[0];
    expect(choice?.toolCalls).toEqual([]);
    expect(choice?.finishReason).toBe(FinishReason.EndOfText);
    expect(choice?.text.length).toBeGreaterThan(0);
  });

  it('required: always calls a tool, matching or not', () => {
    for (const seed of seeds(10)) expectValidCall('Tell me a story about a painter.', 'required', seed);
    expectValidCall('What is the weather in Paris?', 'required', 1, 'get_weather');
  });

  it('named: calls that function even when the prompt suggests another', () => {
    for (const seed of seeds(8)) expectValidCall('What is the weather in Paris?', { name: 'bookFlight' }, seed, 'bookFlight');
  });

  it('calls a function without parameters with {}', () => {
    const call = expectValidCall('anything', { name: 'ping' }, 1, 'ping');
    expect(call?.arguments).toBe('{}');
  });

  it('none: never calls, even when the prompt names a tool', () => {
    const choice = generate({ prompt: 'get_weather for Paris', tools: TOOLS, toolChoice: 'none' }, { seed: 21 }).choices[0];
    expect(choice?.toolCalls).toEqual([]);
    expect(choice?.finishReason).not.toBe(FinishReason.ToolCalls);
  });

  it('rejects a named choice that is not among the tools', () => {
    expect(() => generate({ prompt: 'x', tools: TOOLS, toolChoice: { name: 'nope' } }, { seed: 1 })).toThrow(UnknownToolError);
  });

  it('returns cut-off raw text when the call does not fit the budget', () => {
    const choice = generate({ prompt: 'x', tools: TOOLS, toolChoice: { name: 'bookFlight' }, maxTokens: 6 }, { seed: 1 }).choices[0];
    expect(choice?.toolCalls).toEqual([]);
    expect(choice?.finishReason).toBe(FinishReason.MaxTokens);
    expect(choice?.tokens).toHaveLength(6);
    expect(choice?.text.startsWith('{"name":"bookFlight"')).toBe(true);
  });

  it('scores tools by the documented rule', () => {
    const weather = TOOLS[0] as ToolDefinition;
    expect(toolKeywords(weather)).toEqual(['weather', 'forecast', 'city']);
    expect(toolScore('nothing relevant', weather)).toBe(0);
    expect(toolScore('the forecast', weather)).toBe(1);
    expect(toolScore('forecasts for cities', weather)).toBe(1); // "forecasts" matches; "cities" is not "citys"
    expect(toolScore('use get_weather', weather)).toBe(11);
    expect(toolScore('GET WEATHER forecast', weather)).toBe(12);
  });
});
