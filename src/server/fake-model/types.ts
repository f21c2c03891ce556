/**
 * @module The fake model's request and answer types. They speak of prompts, tokens and tool
 * calls, never of any API's JSON: each API layer maps its body to a `GenerateRequest` and the
 * `Generation` back to its own shapes.
 */
import type { FinishReason } from './finish-reason.js';
import type { GeneratedToken } from './logprobs.js';
import type { JsonSchema } from './schema-sampler.js';
import type { ToolChoice, ToolDefinition } from './tool-choice.js';

/** How much the model thinks before it answers. */
export type ReasoningEffort = 'low' | 'medium' | 'high';

/** What the answer's content must be. */
export type ResponseFormat =
  | { type: 'text' }
  /** A JSON object of the model's choosing. */
  | { type: 'json_object' }
  /** JSON valid against `schema` (absent: any JSON object). */
  | { type: 'json_schema'; schema?: JsonSchema; name?: string };

/** One generation request, in API-neutral terms. */
export interface GenerateRequest {
  /** The prompt text; chat callers flatten the messages first (see `countTokens`). */
  prompt: string;
  /**
   * The pieces `prompt` is made of, when it holds a long string of a body parsed in slices: the
   * request is hashed from them, so that an answer never reads the prompt whole (see the
   * tokenizer's `PiecedText`).
   */
  promptPieces?: readonly string[];
  /** The prompt's tokens when the caller has counted them already (a long prompt is counted in slices, once). */
  promptTokens?: number;
  /** Model name; part of what the output depends on. */
  model?: string;
  /**
   * Token budget for everything generated (reasoning + content + tool calls), as OpenAI counts
   * `max_completion_tokens`. Absent: the answer ends naturally (60 to about 360 tokens of text).
   */
  maxTokens?: number;
  /** 0 means greedy: `seed` is ignored and the `n` choices are identical. Absent: sampled. */
  temperature?: number;
  /** The request's seed; only used when sampling (temperature absent or > 0). */
  seed?: number;
  /** Stop strings; the content ends right before the first one that occurs. */
  stop?: string | readonly string[];
  /** Number of choices (default 1). */
  n?: number;
  responseFormat?: ResponseFormat;
  tools?: readonly ToolDefinition[];
  /** Default: `auto` when tools are given. */
  toolChoice?: ToolChoice;
  reasoningEffort?: ReasoningEffort;
  /** Give every content token a logprob. */
  logprobs?: boolean;
  /** Alternatives per token (0..20), with `logprobs`. */
  topLogprobs?: number;
  /**
   * Any other knob that changes what a real model writes (`top_p`, `top_k`, penalties...). Only
   * hashed: different values give different (still deterministic) output.
   */
  sampling?: Readonly<Record<string, unknown>>;
}

/** Server-wide settings of the fake model. */
export interface GenerateOptions {
  /** The server seed (`sambakit serve --seed`): stands for the model's weights. */
  seed: number;
}

/** A tool call in an answer. */
export interface ToolCall {
  /** `call_` + 24 hex digits, deterministic. */
  id: string;
  name: string;
  /** The arguments object as JSON text (compact, ASCII), valid against the tool's parameters. */
  arguments: string;
  /** `arguments` as tokens, for streaming it in pieces. */
  tokens: GeneratedToken[];
}

/** One of the `n` answers. */
export interface Choice {
  index: number;
  /** The content text: the concatenation of `tokens[].text`. Empty for a tool-call answer. */
  text: string;
  tokens: GeneratedToken[];
  /** Present when `reasoningEffort` was given: the thinking that came before the content. */
  reasoning?: { text: string; tokens: GeneratedToken[] };
  /** Empty unless the model called a tool. */
  toolCalls: ToolCall[];
  finishReason: FinishReason;
  /** The stop string that ended the content, when `finishReason` is `stop_sequence`. */
  stopSequence?: string;
  /** Reasoning + content + tool-call tokens (name and arguments) of this choice. */
  completionTokens: number;
  reasoningTokens: number;
}

/** Token counts, summed over choices for completion (as OpenAI reports `n` > 1). */
export interface Usage {
  promptTokens: number;
  completionTokens: number;
  reasoningTokens: number;
  totalTokens: number;
}

/** The answer to a `GenerateRequest`. */
export interface Generation {
  choices: Choice[];
  usage: Usage;
}
