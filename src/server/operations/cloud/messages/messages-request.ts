/**
 * @module A Messages API body read as the chat completion body the shared chat core runs, with the
 * refusals the service documents: extended thinking (`enabled`, `adaptive`), image URL sources and
 * `document` blocks are 400 `invalid_request_error` (server tools are already refused by the schema,
 * whose tool `type` admits only `custom`). The system prompt becomes a system message, tool results
 * `tool` messages, replayed tool calls `tool_calls`, search results their text; thinking and the
 * other Anthropic-only history blocks are dropped. A reasoning model reasons at medium effort and
 * answers with a thinking block, as the service does whatever `thinking` says.
 */
import type { components } from '../../../../contract/sambanova-cloud.js';
import type { Problem } from '../../../error-styles.js';
import { joinedText } from '../../../json-body.js';
import type { CatalogueModel } from '../catalogue/catalogue.js';

export type MessagesRequest = components['schemas']['CloudMessagesRequest'];
export type CountTokensRequest = components['schemas']['CloudMessagesCountTokensRequest'];
type InputMessage = components['schemas']['CloudMessagesInputMessage'];
type InputBlock = components['schemas']['CloudMessagesInputBlock'];
type ToolResultBlock = components['schemas']['CloudMessagesToolResultBlock'];

type ChatMessage = Record<string, unknown>;
export type ChatBodyResult = { ok: true; chat: Record<string, unknown> } | { ok: false; problem: Problem };

class Refusal extends Error {
  constructor(readonly param: string, message: string) {
    super(message);
  }
}

function toolResultText(block: ToolResultBlock): string {
  if (typeof block.content === 'string') return block.content;
  return (block.content ?? []).map((part) => (part.type === 'text' ? part.text : '[image]')).join('\n');
}

/** One turn as chat messages: tool results first (as `tool` messages), then the rest of the turn. */
function chatMessages(message: InputMessage, at: string): ChatMessage[] {
  if (typeof message.content === 'string') return [{ role: message.role, content: message.content }];
  const results: ChatMessage[] = [];
  const parts: Array<Record<string, unknown>> = [];
  const calls: Array<Record<string, unknown>> = [];
  message.content.forEach((block: InputBlock, index) => {
    const where = `${at}.content.${index}`;
    switch (block.type) {
      case 'text':
        parts.push({ type: 'text', text: block.text });
        break;
      case 'image':
        if (block.source.type === 'url') throw new Refusal(`${where}.source`, 'Image URL sources are not supported; send the image as a base64 source.');
        parts.push({ type: 'image_url', image_url: { url: `data:${block.source.media_type};base64,${block.source.data}` } });
        break;
      case 'video':
        parts.push({ type: 'video_url', video_url: { url: block.source.type === 'url' ? block.source.url : `data:${block.source.media_type};base64,${block.source.data}` } });
        break;
      case 'tool_use':
        calls.push({ id: block.id, type: 'function', function: { name: block.name, arguments: JSON.stringify(block.input) } });
        break;
      case 'tool_result':
        results.push({ role: 'tool', tool_call_id: block.tool_use_id, content: toolResultText(block) });
        break;
      case 'search_result':
        parts.push({ type: 'text', text: [block.title, block.source, ...(block.content ?? []).map((part) => part.text)].filter(Boolean).join('\n') });
        break;
      case 'document':
        throw new Refusal(where, '`document` blocks are not supported (no document extraction); send the text as a text block.');
      default:
        // Thinking, redacted thinking and Anthropic server-tool blocks: history only, nothing for the model.
        break;
    }
  });
  const turn: ChatMessage[] = [];
  if (parts.length > 0 || calls.length > 0) turn.push({ role: message.role, content: parts, ...(calls.length > 0 ? { tool_calls: calls } : {}) });
  return [...results, ...turn];
}

function chatToolChoice(choice: MessagesRequest['tool_choice']): unknown {
  switch (choice?.type) {
    case 'auto':
      return 'auto';
    case 'any':
      return 'required';
    case 'none':
      return 'none';
    case 'tool':
      return { type: 'function', function: { name: choice.name } };
    default:
      return undefined;
  }
}

/** The prompt part of a Messages body (what count_tokens counts) as a chat body, or the service's refusal. */
export function promptChatBody(body: CountTokensRequest): ChatBodyResult {
  if (body.thinking && body.thinking.type !== 'disabled') {
    return { ok: false, problem: { kind: 'invalid_request', param: 'thinking', message: `thinking of type \`${body.thinking.type}\` is not supported; only \`disabled\` is. Reasoning models return their reasoning as thinking blocks anyway.` } };
  }
  const messages: ChatMessage[] = [];
  if (body.system !== undefined) messages.push({ role: 'system', content: typeof body.system === 'string' ? body.system : joinedText(body, body.system.map((block) => block.text), '\n') });
  try {
    body.messages.forEach((message, index) => messages.push(...chatMessages(message, `messages.${index}`)));
  } catch (error) {
    if (!(error instanceof Refusal)) throw error;
    return { ok: false, problem: { kind: 'invalid_request', param: error.param, message: error.message } };
  }
  return {
    ok: true,
    chat: {
      model: body.model,
      messages,
      tools: body.tools?.map((tool) => ({ type: 'function', function: { name: tool.name, description: tool.description ?? undefined, parameters: tool.input_schema ?? undefined } })),
      tool_choice: chatToolChoice(body.tool_choice),
    },
  };
}

/** A whole Messages body as a chat body for `model`, or the service's refusal. */
export function messagesChatBody(body: MessagesRequest, model: CatalogueModel): ChatBodyResult {
  const prompt = promptChatBody(body);
  if (!prompt.ok) return prompt;
  const chat = prompt.chat;
  chat.max_completion_tokens = body.max_tokens;
  chat.temperature = body.temperature;
  chat.top_p = body.top_p;
  // Anthropic's top_k 0 switches the limit off.
  if (body.top_k) chat.top_k = body.top_k;
  chat.stop = body.stop_sequences ?? undefined;
  if (model.reasoning) chat.reasoning_effort = 'medium';
  return { ok: true, chat };
}
