/**
 * A tool call's work grows with the request's tools (the `auto` rule reads the whole prompt and
 * every tool; the arguments are as long as the tool's schema makes them), so it is done in the
 * caller's turn budget, and the call is tokenized only as far as the output budget reaches. The
 * tests show the ordering (a callback queued for the next turn runs first), never timings, and the
 * same answer as the work done at once; the chunked word split and the run-wise JSON escaping give
 * exactly what the one-call versions gave. A JSON answer, as long as its schema makes it, is
 * tokenized in the caller's turns too.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FinishReason, generate, generateInTurns, toolScore, type GenerateRequest, type ToolDefinition } from '../../../src/server/fake-model/index.js';
import { toAsciiJson } from '../../../src/server/fake-model/schema-output.js';
import { tokenizeSteps, tokenizeText } from '../../../src/server/fake-model/tokenizer.js';
import { STOPWORDS } from '../../../src/server/fake-model/word-bank.js';
import { finishSteps } from '../../../src/event-loop/steps.js';
import { TurnBudget } from '../../../src/event-loop/turn-budget.js';
import { yieldsBeforeSettling } from '../../helpers/turns.js';

/** A budget that is always spent: work in it waits for the next turn at every point it checks. */
class SpentBudget extends TurnBudget {
  override spent(): boolean {
    return true;
  }
}

const weather: ToolDefinition = { name: 'get_weather', description: 'Get the weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } };

async function inTurnsAsAtOnce(request: GenerateRequest): Promise<void> {
  let made: unknown;
  expect(await yieldsBeforeSettling(async () => (made = await generateInTurns(request, { seed: 7 }, new SpentBudget())))).toBe(true);
  expect(made).toEqual(generate(request, { seed: 7 }));
}

describe('a tool call in the caller\'s turns', () => {
  // Cloud fuzz case 905/4032: a Messages tool whose input_schema requires a key of 100,000 `日`.
  const hugeKey: ToolDefinition = { ...weather, parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['日'.repeat(100_000)] } };

  it('tokenizes arguments that do not fit the budget only as far as the budget, over several turns, to the cut text', async () => {
    const request: GenerateRequest = { prompt: 'What is the weather in Bogota?', tools: [hugeKey], toolChoice: 'required', maxTokens: 1024, temperature: 0.7 };
    await inTurnsAsAtOnce(request);
    const [choice] = generate(request, { seed: 7 }).choices;
    expect(choice?.finishReason).toBe(FinishReason.MaxTokens);
    expect(choice?.completionTokens).toBe(1024);
  });

  it('tokenizes a long call that fits over several turns, to the whole call', async () => {
    const longKey: ToolDefinition = { ...weather, parameters: { type: 'object', properties: {}, required: ['get the weather now '.repeat(2_000)] } };
    await inTurnsAsAtOnce({ prompt: 'weather?', tools: [longKey], toolChoice: 'required' });
  });

  it('reads a long prompt against 128 tools over several turns, to the same choice', async () => {
    const tools = Array.from({ length: 128 }, (_, i): ToolDefinition => ({ name: `tool_${i}`, description: `Look up ${i % 2 ? 'forecasts' : 'flights'} for travellers`, parameters: { type: 'object', properties: { q: { type: 'string' } } } }));
    const prompt = 'Which flights leave tomorrow morning from the coast? '.repeat(8_000);
    await inTurnsAsAtOnce({ prompt, tools, maxTokens: 200 });
    // "flights" is a keyword of the even tools only; ties go to the earlier tool.
    expect(generate({ prompt, tools, maxTokens: 200 }, { seed: 7 }).choices[0]?.toolCalls[0]?.name).toBe('tool_0');
  });
});

describe('a JSON answer in the caller\'s turns', () => {
  it('tokenizes an answer as long as its schema makes it over several turns, to the same answer', async () => {
    const properties = Object.fromEntries(Array.from({ length: 400 }, (_, i) => [`field_${i}`, { type: 'string' }]));
    const schema = { type: 'object', properties, required: Object.keys(properties) };
    await inTurnsAsAtOnce({ prompt: 'Fill the form.', responseFormat: { type: 'json_schema', schema } });
  });
});

describe('tokenizeSteps', () => {
  const text = 'The quick brown fox, 12345 times over.\n'.repeat(500);

  it('gives tokenizeText\'s tokens without a limit', () => {
    expect(finishSteps(tokenizeSteps(text, Infinity, undefined))).toEqual(tokenizeText(text));
  });

  it('stops a piece past the limit, its text the start of the text those tokens spell', () => {
    const cut = finishSteps(tokenizeSteps(text, 100, undefined));
    expect(cut.tokens.length).toBeGreaterThan(100);
    expect(cut.tokens.length).toBeLessThan(110);
    expect(text.startsWith(cut.text)).toBe(true);
    expect(cut.tokens.map((token) => token.text).join('')).toBe(cut.text);
    expect(cut.tokens).toEqual(tokenizeText(text).tokens.slice(0, cut.tokens.length));
  });
});

/** The `auto` score as it was computed before words were split a chunk at a time: the oracle. */
function scoreAtOnce(prompt: string, tool: ToolDefinition): number {
  const words = (text: string) => text.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase().split(/[^a-z]+/).filter((word) => word.length > 0);
  const promptWords = new Set(words(prompt));
  const nameWords = words(tool.name).join(' ');
  const named = prompt.toLowerCase().includes(tool.name.toLowerCase()) || (nameWords.length > 0 && ` ${words(prompt).join(' ')} `.includes(` ${nameWords} `));
  const keywords = [...new Set([...words(tool.name), ...words(tool.description ?? '')].filter((word) => word.length >= 4 && !STOPWORDS.has(word)))];
  return keywords.reduce((score, k) => score + (promptWords.has(k) || promptWords.has(`${k}s`) || (k.endsWith('s') && promptWords.has(k.slice(0, -1))) ? 1 : 0), named ? 10 : 0);
}

describe('the auto rule on texts split a chunk at a time', () => {
  // Letters in both cases, characters that lower-case to ASCII (Kelvin sign, dotted capital I), digits, separators.
  const piece = fc.constantFrom('get', 'Weather', 'weathers', 'city', 'CITY', 'cities', 'aB', 'xY', '\u212Aelvin', '\u0130stanbul', '日本', '_', ' ', '-', '7', '\n', 'getWeather', 'forecast');
  const longText = fc.array(piece, { minLength: 8_000, maxLength: 12_000 }).map((pieces) => pieces.join(''));
  const name = fc.array(piece, { minLength: 1, maxLength: 4 }).map((pieces) => pieces.join(''));

  it('scores as the one-call split did, around every chunk edge', () => {
    fc.assert(
      fc.property(longText, name, longText, (prompt, toolName, description) => {
        const tool = { name: toolName, description };
        expect(toolScore(prompt, tool)).toBe(scoreAtOnce(prompt, tool));
      }),
      { numRuns: 30 },
    );
  });
});

describe('toAsciiJson', () => {
  const atOnce = (value: unknown) => (JSON.stringify(value) ?? 'null').replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

  it('escapes runs of non-ASCII characters as escaping each alone did', () => {
    fc.assert(fc.property(fc.jsonValue(), fc.string({ unit: 'binary' }), (value, key) => {
      const wrapped = { [key]: value, key };
      expect(toAsciiJson(wrapped)).toBe(atOnce(wrapped));
      expect(JSON.parse(toAsciiJson(wrapped))).toEqual(JSON.parse(JSON.stringify(wrapped)));
    }), { numRuns: 300 });
  });
});
