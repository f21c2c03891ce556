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

export interface TemplatedPrompt {
  /** The prompt as the model sees it. */
  prompt: string;
  /** Tools the conversation offers, for a model that may call one. */
  tools: ToolDefinition[];
}

const expected = 'a JSON conversation {"conversation_id": ..., "messages": [{"role": ..., "content": ...}, ...]} (process_prompt is true)';

/** The templated prompt of the conversation in `text`; `path` names the field it came from, for errors. */
export function templateConversation(text: string, path: string): TemplatedPrompt {
  const fail = (received: string): never => {
    throw new NativeRequestError({ path, rule: 'contentMediaType', expected, received });
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return fail(`not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return fail(`JSON ${describeJson(parsed)}, not an object`);
  const conversation = parsed as Record<string, unknown>;
  if (!Array.isArray(conversation.messages)) return fail('a JSON object without a "messages" list');
  if (conversation.messages.length === 0) return fail('an empty "messages" list');

  let prompt = '<|begin_of_text|>';
  const tools = readTools(conversation.tools, fail);
  if (tools.length > 0) {
    const listing = tools.map((tool) => JSON.stringify({ type: 'function', function: tool })).join('\n');
    prompt += turn('system', `You have access to the following functions. To call one, answer with its name and arguments as JSON.\n\n${listing}`);
  }
  conversation.messages.forEach((message, index) => {
    if (typeof message !== 'object' || message === null) return fail(`messages[${index}] is ${describeJson(message)}, not an object`);
    const { role, content, tool_calls: toolCalls } = message as Record<string, unknown>;
    if (typeof role !== 'string' || role === '') return fail(`messages[${index}] has no "role" string`);
    if (typeof content === 'string') prompt += turn(role, content);
    else if ((content === null || content === undefined) && Array.isArray(toolCalls)) prompt += turn(role, JSON.stringify(toolCalls));
    else fail(`messages[${index}] has no "content" string`);
  });
  return { prompt: `${prompt}<|start_header_id|>assistant<|end_header_id|>\n\n`, tools };
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
