import { describe, expect, it } from 'vitest';
import {
  FinishReason, toLmiFinishReason, toMessagesStopReason, toOpenAIFinishReason, toSambaStudioStopReason,
} from '../../../src/server/fake-model/index.js';

describe('finish reason mapping', () => {
  const reasons = [FinishReason.EndOfText, FinishReason.StopSequence, FinishReason.MaxTokens, FinishReason.ToolCalls];

  it('maps to each family\'s own words', () => {
    expect(reasons.map(toSambaStudioStopReason)).toEqual(['end_of_text', 'stop_sequence_hit', 'max_len_reached', 'end_of_text']);
    expect(reasons.map(toOpenAIFinishReason)).toEqual(['stop', 'stop', 'length', 'tool_calls']);
    expect(reasons.map(toLmiFinishReason)).toEqual(['eos_token', 'stop_sequence', 'length', 'tool_calls']);
    expect(reasons.map(toMessagesStopReason)).toEqual(['end_turn', 'stop_sequence', 'max_tokens', 'tool_use']);
  });
});
