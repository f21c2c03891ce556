/**
 * @module SambaStudio's OpenAI-compatible chat (`/v1/{project}/{endpoint}/chat/completions` and the
 * `/openai/v1/...` form): `chatcmpl-` ids, integer `created`, usage under the documented names,
 * exactly one choice (the vendor says so), no reasoning field, tool calls sent whole, a final chunk
 * with `delta: {}`, usage asked for by `stream_options` or the 24.8/24.9 spelling `stream_option`,
 * errors in the stream under the event name `error_event`. A JSON array body is a batch.
 */
import type { components } from '../../../../contract/sambastudio.js';
import { toOpenAIFinishReason } from '../../../fake-model/index.js';
import { openAiStyleId, wholeSeconds } from '../../shared/ids.js';
import { stylesBy, type WireStyle } from '../../shared/wire-style.js';
import type { ChatProfile } from '../profile.js';
import { sambaStudioDocumentedUsage, sambaStudioObservedUsage } from '../usage.js';

type StudioStreamError = components['schemas']['SambaStudioOpenAIError'];

const studioStyles = stylesBy((variant: string | undefined): WireStyle => ({
  streamMediaType: 'text/event-stream',
  newId: openAiStyleId,
  created: wholeSeconds,
  createdPerChunk: false,
  // The request schema requires `model`; a batch element without one cannot pass validation.
  model: (requested) => requested ?? '',
  honoursN: false,
  finishReason: toOpenAIFinishReason,
  toolCalls: { arguments: variant === 'tool-args-object' ? 'object' : 'string', streamed: 'whole', streamIndex: true, contentWithCalls: null },
  logprobs: { bytes: 'utf8', top: 'as-asked', streamed: 'object' },
  finishChunk: 'empty-delta',
  usageOnOtherChunks: variant === 'usage-null-chunks' ? 'null' : 'absent',
  usageOptionFields: ['stream_options', 'stream_option'],
  usage: variant === 'usage-prompt-tokens' ? sambaStudioObservedUsage : sambaStudioDocumentedUsage,
}));

export const sambaStudioChatProfile: ChatProfile = {
  name: 'sambastudio',
  acceptsBatch: true,
  contextTokens: (_body, options) => options.sambastudioContextTokens,
  variants: {
    'usage-prompt-tokens': 'usage under OpenAI\'s names (prompt_tokens, completion_tokens, total_tokens) with the timing fields, as a 2024 release answered',
    'usage-null-chunks': 'stream chunks before the usage chunk carry "usage": null instead of no usage key',
    'error-data-event': 'an in-stream error as a plain data event holding {"error": {...}} instead of an event named error_event',
    'tool-args-object': 'tool call arguments as a JSON object instead of a string holding JSON',
  },
  style: (request) => studioStyles(request.variant),
  streamError(message, request) {
    const value: StudioStreamError = { error: { message, type: 'server_error', param: null, code: 'internal_error' } };
    return request.variant === 'error-data-event' ? { kind: 'item', value } : { kind: 'error', event: 'error_event', value };
  },
};
