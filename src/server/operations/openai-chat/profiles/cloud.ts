/**
 * @module SambaNova Cloud's chat (`/cloud/v1/chat/completions` here): bare UUID ids, fractional
 * `created`, `system_fingerprint: "fastcoe"`, the full usage figure set, `n` choices, reasoning in
 * `reasoning`, tool calls sent whole, a final chunk with `delta: {content: ""}`, and in-stream
 * errors under the SSE event name `error` (what the official SDKs check).
 */
import { cloudContextTokens, findModel } from '../../cloud/catalogue/catalogue.js';
import { checkCloudModel } from '../../cloud/catalogue/model-check.js';
import type { components } from '../../../../contract/sambanova-cloud.js';
import { toOpenAIFinishReason } from '../../../fake-model/index.js';
import { bareUuid, fractionalSeconds, wholeSeconds } from '../../shared/ids.js';
import { stylesBy, type WireStyle } from '../../shared/wire-style.js';
import type { ChatProfile } from '../profile.js';
import { cloudUsage } from '../usage.js';

type CloudStreamError = components['schemas']['CloudGeneralError'];
type CloudModelOutputError = components['schemas']['CloudModelOutputError'];
type CloudCompletion = components['schemas']['CloudChatCompletion'];

/**
 * The vendor's 200 body for a tool call or structured answer that could not be parsed: the raw
 * output is the answer's first tool call (as the model writes it) or its text, cut halfway, so it
 * is as unparseable as the output that fails there.
 */
function modelOutputError(answer: unknown): CloudModelOutputError {
  const message = (answer as CloudCompletion).choices[0]?.message;
  const call = message?.tool_calls?.[0]?.function;
  const raw = call ? `{"name": ${JSON.stringify(call.name)}, "arguments": ${typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments)}}` : (message?.content ?? '');
  return {
    error: {
      code: null,
      message: `The model output could not be parsed as ${call ? 'a tool call' : 'the requested answer'} (x-sambakit-fault: model-output).`,
      model_output: raw.slice(0, Math.ceil(raw.length / 2)),
      param: null,
      type: 'invalid_request_error',
    },
  };
}

const cloudStyles = stylesBy((variant: string | undefined): WireStyle => ({
  streamMediaType: 'text/event-stream',
  newId: bareUuid,
  created: variant === 'created-int' ? wholeSeconds : fractionalSeconds,
  createdPerChunk: false,
  model: (requested) => requested ?? '',
  systemFingerprint: 'fastcoe',
  honoursN: true,
  reasoningField: 'reasoning',
  finishReason: toOpenAIFinishReason,
  toolCalls: { arguments: variant === 'tool-args-object' ? 'object' : 'string', streamed: 'whole', streamIndex: variant !== 'tool-call-no-index', contentWithCalls: '' },
  logprobs: { bytes: 'utf8', top: 'as-asked', streamed: 'object' },
  finishChunk: 'empty-content',
  usageOnOtherChunks: variant === 'usage-null-chunks' ? 'null' : 'absent',
  usageOptionFields: ['stream_options'],
  usage: cloudUsage,
}));

export const cloudChatProfile: ChatProfile = {
  name: 'sambanova-cloud',
  acceptsBatch: false,
  // The catalogue decides: unknown model 404, a budget over the model's limit 400.
  checkBody(body) {
    const budget = body.max_completion_tokens !== undefined ? 'max_completion_tokens' : 'max_tokens';
    const check = checkCloudModel({ model: body.model, use: 'chat', maxTokens: { value: body[budget], param: budget } });
    return check.ok ? undefined : check.problem;
  },
  contextTokens: (body) => cloudContextTokens(findModel(body.model as string)!.card),
  variants: {
    'created-int': 'created as whole seconds, as 2024 responses have it, instead of a fraction',
    'usage-null-chunks': 'stream chunks before the usage chunk carry "usage": null (as the glossary says) instead of no usage key',
    'error-event-error_event': 'an in-stream error under the SSE event name error_event (what LangChain and LlamaIndex check) instead of error',
    'tool-args-object': 'tool call arguments as a JSON object instead of a string holding JSON',
    'tool-call-no-index': 'streamed tool calls without index, as SambaNova Cloud has been reported to send them',
  },
  style: (request) => cloudStyles(request.variant),
  modelOutputError,
  streamError(message, request) {
    const value: CloudStreamError = { error: { message, type: 'server_error', param: null, code: null }, request_id: request.requestId };
    return { kind: 'error', event: request.variant === 'error-event-error_event' ? 'error_event' : 'error', value };
  },
};
