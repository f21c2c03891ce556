/**
 * One prompt of a native request answered by the fake model: the prompt prepared (templated when
 * `process_prompt` is true), checked against the context limit the vendor documents (prompt plus
 * tokens to generate under the endpoint's context, 2048 by default: `sambastudioContextTokens`),
 * generated, and described in API-neutral terms that the response
 * and stream builders turn into wire objects.
 * @module
 */
import {
  countTokensUpTo,
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

/**
 * The fake model's answers to the prompts of one request, or a `NativeRequestError` for the first
 * prompt over the context. Prompts are counted only as far as the context (a longer one is refused
 * without being counted to its end), a long one over several turns of the event loop.
 */
export async function completeAll(prompts: readonly NativePrompt[], params: NativeParams, seed: number, contextTokens: number): Promise<NativeCompletion[]> {
  // "Under" the context: at least one token must be generated below it.
  const room = contextTokens - 1 - (params.maxTokens ?? 1);
  const completions: NativeCompletion[] = [];
  for (const prompt of prompts) {
    const counted = countTokensUpTo(prompt.text, room);
    const promptTokens = typeof counted === 'number' ? counted : await counted;
    if (promptTokens > room) throw contextError(prompt, promptTokens, params, contextTokens);
    completions.push(complete(prompt, promptTokens, params, seed, contextTokens));
  }
  return completions;
}

/** The refusal of a prompt that does not fit; its count stopped once it could not, so it is a lower bound. */
function contextError(prompt: NativePrompt, promptTokens: number, params: NativeParams, contextTokens: number): NativeRequestError {
  if (params.maxTokens === undefined) {
    return new NativeRequestError({
      path: prompt.path,
      rule: 'maxLength',
      expected: `a prompt of at most ${contextTokens - 2} tokens, so that one token can still be generated under the context length of ${contextTokens}`,
      received: `a prompt of at least ${promptTokens} tokens`,
    });
  }
  return new NativeRequestError({
    path: maxTokensPath,
    rule: 'maximum',
    expected: `prompt and generated tokens together under the context length of ${contextTokens}`,
    received: `${params.maxTokens} tokens to generate after a prompt of at least ${promptTokens} tokens (at least ${promptTokens + params.maxTokens} in all)`,
  });
}

/** The fake model's answer to a prompt of `promptTokens` tokens that fits the context. */
function complete(prompt: NativePrompt, promptTokens: number, params: NativeParams, seed: number, contextTokens: number): NativeCompletion {
  const request: GenerateRequest = {
    prompt: prompt.text,
    promptTokens,
    // Without a budget the answer ends naturally, but never past the context limit.
    maxTokens: params.maxTokens ?? contextTokens - 1 - promptTokens,
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
