/**
 * @module Chat messages flattened to the one prompt text the fake model reads, the way a chat
 * template would: one `role: text` block per message and an open `assistant:` turn at the end.
 * Images, audio and video become a short marker, since the fake model cannot see them.
 */
import { runSteps } from '../../../event-loop/steps.js';
import { TurnBudget } from '../../../event-loop/turn-budget.js';
import { countedLength, jsonTextSteps, type CountedText } from '../../fake-model/index.js';
import { MAX_TOKEN_CHARS } from '../../fake-model/tokenizer.js';
import { countedText } from '../../json-body.js';

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The text of one content part; non-text media leave a marker so that they still cost tokens. */
function partText(part: unknown): string {
  if (typeof part === 'string') return part;
  if (!isObject(part)) return '';
  switch (part.type) {
    case 'text':
      return typeof part.text === 'string' ? part.text : '';
    case 'image_url':
      return '[image]';
    case 'audio_content':
      return '[audio]';
    case 'video_url':
      return '[video]';
    default:
      return '';
  }
}

/** The text of a message's content; a long text of the `parsed` body with its pieces (see `countedText`). */
function contentText(content: unknown, parsed: unknown): CountedText {
  if (typeof content === 'string') return countedText(parsed, content);
  if (!Array.isArray(content)) return '';
  const texts: CountedText[] = [];
  for (const part of content) {
    const text = partText(part);
    if (text.length === 0) continue;
    if (texts.length > 0) texts.push('\n');
    texts.push(countedText(parsed, text));
  }
  return joinTexts(texts);
}

/**
 * Texts one after the other (the turns as one prompt), by plain concatenation: V8 keeps the result
 * as a rope, so a long conversation is only copied into one flat string if something reads it
 * (copying 9 MB of 30,000 messages is a long turn of the event loop by itself; counting reads the
 * turns instead). With the pieces of them all when any has some.
 */
export function joinTexts(texts: readonly CountedText[]): CountedText {
  let text = '';
  let pieced = false;
  for (const each of texts) {
    text += typeof each === 'string' ? each : each.text;
    pieced ||= typeof each !== 'string';
  }
  return pieced ? { text, pieces: texts.flatMap((each) => (typeof each === 'string' ? [each] : each.pieces)) } : text;
}

/** An earlier assistant turn's tool calls, written as the model would have produced them. */
function callsText(calls: unknown): string {
  if (!Array.isArray(calls)) return '';
  return calls
    .map((call) => {
      const fn = isObject(call) && isObject(call.function) ? call.function : undefined;
      if (!fn || typeof fn.name !== 'string') return '';
      const args = typeof fn.arguments === 'string' ? fn.arguments : JSON.stringify(fn.arguments ?? {});
      return `[call ${fn.name}(${args})]`;
    })
    .filter((text) => text.length > 0)
    .join(' ');
}

/**
 * The conversation as the texts of its turns: one `role: text` line per message, then the open
 * `assistant:` turn. Joined they are the prompt the fake model reads (see `joinTexts`), and their
 * token counts add up to the prompt's: a turn ends with a newline and the next starts with its
 * role, where a token always ends (see the tokenizer's `lineEnd`). A message whose role does not
 * start with a printable ASCII character is kept in the turn before it, so that this holds. (The
 * role is looked at, not the turn: reading a character of a long turn would copy it flat.) A turn
 * with a long text of the `parsed` body (the request as its parse returned it) comes with that
 * text's pieces, which counting reads instead.
 */
export function promptTurns(messages: unknown, parsed?: unknown): CountedText[] {
  const turns: CountedText[] = [];
  for (const message of Array.isArray(messages) ? messages : []) {
    if (!isObject(message)) continue;
    const role = typeof message.role === 'string' ? message.role : 'user';
    const content = contentText(message.content, parsed);
    const calls = callsText(message.tool_calls);
    const turn = joinTexts([`${role}: `, content, `${countedLength(content) > 0 && calls.length > 0 ? ' ' : ''}${calls}\n`]);
    const first = (role || ':').charCodeAt(0);
    if (turns.length > 0 && !(first > 32 && first < 128)) turns[turns.length - 1] = joinTexts([turns[turns.length - 1]!, turn]);
    else turns.push(turn);
  }
  turns.push('assistant:');
  return turns;
}

/** Whether the conversation ends with a tool result: the model then answers in text under `auto`. */
export function endsWithToolResult(messages: unknown): boolean {
  if (!Array.isArray(messages) || messages.length === 0) return false;
  const last: unknown = messages[messages.length - 1];
  return isObject(last) && last.role === 'tool';
}

/** What a real server counts as the prompt, before the tool definitions are written out. */
export interface PromptTexts {
  /** The request fields the texts come from (`messages`, and `tools` when it declares some). */
  fields: readonly string[];
  /** Tokens the texts hold at least, from lengths alone: a prompt that cannot fit is refused without writing it. */
  atLeast: number;
  /** The texts, written now: a promise when tool definitions of megabytes are written over several turns. */
  write(): CountedText[] | Promise<CountedText[]>;
}

/** The fields of a prompt without tools: one list for every request. */
const messagesField: readonly string[] = ['messages'];

/**
 * The texts a real server counts as the prompt: the conversation, turn by turn (see `promptTurns`),
 * and the tool definitions that the chat template writes into it, as their JSON. (The definitions
 * are left out of the text the fake model reads, or every tool would count as named by the prompt
 * and `auto` would always call one.) Definitions of megabytes (a tool name or description of one
 * long word: `JSON.stringify` held the event loop for 200 ms) are written over several turns of the
 * event loop, but only when asked: the first read of such a word, a string the body's parse built
 * from its pieces, copies it whole (80-120 ms for 24 MB), while its length alone, known at once,
 * tells the context check that it cannot fit (see `atLeast`).
 */
export function promptTexts(turns: readonly CountedText[], tools: unknown): PromptTexts {
  if (!Array.isArray(tools) || tools.length === 0) return { fields: messagesField, atLeast: 0, write: () => [...turns] };
  let atLeast = Math.ceil(definitionChars(tools) / MAX_TOKEN_CHARS);
  for (const turn of turns) atLeast += Math.ceil(countedLength(turn) / MAX_TOKEN_CHARS);
  const write = () => {
    const budget = new TurnBudget();
    const json = runSteps(jsonTextSteps(tools, budget), budget);
    return json instanceof Promise ? json.then((text) => [...turns, text]) : [...turns, json];
  };
  return { fields: ['messages', 'tools'], atLeast, write };
}

/**
 * Characters the tools' JSON holds at least: the lengths of their names and descriptions (Cloud
 * chat's under `function`, Messages' and Responses' on the tool), read without their text.
 */
function definitionChars(tools: readonly unknown[]): number {
  let chars = 0;
  for (const tool of tools) {
    for (const definition of [tool, isObject(tool) ? tool.function : undefined]) {
      if (!isObject(definition)) continue;
      if (typeof definition.name === 'string') chars += definition.name.length;
      if (typeof definition.description === 'string') chars += definition.description.length;
    }
  }
  return chars;
}
