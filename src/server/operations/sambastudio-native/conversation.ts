/**
 * `process_prompt`: a prompt that is itself a JSON conversation
 * (`{"conversation_id": "c-1", "messages": [{"message_id": 0, "role": "user", "content": "Hi"}]}`,
 * optionally with OpenAI-style `tools`), which the service turns into the model's prompt with its
 * chat template. The template here is Llama 3's, the family SambaStudio serves most, so the echoed
 * `prompt` looks like what a real endpoint reports.
 * @module
 */
import type { ToolDefinition } from '../../fake-model/index.js';
import { NativeRequestError } from './native-error.js';
import { parseJsonText, type JsonParseResult } from '../../json-body.js';
import { mapInTurns, type TurnBudget } from '../../../event-loop/turn-budget.js';

export interface TemplatedPrompt {
  /** The prompt as the model sees it. */
  prompt: string;
  /** Tools the conversation offers, for a model that may call one. */
  tools: ToolDefinition[];
}

const expected = 'a JSON conversation {"conversation_id": ..., "messages": [{"role": ..., "content": ...}, ...]} (process_prompt is true)';

/**
 * The templated prompt of the conversation in `text`; `path` names the field it came from, for
 * errors. A long conversation (tens of megabytes fit in a body) is parsed and templated in slices
 * within `budget`, from the `pieces` of `text` when the body's parse kept them (`textPieces`): then
 * the prompt comes as a promise.
 */
export function templateConversation(text: string, path: string, budget: TurnBudget, pieces?: readonly string[]): TemplatedPrompt | Promise<TemplatedPrompt> {
  const parsed = parseJsonText(text, budget, pieces);
  return parsed instanceof Promise ? parsed.then((settled) => template(settled, path, budget)) : template(parsed, path, budget);
}

function template(parsed: JsonParseResult, path: string, budget: TurnBudget): TemplatedPrompt | Promise<TemplatedPrompt> {
  const fail = (received: string): never => {
    throw new NativeRequestError({ path, rule: 'contentMediaType', expected, received });
  };
  if (!parsed.ok) return fail('message' in parsed ? `not valid JSON (${parsed.message})` : `JSON past the size limits (${parsed.violation.expected})`);
  const { value } = parsed;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail(`JSON ${describeJson(value)}, not an object`);
  const conversation = value as Record<string, unknown>;
  if (!Array.isArray(conversation.messages)) return fail('a JSON object without a "messages" list');
  if (conversation.messages.length === 0) return fail('an empty "messages" list');

  let opening = '<|begin_of_text|>';
  const tools = readTools(conversation.tools, fail);
  if (tools.length > 0) {
    const listing = tools.map((tool) => JSON.stringify({ type: 'function', function: tool })).join('\n');
    opening += turn('system', `You have access to the following functions. To call one, answer with its name and arguments as JSON.\n\n${listing}`);
  }
  const templated = (turns: readonly string[]): TemplatedPrompt => {
    // Added one by one rather than joined: V8 then keeps the prompt as a tree of its parts, so a
    // prompt too long for the context is refused from its length without being copied into one.
    let prompt = opening;
    for (const part of turns) prompt += part;
    return { prompt: `${prompt}<|start_header_id|>assistant<|end_header_id|>\n\n`, tools };
  };
  const turns = mapInTurns(conversation.messages, (message: unknown, index) => messageTurn(message, index, fail), budget);
  return turns instanceof Promise ? turns.then(templated) : templated(turns);
}

/** One message of the conversation in the template, or the failure that says what is wrong with it. */
function messageTurn(message: unknown, index: number, fail: (received: string) => never): string {
  if (typeof message !== 'object' || message === null) return fail(`messages[${index}] is ${describeJson(message)}, not an object`);
  const { role, content, tool_calls: toolCalls } = message as Record<string, unknown>;
  if (typeof role !== 'string' || role === '') return fail(`messages[${index}] has no "role" string`);
  if (typeof content === 'string') return turn(role, content);
  if ((content === null || content === undefined) && Array.isArray(toolCalls)) return turn(role, JSON.stringify(toolCalls));
  return fail(`messages[${index}] has no "content" string`);
}

function turn(role: string, content: string): string {
  return `<|start_header_id|>${role}<|end_header_id|>\n\n${content}<|eot_id|>`;
}

/** OpenAI-style `tools` (`[{"type": "function", "function": {name, description, parameters}}]`). */
function readTools(value: unknown, fail: (received: string) => never): ToolDefinition[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) return fail(`"tools" is ${describeJson(value)}, not a list`);
  return value.map((tool, index) => {
    const fn = (tool as { function?: Record<string, unknown> } | null)?.function;
    if (typeof fn?.name !== 'string') return fail(`tools[${index}] has no "function" with a "name"`);
    const definition: ToolDefinition = { name: fn.name };
    if (typeof fn.description === 'string') definition.description = fn.description;
    if (typeof fn.parameters === 'object' && fn.parameters !== null) definition.parameters = fn.parameters as ToolDefinition['parameters'];
    return definition;
  });
}

function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
