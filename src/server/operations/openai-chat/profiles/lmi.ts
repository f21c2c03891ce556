/**
 * @module DJL LMI's chat (`/lmi/v1/chat/completions` and SageMaker's `/lmi/invocations`). By default
 * the rolling-batch path, as the vendor documents it: `chatcmpl-<n>` ids, integer `created` stamped
 * on every stream line, no `model`, one choice, LMI's finish reasons (`eos_token`, `stop_sequence`,
 * `length`), logprobs with code points and one alternative (in streams an array around the object,
 * with the log probability in `top_logprobs[].token`), no usage in streams and no end marker.
 * Variant `vllm-async` gives the async vLLM engine's shapes instead; the stream framing is chosen by
 * `lmi-stream-media-type.ts`.
 */
import type { components } from '../../../../contract/lmi.js';
import { toLmiFinishReason, toOpenAIFinishReason } from '../../../fake-model/index.js';
import { lmiRollingBatchId, vllmId, wholeSeconds } from '../../shared/ids.js';
import { stylesBy, type WireStyle } from '../../shared/wire-style.js';
import type { ChatProfile } from '../profile.js';
import { tokenUsage } from '../usage.js';
import { lmiStreamMediaType } from './lmi-stream-media-type.js';

type LmiStreamError = components['schemas']['LmiError'];

/** What vLLM answers as `model` when the request names none: the path the model was loaded from on SageMaker. */
const VLLM_DEFAULT_MODEL = '/opt/ml/model';

/** The style for a stream media type (chosen from Accept and the variant) and a variant. */
const lmiStyles = stylesBy((streamMediaType: WireStyle['streamMediaType'], variant: string | undefined): WireStyle => {
  const shared = {
    streamMediaType,
    created: wholeSeconds,
    reasoningField: 'reasoning_content',
    finishChunk: 'on-last-piece',
    usageOnOtherChunks: 'absent',
    usage: tokenUsage,
  } as const;
  const toolCalls = { arguments: 'string', streamed: 'pieces', streamIndex: true, contentWithCalls: null } as const;
  if (variant === 'vllm-async') {
    return {
      ...shared,
      newId: vllmId,
      createdPerChunk: false,
      model: (requested) => requested ?? VLLM_DEFAULT_MODEL,
      honoursN: true,
      finishReason: toOpenAIFinishReason,
      toolCalls,
      logprobs: { bytes: 'utf8', top: 'as-asked', streamed: 'object' },
      usageOptionFields: ['stream_options'],
    };
  }
  return {
    ...shared,
    newId: lmiRollingBatchId,
    createdPerChunk: true,
    model: () => undefined,
    honoursN: false,
    finishReason: toLmiFinishReason,
    toolCalls,
    logprobs: { bytes: 'code-points', top: 'self-only', streamed: 'rolling-batch-array' },
    // The rolling-batch formatter writes no usage line, whatever the request asks.
    usageOptionFields: [],
  };
});

export const lmiChatProfile: ChatProfile = {
  name: 'lmi',
  acceptsBatch: false,
  contextTokens: (_body, options) => options.lmiContextTokens,
  variants: {
    sse: 'the stream as server-sent events ending with data: [DONE] (the vLLM rolling-batch path of recent DJL sources) instead of JSON lines',
    'vllm-async': 'the async vLLM engine\'s shapes (LMI v17+): model present, OpenAI finish reasons, n choices, full top_logprobs in UTF-8 bytes, a usage line with include_usage',
  },
  style: (request) => lmiStyles(lmiStreamMediaType(request.headers.get('accept'), request.variant), request.variant),
  // A data line (not a named SSE event): LMI writes `{"code", "error"}` where the next line would go,
  // in either framing; its SSE framing declares no error event names.
  streamError(message) {
    const value: LmiStreamError = { code: 424, error: message };
    return { kind: 'item', value };
  },
};
