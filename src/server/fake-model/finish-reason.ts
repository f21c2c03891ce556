/**
 * @module Why a choice ended, in the fake model's own words, and the word each API family uses
 * for it. The API layers call the mapping for their family; nothing else should spell these.
 */
import type { components as Lmi } from '../../contract/lmi.js';
import type { components as Cloud } from '../../contract/sambanova-cloud.js';
import type { components as Studio } from '../../contract/sambastudio.js';

/**
 * Why generation ended:
 * - `end_of_text`: the model finished on its own (its natural end).
 * - `stop_sequence`: a requested stop string appeared; the text ends right before it.
 * - `max_tokens`: the token budget (`maxTokens`) ran out; completion tokens == the budget.
 * - `tool_calls`: the model answered with tool calls instead of text.
 */
export const FinishReason = {
  EndOfText: 'end_of_text',
  StopSequence: 'stop_sequence',
  MaxTokens: 'max_tokens',
  ToolCalls: 'tool_calls',
} as const;
export type FinishReason = (typeof FinishReason)[keyof typeof FinishReason];

// The words are the spec's (generated enums): a mapping to a word the spec does not have fails to compile.
/** SambaStudio native (NLP / Generic v1 / v2) `stop_reason`. */
export type SambaStudioStopReason = NonNullable<Studio['schemas']['SambaStudioStopReason']>;
/** OpenAI-style `finish_reason` (SambaStudio OpenAI-compatible, SambaNova Cloud, vLLM), as the Cloud spec spells it. */
export type OpenAIFinishReason = NonNullable<Cloud['schemas']['CloudChatFinishReason']>;
/** DJL LMI rolling-batch `finish_reason`. */
export type LmiFinishReason = Lmi['schemas']['LmiFinishReason'];
/** Messages API (Anthropic-style) `stop_reason`. */
export type MessagesStopReason = Cloud['schemas']['CloudMessagesStopReason'];

/** The native APIs have no tool calls; a tool-call answer reads as a natural end there. */
export function toSambaStudioStopReason(reason: FinishReason): SambaStudioStopReason {
  switch (reason) {
    case 'stop_sequence': return 'stop_sequence_hit';
    case 'max_tokens': return 'max_len_reached';
    case 'end_of_text':
    case 'tool_calls': return 'end_of_text';
  }
}

export function toOpenAIFinishReason(reason: FinishReason): OpenAIFinishReason {
  switch (reason) {
    case 'end_of_text':
    case 'stop_sequence': return 'stop';
    case 'max_tokens': return 'length';
    case 'tool_calls': return 'tool_calls';
  }
}

export function toLmiFinishReason(reason: FinishReason): LmiFinishReason {
  switch (reason) {
    case 'end_of_text': return 'eos_token';
    case 'stop_sequence': return 'stop_sequence';
    case 'max_tokens': return 'length';
    case 'tool_calls': return 'tool_calls';
  }
}

export function toMessagesStopReason(reason: FinishReason): MessagesStopReason {
  switch (reason) {
    case 'end_of_text': return 'end_turn';
    case 'stop_sequence': return 'stop_sequence';
    case 'max_tokens': return 'max_tokens';
    case 'tool_calls': return 'tool_use';
  }
}
