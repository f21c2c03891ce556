/**
 * @module The fake model behind the reference server: deterministic text, JSON, tool calls,
 * reasoning and logprobs from a seed, counted in real tokenizer tokens; plus transcripts and
 * embeddings (pacing is `../pacing/`). Pure functions with no HTTP and no API shapes: the API
 * layers translate their bodies into a `GenerateRequest` and the `Generation` back.
 *
 * ```ts
 * const result = generate({ prompt: 'Say hi', maxTokens: 16, temperature: 0 }, { seed: 42 });
 * result.choices[0].text; // 16 tokens, finishReason 'max_tokens' -> toOpenAIFinishReason: 'length'
 * ```
 */
export { generate, generateInTurns, NATURAL_MIN_TOKENS, NATURAL_MAX_TOKENS, REASONING_SHARE, REASONING_TOKENS } from './generate.js';
export type {
  Choice, GenerateOptions, GenerateRequest, Generation, ReasoningEffort, ResponseFormat, ToolCall, Usage,
} from './types.js';
export {
  FinishReason, toLmiFinishReason, toMessagesStopReason, toOpenAIFinishReason, toSambaStudioStopReason,
  type LmiFinishReason, type MessagesStopReason, type OpenAIFinishReason, type SambaStudioStopReason,
} from './finish-reason.js';
export { countedLength, countTokens, countTokensUpTo, encodeText, decodeTokens, MAX_TOKEN_CHARS, type CountedText, type PiecedText } from './tokenizer.js';
export { MAX_TOP_LOGPROBS, type GeneratedToken, type TokenAlternative } from './logprobs.js';
export { promptLogprobs } from './prompt-logprobs.js';
export { UnknownToolError, toolKeywords, toolScore, type ToolChoice, type ToolDefinition } from './tool-choice.js';
export type { JsonSchema } from './schema-sampler.js';
export { stopList } from './stop-sequences.js';
export { transcribe, WORDS_PER_SECOND, type Transcript, type TranscriptSegment } from './transcription.js';
export { embed } from './embeddings.js';
export { jsonTextSteps } from './json-writer.js';
