/**
 * @module A Responses API body read as the chat completion body the shared chat core runs: the
 * instructions and input items become chat messages (an earlier function call an assistant turn
 * with `tool_calls`, its output a `tool` message, earlier reasoning dropped as chat templates drop
 * it), the flat function tools become chat tools, `text.format` a `response_format`, and a
 * reasoning model reasons at `reasoning.effort` (medium by default, as the vendor documents).
 */
import type { components } from '../../../../contract/sambanova-cloud.js';
import type { CatalogueModel } from '../catalogue/catalogue.js';
import { MAX_TOP_LOGPROBS } from '../../../fake-model/index.js';

export type ResponseRequest = components['schemas']['CloudResponseRequest'];
type InputItem = components['schemas']['CloudResponseInputItem'];
type ContentPart = components['schemas']['CloudResponseContentPart'];

type ChatMessage = Record<string, unknown>;

function chatPart(part: ContentPart): Record<string, unknown> {
  switch (part.type) {
    case 'input_text':
    case 'output_text':
      return { type: 'text', text: part.text };
    case 'input_image':
      return { type: 'image_url', image_url: { url: part.image_url ?? '' } };
    case 'input_audio':
      return { type: 'audio_content', audio_content: { content: part.input_audio.data } };
    case 'input_video':
      return { type: 'video_url', video_url: { url: part.video_url } };
  }
}

function chatMessages(item: InputItem): ChatMessage[] {
  if ('role' in item) return [{ role: item.role, content: typeof item.content === 'string' ? item.content : item.content.map(chatPart) }];
  switch (item.type) {
    case 'function_call':
      return [{ role: 'assistant', content: '', tool_calls: [{ id: item.call_id, type: 'function', function: { name: item.name, arguments: item.arguments } }] }];
    case 'function_call_output':
      return [{ role: 'tool', tool_call_id: item.call_id, content: item.output }];
    default:
      return [];
  }
}

function chatToolChoice(choice: ResponseRequest['tool_choice']): unknown {
  if (choice === undefined || choice === null || typeof choice === 'string') return choice ?? undefined;
  return { type: 'function', function: { name: choice.name } };
}

function chatResponseFormat(format: NonNullable<ResponseRequest['text']>['format']): unknown {
  if (!format || format.type === 'text') return undefined;
  if (format.type === 'json_object') return { type: 'json_object' };
  return { type: 'json_schema', json_schema: { name: format.name, ...(format.schema ? { schema: format.schema } : {}) } };
}

/** The chat body for `body`, answered by `model`. */
export function responsesChatBody(body: ResponseRequest, model: CatalogueModel): Record<string, unknown> {
  const messages: ChatMessage[] = [];
  if (typeof body.instructions === 'string') messages.push({ role: 'system', content: body.instructions });
  if (typeof body.input === 'string') messages.push({ role: 'user', content: body.input });
  else for (const item of body.input) messages.push(...chatMessages(item));
  const chat: Record<string, unknown> = {
    model: body.model,
    messages,
    max_completion_tokens: body.max_output_tokens,
    temperature: body.temperature,
    top_p: body.top_p,
    top_k: body.top_k,
    frequency_penalty: body.frequency_penalty,
    presence_penalty: body.presence_penalty,
    tools: body.tools?.map((tool) => ({ type: 'function', function: { name: tool.name, description: tool.description ?? undefined, parameters: tool.parameters ?? undefined } })),
    tool_choice: chatToolChoice(body.tool_choice),
    response_format: chatResponseFormat(body.text?.format),
  };
  if (model.reasoning) chat.reasoning_effort = body.reasoning?.effort ?? 'medium';
  if (typeof body.top_logprobs === 'number') {
    chat.logprobs = true;
    chat.top_logprobs = Math.min(Math.max(0, body.top_logprobs), MAX_TOP_LOGPROBS);
  }
  return chat;
}
