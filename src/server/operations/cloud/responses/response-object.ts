/**
 * @module The Responses API's objects: output items of an answer's blocks (in progress, as a stream
 * announces them, or complete), the usage, and the response envelope with the request's settings
 * echoed, as the vendor's examples show them. Item ids are drawn once per answer, so that the stream
 * events and the final response name the same items.
 */
import type { components } from '../../../../contract/sambanova-cloud.js';
import { FinishReason, type GeneratedToken } from '../../../fake-model/index.js';
import type { UsageFacts } from '../../shared/wire-style.js';
import { tokenLogprob, type TokenLogprobEntry } from '../../shared/logprobs.js';
import type { Block } from '../shared/blocks.js';
import type { ChatRun } from '../shared/chat-run.js';
import { prefixedId } from '../shared/ids.js';
import type { ResponseRequest } from './responses-request.js';

type CloudResponse = components['schemas']['CloudResponse'];
type OutputItem = components['schemas']['CloudResponseOutputItem'];
type ResponseUsage = components['schemas']['CloudResponseUsage'];
export type ItemStatus = 'in_progress' | 'completed' | 'incomplete';

/** One answer being written: its blocks with the ids their items carry. */
export interface ResponseDraft {
  id: string;
  createdAtS: number;
  body: ResponseRequest;
  run: ChatRun;
  blocks: readonly Block[];
  itemIds: readonly string[];
  /** Whether `top_logprobs` asked for log probabilities of the output text. */
  logprobs: boolean;
}

const itemPrefix: Record<Block['kind'], string> = { reasoning: 'rs_', text: 'msg_', tool_call: 'fc_' };

export function responseDraft(body: ResponseRequest, run: ChatRun, blocks: readonly Block[]): ResponseDraft {
  return {
    id: prefixedId('resp_'),
    createdAtS: Math.floor(run.clock.arrival.epochMs / 1000),
    body,
    run,
    blocks,
    itemIds: blocks.map((block) => prefixedId(itemPrefix[block.kind])),
    logprobs: run.input.generate.logprobs === true,
  };
}

/** Log probabilities of output text tokens in the OpenAI form; empty when not asked for. */
export function textLogprobs(tokens: readonly GeneratedToken[], asked: boolean): TokenLogprobEntry[] {
  if (!asked) return [];
  return tokens.flatMap((token) => tokenLogprob(token, { bytes: 'utf8', top: 'as-asked', streamed: 'object' }) ?? []);
}

/** The content part of a text block, as it stands after `text`. */
export function outputTextPart(text: string, logprobs: TokenLogprobEntry[]) {
  return { type: 'output_text' as const, text, annotations: [], logprobs };
}

/** The output item of block `index`: empty while `in_progress` (what `response.output_item.added` carries), whole otherwise. */
export function outputItem(draft: ResponseDraft, index: number, status: ItemStatus): OutputItem {
  const block = draft.blocks[index]!;
  const id = draft.itemIds[index]!;
  const whole = status !== 'in_progress';
  switch (block.kind) {
    case 'reasoning':
      return { id, type: 'reasoning', status, summary: [], content: whole ? [{ type: 'reasoning_text', text: block.text }] : [] };
    case 'text':
      return { id, type: 'message', role: 'assistant', status, content: whole ? [outputTextPart(block.text, textLogprobs(block.tokens, draft.logprobs))] : [] };
    case 'tool_call':
      return { id, type: 'function_call', call_id: block.call.id, name: block.call.name, arguments: whole ? block.call.arguments : '', status };
  }
}

/** `completed`, or `incomplete` when the output budget ran out. */
export function finalStatus(draft: ResponseDraft): 'completed' | 'incomplete' {
  return draft.run.generation.choices[0]!.finishReason === FinishReason.MaxTokens ? 'incomplete' : 'completed';
}

/** Status of a finished item: the last one is `incomplete` when the budget cut it, the others `completed`. */
export function doneItemStatus(draft: ResponseDraft, index: number): ItemStatus {
  return index === draft.blocks.length - 1 && finalStatus(draft) === 'incomplete' ? 'incomplete' : 'completed';
}

export function responseUsage(facts: UsageFacts): ResponseUsage {
  const total = facts.promptTokens + facts.completionTokens;
  const { timing } = facts;
  return {
    input_tokens: facts.promptTokens,
    output_tokens: facts.completionTokens,
    total_tokens: total,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens_details: { reasoning_tokens: facts.reasoningTokens },
    start_time: facts.startEpochMs / 1000,
    end_time: facts.endEpochMs / 1000,
    time_to_first_token: timing.timeToFirstTokenS,
    total_latency: timing.totalLatencyS,
    output_tokens_per_sec: timing.tokensPerSecond,
    output_tokens_after_first_per_sec: timing.throughputAfterFirstToken,
    total_tokens_per_sec: timing.totalLatencyS > 0 ? total / timing.totalLatencyS : 0,
    is_last_response: true,
  };
}

/**
 * The response object at `status`: in progress (empty output, no usage: the first stream events),
 * or finished with every item and the usage.
 */
export function responseObject(draft: ResponseDraft, status: 'in_progress' | 'completed' | 'incomplete', usage?: UsageFacts): CloudResponse {
  const { body } = draft;
  const finished = status !== 'in_progress';
  const response: CloudResponse = {
    id: draft.id,
    object: 'response',
    created_at: draft.createdAtS,
    status,
    model: body.model,
    output: finished ? draft.blocks.map((_, index) => outputItem(draft, index, doneItemStatus(draft, index))) : [],
    usage: finished && usage ? responseUsage(usage) : null,
    error: null,
    incomplete_details: status === 'incomplete' ? { reason: 'max_output_tokens' } : null,
    instructions: body.instructions ?? null,
    metadata: body.metadata ?? {},
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    max_tool_calls: body.max_tool_calls ?? null,
    tool_choice: body.tool_choice ?? 'auto',
    tools: (body.tools ?? []).map((tool) => ({ ...tool, strict: null })),
    temperature: body.temperature ?? 0.7,
    top_p: body.top_p ?? 1,
    frequency_penalty: body.frequency_penalty ?? 0,
    presence_penalty: body.presence_penalty ?? 0,
    reasoning: { effort: (draft.run.input.generate.reasoningEffort ?? null), summary: null },
    text: { format: body.text?.format ?? { type: 'text' } },
    truncation: body.truncation ?? 'disabled',
    max_output_tokens: body.max_output_tokens ?? null,
    top_logprobs: body.top_logprobs ?? null,
    store: false,
    background: body.background ?? false,
    service_tier: body.service_tier ?? 'free',
    user: body.user ?? null,
    previous_response_id: null,
  };
  if (body.top_k !== undefined && body.top_k !== null) response.top_k = body.top_k;
  if (finished && usage) response.completed_at = Math.floor(usage.endEpochMs / 1000);
  return response;
}
