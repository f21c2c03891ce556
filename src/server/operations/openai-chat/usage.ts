/**
 * @module Usage objects of the three APIs, all from the same measured facts: token counts from the
 * fake model and timings from the actual send times (so TTFT and throughput agree with what a client
 * sees on the wire). Totals are always prompt + completion.
 */
import type { components as Cloud } from '../../../contract/sambanova-cloud.js';
import type { components as Lmi } from '../../../contract/lmi.js';
import type { components as Studio } from '../../../contract/sambastudio.js';
import type { UsageFacts } from '../shared/wire-style.js';

type StudioUsage = NonNullable<Studio['schemas']['SambaStudioChatUsage']>;
type CloudUsage = Cloud['schemas']['CloudUsage'];
type TokenUsage = Lmi['schemas']['TokenUsage'];

/** The reference server has no queue: a request starts the moment it arrives. */
const QUEUE_TIME_S = 0;

function timings(facts: UsageFacts) {
  return {
    throughput_after_first_token: facts.timing.throughputAfterFirstToken,
    time_to_first_token: facts.timing.timeToFirstTokenS,
    model_execution_time: facts.timing.totalLatencyS,
  };
}

/** SambaStudio as its documentation names the fields (the default). */
export function sambaStudioDocumentedUsage(facts: UsageFacts): StudioUsage {
  return {
    input_tokens_count: facts.promptTokens,
    output_tokens_count: facts.completionTokens,
    total_tokens_count: facts.promptTokens + facts.completionTokens,
    queue_time: QUEUE_TIME_S,
    ...timings(facts),
  };
}

/** SambaStudio as a 2024 release was seen answering: OpenAI's token names with the timing fields. */
export function sambaStudioObservedUsage(facts: UsageFacts): StudioUsage {
  return {
    prompt_tokens: facts.promptTokens,
    completion_tokens: facts.completionTokens,
    total_tokens: facts.promptTokens + facts.completionTokens,
    ...timings(facts),
  };
}

/**
 * SambaNova Cloud's full figure set (as of late 2025). The `_graph` figures stand for what the
 * accelerator measured; the reference server has only the wire, so they repeat the wire figures.
 * `acceptance_rate` (speculative decoding) is left out, as in most 2025 responses.
 */
export function cloudUsage(facts: UsageFacts): CloudUsage {
  const total = facts.promptTokens + facts.completionTokens;
  const { timing } = facts;
  return {
    completion_tokens: facts.completionTokens,
    completion_tokens_after_first_per_sec: timing.throughputAfterFirstToken,
    completion_tokens_after_first_per_sec_first_ten: facts.firstTen.throughputAfterFirstToken,
    completion_tokens_after_first_per_sec_graph: timing.throughputAfterFirstToken,
    completion_tokens_details: { reasoning_tokens: facts.reasoningTokens },
    completion_tokens_per_sec: timing.tokensPerSecond,
    end_time: facts.endEpochMs / 1000,
    is_last_response: true,
    prompt_tokens: facts.promptTokens,
    prompt_tokens_details: { cached_tokens: 0 },
    start_time: facts.startEpochMs / 1000,
    stop_reason: facts.stopReason,
    time_to_first_token: timing.timeToFirstTokenS,
    time_to_first_token_graph: timing.timeToFirstTokenS,
    total_latency: timing.totalLatencyS,
    total_tokens: total,
    total_tokens_per_sec: timing.totalLatencyS > 0 ? total / timing.totalLatencyS : 0,
  };
}

/** The three counts only (LMI, and vLLM behind it). */
export function tokenUsage(facts: UsageFacts): TokenUsage {
  return { prompt_tokens: facts.promptTokens, completion_tokens: facts.completionTokens, total_tokens: facts.promptTokens + facts.completionTokens };
}
