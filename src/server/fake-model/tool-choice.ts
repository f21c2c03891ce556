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
import { finishSteps, type Steps } from '../../event-loop/steps.js';
import type { TurnBudget } from '../../event-loop/turn-budget.js';
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

/** Characters of a text split into words in one go; a longer one (a prompt, a description) is split a chunk at a time. */
const WORDS_CHUNK = 1 << 14;

/**
 * Where a text can be cut without changing its words: before an ASCII character that is not a
 * letter (never part of a word, and lower case as it is), or between a lower-case and an upper-case
 * letter (where `words` splits anyway). Not next to other characters: some lower-case to ASCII.
 */
const WORD_EDGE = /[^A-Za-z\u0080-\uffff]|(?<=[a-z])(?=[A-Z])/g;

/**
 * The words of `text` a chunk at a time, each chunk cut at a word edge past `WORDS_CHUNK`
 * characters (so the chunks' words are the text's), handed to `each` in order; yields between
 * chunks when `budget` is spent. A megabyte prompt split at once held the loop for tens of
 * milliseconds, and once per declared tool for seconds.
 */
function* eachWords(text: string, budget: TurnBudget | undefined, each: (chunkWords: string[]) => void): Steps<void> {
  for (let start = 0; start < text.length; ) {
    WORD_EDGE.lastIndex = start + WORDS_CHUNK;
    const end = WORD_EDGE.exec(text)?.index ?? text.length;
    each(words(text.slice(start, end)));
    start = end;
    if (budget?.spent()) yield;
  }
}

/** What the `auto` rule looks for in a prompt, made once per request whatever the number of tools. */
interface PromptWords {
  lower: string;
  /** The prompt's words, each between spaces, for names of several words. */
  spaced: string;
  set: Set<string>;
}

function* promptWordsSteps(prompt: string, budget: TurnBudget | undefined): Steps<PromptWords> {
  const set = new Set<string>();
  const parts: string[] = [];
  yield* eachWords(prompt, budget, (chunkWords) => {
    if (chunkWords.length === 0) return;
    parts.push(chunkWords.join(' '));
    for (const word of chunkWords) set.add(word);
  });
  return { lower: prompt.toLowerCase(), spaced: ` ${parts.join(' ')} `, set };
}

function* keywordsSteps(tool: ToolDefinition, budget: TurnBudget | undefined): Steps<string[]> {
  const keywords = new Set<string>();
  const add = (chunkWords: string[]) => {
    for (const word of chunkWords) if (word.length >= 4 && !STOPWORDS.has(word)) keywords.add(word);
  };
  yield* eachWords(tool.name, budget, add);
  yield* eachWords(tool.description ?? '', budget, add);
  return [...keywords];
}

function* nameWordsSteps(name: string, budget: TurnBudget | undefined): Steps<string> {
  const parts: string[] = [];
  yield* eachWords(name, budget, (chunkWords) => {
    if (chunkWords.length > 0) parts.push(chunkWords.join(' '));
  });
  return parts.join(' ');
}

function* scoreSteps(prompt: PromptWords, tool: ToolDefinition, budget: TurnBudget | undefined): Steps<number> {
  const nameWords = yield* nameWordsSteps(tool.name, budget);
  const named = prompt.lower.includes(tool.name.toLowerCase()) || (nameWords.length > 0 && prompt.spaced.includes(` ${nameWords} `));
  let score = named ? 10 : 0;
  for (const keyword of yield* keywordsSteps(tool, budget)) {
    const { set } = prompt;
    if (set.has(keyword) || set.has(`${keyword}s`) || (keyword.endsWith('s') && set.has(keyword.slice(0, -1)))) score++;
  }
  return score;
}

/** The keywords of a tool under the `auto` rule. */
export function toolKeywords(tool: ToolDefinition): string[] {
  return finishSteps(keywordsSteps(tool, undefined));
}

/** The `auto` score of `tool` for `prompt` (see the module comment). */
export function toolScore(prompt: string, tool: ToolDefinition): number {
  return finishSteps(scoreSteps(finishSteps(promptWordsSteps(prompt, undefined)), tool, undefined));
}

/**
 * The tool to call, or undefined for a text answer: steps that yield when `budget` is spent, since
 * the `auto` rule reads the whole prompt and every tool's name and description.
 */
export function* chooseToolSteps(prompt: string, tools: readonly ToolDefinition[], choice: ToolChoice, rng: Rng, budget: TurnBudget | undefined): Steps<ToolDefinition | undefined> {
  if (choice === 'none' || tools.length === 0) {
    if (typeof choice === 'object') throw new UnknownToolError(choice.name);
    return undefined;
  }
  if (typeof choice === 'object') {
    const named = tools.find((tool) => tool.name === choice.name);
    if (!named) throw new UnknownToolError(choice.name);
    return named;
  }
  const promptWords = yield* promptWordsSteps(prompt, budget);
  let best: ToolDefinition | undefined;
  let bestScore = 0;
  for (const tool of tools) {
    const score = yield* scoreSteps(promptWords, tool, budget);
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
