/**
 * One prompt of a native request answered by the fake model: the prompt prepared (templated when
 * `process_prompt` is true), checked against the context limit the vendor documents (prompt plus
 * tokens to generate under 2048), generated, and described in API-neutral terms that the response
 * and stream builders turn into wire objects.
 * @module
 */
import {
  countTokens,
  generate,
  toSambaStudioStopReason,
  type GeneratedToken,
  type GenerateRequest,
  type SambaStudioStopReason,
  type ToolCall,
  type ToolDefinition,
} from '../../fake-model/index.js';
import { templateConversation } from './conversation.js';
import { NativeRequestError } from './native-error.js';
import type { NativeParams } from './native-params.js';

/** Prompt and generated tokens together must stay below this (vendor parameter table). */
export const CONTEXT_TOKENS = 2048;

export interface NativePrompt {
  /** The prompt as the model sees it. */
  text: string;
  /** Where the prompt came from (`/body/inputs/0`), for errors. */
  path: string;
  /** Tools a `process_prompt` conversation offers. */
  tools?: ToolDefinition[];
  /** Other inputs that change the answer, such as a multimodal request's image (format and size). */
  attachments?: Readonly<Record<string, unknown>>;
}

export interface NativeCompletion {
  /** The prompt as the model saw it (the `prompt` field of the answer). */
  prompt: string;
  text: string;
  tokens: GeneratedToken[];
  stopReason: SambaStudioStopReason;
  promptTokens: number;
  completionTokens: number;
  toolCalls: ToolCall[];
  /** How many alternatives per position were asked for (0: logprobs were not asked for). */
  topLogprobs: number;
}

/** The prompt of one input string: as sent, or templated from its JSON conversation under `process_prompt`. */
export function preparePrompt(raw: string, path: string, params: NativeParams): NativePrompt {
  if (!params.processPrompt) return { text: raw, path };
  const { prompt, tools } = templateConversation(raw, path);
  return tools.length > 0 ? { text: prompt, path, tools } : { text: prompt, path };
}

/** Where the token budget is set in the request, for a context-limit error (`/body/params/max_tokens_to_generate`). */
const maxTokensPath = '/body/params/max_tokens_to_generate';

/** The fake model's answer to `prompt` on a server seeded with `seed`. */
export function complete(prompt: NativePrompt, params: NativeParams, seed: number): NativeCompletion {
  const promptTokens = countTokens(prompt.text);
  if (promptTokens >= CONTEXT_TOKENS - 1) {
    throw new NativeRequestError({
      path: prompt.path,
      rule: 'maxLength',
      status: 413,
      expected: `a prompt of at most ${CONTEXT_TOKENS - 2} tokens, so that one token can still be generated below ${CONTEXT_TOKENS}`,
      received: `a prompt of ${promptTokens} tokens`,
    });
  }
  if (params.maxTokens !== undefined && promptTokens + params.maxTokens >= CONTEXT_TOKENS) {
    throw new NativeRequestError({
      path: maxTokensPath,
      rule: 'maximum',
      status: 413,
      expected: `prompt and generated tokens together under ${CONTEXT_TOKENS} (at most ${CONTEXT_TOKENS - 1 - promptTokens} tokens to generate after this prompt)`,
      received: `${params.maxTokens} tokens to generate after a prompt of ${promptTokens} tokens`,
    });
  }
  const request: GenerateRequest = {
    prompt: prompt.text,
    // Without a budget the answer ends naturally, but never past the context limit.
    maxTokens: params.maxTokens ?? CONTEXT_TOKENS - 1 - promptTokens,
    // do_sample false is greedy decoding: temperature, top_p and top_k do not apply.
    temperature: params.doSample ? params.temperature : 0,
    stop: params.stop,
    logprobs: params.topLogprobs > 0,
    topLogprobs: params.topLogprobs,
    sampling: withoutUndefined({
      ...params.extra,
      repetition_penalty: params.repetitionPenalty,
      ...(params.doSample ? { top_p: params.topP, top_k: params.topK } : {}),
      ...prompt.attachments,
    }),
  };
  if (params.selectExpert !== undefined) request.model = params.selectExpert;
  if (prompt.tools) request.tools = prompt.tools;
  const generation = generate(request, { seed });
  const choice = generation.choices[0]!;
  return {
    prompt: prompt.text,
    text: choice.text,
    tokens: choice.tokens,
    stopReason: toSambaStudioStopReason(choice.finishReason),
    promptTokens: generation.usage.promptTokens,
    completionTokens: generation.usage.completionTokens,
    toolCalls: choice.toolCalls,
    topLogprobs: params.topLogprobs,
  };
}

function withoutUndefined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}
