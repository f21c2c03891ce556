/**
 * The answer to one prompt as the native predict calls send it (`SambaStudioGeneration`: under
 * `data`, `predictions` or a v2 item's `value`), and the parts the last stream object shares
 * with it: logprobs, tool calls and token counts.
 * @module
 */
import type { components } from '../../../contract/sambastudio.js';
import type { NativeCompletion } from './completion.js';

type Generation = components['schemas']['SambaStudioGeneration'];
type Logprobs = components['schemas']['SambaStudioLogprobs'];
type WireToolCall = components['schemas']['ToolCall'];

/** How the answer is written: the observed variants that change it. */
export interface AnswerStyle {
  /** `logprobs-empty-lists`: `[]` instead of `null` when logprobs were not asked for. */
  emptyLogprobLists: boolean;
  /** `total-count-only`: no prompt/completion counts (nor, in streams, timings). */
  totalCountOnly: boolean;
  /** `alternate-metric-names`: the last stream object's timings under the names some releases use. */
  alternateMetricNames: boolean;
}

export function answerStyle(variant: string | undefined): AnswerStyle {
  return {
    emptyLogprobLists: variant === 'logprobs-empty-lists',
    totalCountOnly: variant === 'total-count-only',
    alternateMetricNames: variant === 'alternate-metric-names',
  };
}

/**
 * Logprobs in the legacy completions layout the native APIs use: per position a map from candidate
 * token to its log probability (the chosen token first), and each token's character offset in the
 * completion. Not asked for: both fields null (vendor examples) or empty lists (captured).
 */
export function logprobsObject(completion: NativeCompletion, style: AnswerStyle): Logprobs {
  if (completion.topLogprobs === 0) return style.emptyLogprobLists ? { top_logprobs: [], text_offset: [] } : { top_logprobs: null, text_offset: null };
  const offsets: number[] = [];
  let offset = 0;
  for (const token of completion.tokens) {
    offsets.push(offset);
    offset += token.text.length;
  }
  return {
    top_logprobs: completion.tokens.map((token) => Object.fromEntries((token.topLogprobs ?? []).map((alternative) => [alternative.text, alternative.logprob]))),
    text_offset: offsets,
  };
}

/** The model's tool calls in the OpenAI shape the spec gives `tool_calls`. */
export function toolCallsOf(completion: NativeCompletion): WireToolCall[] {
  return completion.toolCalls.map((call) => ({ id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } }));
}

/** Token counts: always the total (documented), the split as newer releases add it. */
export function tokenCounts(completion: NativeCompletion, style: AnswerStyle): Pick<Generation, 'total_tokens_count' | 'prompt_tokens_count' | 'completion_tokens_count'> {
  const total = completion.promptTokens + completion.completionTokens;
  if (style.totalCountOnly) return { total_tokens_count: total };
  return { prompt_tokens_count: completion.promptTokens, completion_tokens_count: completion.completionTokens, total_tokens_count: total };
}

export function generationObject(completion: NativeCompletion, style: AnswerStyle): Generation {
  const generation: Generation = {
    prompt: completion.prompt,
    completion: completion.text,
    tokens: completion.tokens.map((token) => token.text),
    ...tokenCounts(completion, style),
    logprobs: logprobsObject(completion, style),
    stop_reason: completion.stopReason,
  };
  if (completion.toolCalls.length > 0) generation.tool_calls = toolCallsOf(completion);
  return generation;
}
