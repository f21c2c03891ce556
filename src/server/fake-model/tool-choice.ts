/**
 * @module Which tool (if any) the fake model calls. The `auto` rule is deterministic and
 * documented so that tests and demos can steer it from the prompt:
 *
 * A tool's score is 10 if the prompt names it (the name itself, or its words: `get_weather`,
 * `getWeather` and "get weather" all count), plus 1 for each distinct keyword of the tool that
 * appears as a word in the prompt. Keywords are the words of the tool's name and description
 * with 4 or more letters that are not in the stopword list (`STOPWORDS`); a prompt word also
 * matches with or without a trailing "s". Under `auto` the highest scoring tool with a score
 * above 0 is called (ties: the earlier tool); with none above 0 the model answers in text.
 * `required` calls that tool too, or, when nothing scores, one drawn from the seed. A named
 * choice calls the named tool; `none` calls nothing. One call per answer.
 */
import type { Rng } from './random.js';
import type { JsonSchema } from './schema-sampler.js';
import { STOPWORDS } from './word-bank.js';

/** A callable function as the request declares it (OpenAI `function`, Messages `tool`). */
export interface ToolDefinition {
  name: string;
  description?: string;
  /** JSON Schema of the arguments object; absent means no constraints (`{}` is sent). */
  parameters?: JsonSchema;
}

/** `auto` (the model decides), `required` (must call), `none`, or one named function. */
export type ToolChoice = 'auto' | 'required' | 'none' | { name: string };

/** Thrown when a named tool choice names no declared tool. API layers turn it into a 400. */
export class UnknownToolError extends Error {
  constructor(readonly toolName: string) {
    super(`tool_choice names "${toolName}", which is not in tools`);
    this.name = 'UnknownToolError';
  }
}

/** Words of an identifier or a sentence, lower case: `getWeather2` -> ["get", "weather"]. */
function words(text: string): string[] {
  return text
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z]+/)
    .filter((word) => word.length > 0);
}

/** The keywords of a tool under the `auto` rule. */
export function toolKeywords(tool: ToolDefinition): string[] {
  const all = [...words(tool.name), ...words(tool.description ?? '')];
  return [...new Set(all.filter((word) => word.length >= 4 && !STOPWORDS.has(word)))];
}

/** The `auto` score of `tool` for `prompt` (see the module comment). */
export function toolScore(prompt: string, tool: ToolDefinition): number {
  const promptWords = new Set(words(prompt));
  const spaced = ` ${words(prompt).join(' ')} `;
  const nameWords = words(tool.name).join(' ');
  const named = prompt.toLowerCase().includes(tool.name.toLowerCase()) || (nameWords.length > 0 && spaced.includes(` ${nameWords} `));
  let score = named ? 10 : 0;
  for (const keyword of toolKeywords(tool)) {
    if (promptWords.has(keyword) || promptWords.has(`${keyword}s`) || (keyword.endsWith('s') && promptWords.has(keyword.slice(0, -1)))) score++;
  }
  return score;
}

/** The tool to call, or undefined for a text answer. */
export function chooseTool(prompt: string, tools: readonly ToolDefinition[], choice: ToolChoice, rng: Rng): ToolDefinition | undefined {
  if (choice === 'none' || tools.length === 0) {
    if (typeof choice === 'object') throw new UnknownToolError(choice.name);
    return undefined;
  }
  if (typeof choice === 'object') {
    const named = tools.find((tool) => tool.name === choice.name);
    if (!named) throw new UnknownToolError(choice.name);
    return named;
  }
  let best: ToolDefinition | undefined;
  let bestScore = 0;
  for (const tool of tools) {
    const score = toolScore(prompt, tool);
    if (score > bestScore) {
      best = tool;
      bestScore = score;
    }
  }
  if (best || choice === 'auto') return best;
  return rng.pick(tools);
}

/** A tool-call id in OpenAI's style (`call_` + 24 hex digits), drawn from the seed. */
export function toolCallId(rng: Rng): string {
  let id = 'call_';
  for (let i = 0; i < 24; i++) id += '0123456789abcdef'[rng.int(0, 15)];
  return id;
}
