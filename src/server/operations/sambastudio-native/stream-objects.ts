/**
 * The stream objects of the native streams (`SambaStudioStreamResponse`): one per token with its
 * text in `stream_token`, then a last one with `is_last_response` true, the full completion, the
 * tokens, the stop reason, the counts and the timings. NLP and Generic v1 write every field on
 * every object, empty until the last (vendor reference); Generic v2 sends only `stream_token` and
 * `is_last_response` before the last object (vendor v2 docs).
 * @module
 */
import type { components } from '../../../contract/sambastudio.js';
import type { NativeCompletion } from './completion.js';
import { logprobsObject, tokenCounts, toolCallsOf, type AnswerStyle } from './generation-object.js';
import { timingFields, type TimingInput } from './stream-metrics.js';

export type StreamObject = components['schemas']['SambaStudioStreamResponse'];

/** `full`: every field on every object (NLP, Generic v1). `minimal`: only the text before the last object (Generic v2). */
export type StreamObjectForm = 'full' | 'minimal';

export function tokenObject(text: string, form: StreamObjectForm, style: AnswerStyle): StreamObject {
  if (form === 'minimal') return { stream_token: text, is_last_response: false };
  return {
    prompt: '',
    tokens: null,
    stop_reason: '',
    logprobs: style.emptyLogprobLists ? { top_logprobs: [], text_offset: [] } : { top_logprobs: null, text_offset: null },
    is_last_response: false,
    completion: '',
    total_tokens_count: 0,
    stream_token: text,
  };
}

export function lastObject(completion: NativeCompletion, timing: TimingInput, style: AnswerStyle): StreamObject {
  const last: StreamObject = {
    prompt: completion.prompt,
    tokens: completion.tokens.map((token) => token.text),
    stop_reason: completion.stopReason,
    logprobs: logprobsObject(completion, style),
    is_last_response: true,
    completion: completion.text,
    ...tokenCounts(completion, style),
    stream_token: '',
    ...(style.totalCountOnly ? {} : timingFields(timing)),
  };
  if (completion.toolCalls.length > 0) last.tool_calls = toolCallsOf(completion);
  return last;
}
