/**
 * @module An OpenAI-style chat body read into the fake model's API-neutral `GenerateRequest`. The
 * body is already valid against the operation's schema, but the schemas are open (SambaStudio's does
 * not list `tools` or `response_format`, LMI's has no `reasoning_effort`), so every field that the
 * schema may not have checked is read defensively: a value of the wrong shape is ignored, never trusted.
 */
import type { GenerateRequest, JsonSchema, ReasoningEffort, ResponseFormat, ToolChoice, ToolDefinition } from '../../fake-model/index.js';
import type { WireStyle } from './wire-style.js';
import { endsWithToolResult, joinTexts, promptTexts, promptTurns, type PromptTexts } from './prompt.js';

/** One chat request, ready for the fake model. */
export interface ChatInput {
  model: string | undefined;
  /** Prompt tokens, tool definitions included (see `promptTexts`). */
  promptTokens: number;
  /** Streamed answer asked for (never inside a batch: a batch cannot be streamed). */
  stream: boolean;
  /** A usage chunk was asked for (`stream_options.include_usage`, or the API's other spelling). */
  includeUsage: boolean;
  generate: GenerateRequest;
}

/** A chat request as read, before its prompt is counted (which may take more than one turn of the event loop). */
export interface ReadChat extends Omit<ChatInput, 'promptTokens'> {
  /** What a real server counts as the prompt (see `promptTexts`). */
  prompt: PromptTexts;
  /** The output budget the body sets, and the field that sets it. */
  budget: { tokens: number; param: string } | undefined;
}

type Body = Record<string, unknown>;

const isObject = (value: unknown): value is Body => typeof value === 'object' && value !== null && !Array.isArray(value);
const integer = (value: unknown): number | undefined => (typeof value === 'number' && Number.isInteger(value) ? value : undefined);
const number = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

/** Knobs that change what a real model writes without the fake model having a meaning for them: only hashed. */
const SAMPLING_FIELDS = ['top_p', 'top_k', 'repetition_penalty', 'presence_penalty', 'frequency_penalty', 'logit_bias', 'ignore_eos'] as const;

function readStop(value: unknown): string | string[] | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  return undefined;
}

function readResponseFormat(value: unknown): ResponseFormat | undefined {
  if (!isObject(value)) return undefined;
  switch (value.type) {
    case 'text':
      return { type: 'text' };
    case 'json_object':
      return { type: 'json_object' };
    case 'json_schema': {
      const spec = isObject(value.json_schema) ? value.json_schema : {};
      const format: ResponseFormat = { type: 'json_schema' };
      if (isObject(spec.schema)) format.schema = spec.schema as JsonSchema;
      if (typeof spec.name === 'string') format.name = spec.name;
      return format;
    }
    default:
      return undefined;
  }
}

function readTools(value: unknown): ToolDefinition[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const tools: ToolDefinition[] = [];
  for (const tool of value) {
    const fn = isObject(tool) && isObject(tool.function) ? tool.function : undefined;
    if (!fn || typeof fn.name !== 'string') continue;
    const definition: ToolDefinition = { name: fn.name };
    if (typeof fn.description === 'string') definition.description = fn.description;
    if (isObject(fn.parameters)) definition.parameters = fn.parameters as JsonSchema;
    tools.push(definition);
  }
  return tools.length > 0 ? tools : undefined;
}

function readToolChoice(value: unknown): ToolChoice | undefined {
  if (value === 'auto' || value === 'required' || value === 'none') return value;
  if (isObject(value) && isObject(value.function) && typeof value.function.name === 'string') return { name: value.function.name };
  return undefined;
}

/** `reasoning_effort`, or the thinking switch some templates take (`chat_template_kwargs.enable_thinking`). */
function readReasoningEffort(body: Body): ReasoningEffort | undefined {
  const effort = body.reasoning_effort;
  if (effort === 'low' || effort === 'medium' || effort === 'high') return effort;
  if (isObject(body.chat_template_kwargs) && body.chat_template_kwargs.enable_thinking === true) return 'medium';
  return undefined;
}

function readIncludeUsage(body: Body, fields: readonly string[]): boolean {
  for (const field of fields) {
    const options = body[field];
    if (isObject(options)) return options.include_usage === true;
  }
  return false;
}

/**
 * The chat body as the fake model's request. `inBatch`: an element of a SambaStudio batch.
 * `parsed`: the request body as its parse returned it, when `body` is (or was translated from) it.
 */
export function readChatInput(body: Body, style: WireStyle, inBatch: boolean, parsed?: unknown): ReadChat {
  const turns = promptTurns(body.messages, parsed);
  const prompt = joinTexts(turns);
  const generate: GenerateRequest = typeof prompt === 'string' ? { prompt } : { prompt: prompt.text, promptPieces: prompt.pieces };
  const model = typeof body.model === 'string' ? body.model : undefined;
  if (model !== undefined) generate.model = model;

  // OpenAI's newer name wins, as in OpenAI's API; both mean the whole completion budget.
  const newer = integer(body.max_completion_tokens);
  const maxTokens = newer ?? integer(body.max_tokens);
  if (maxTokens !== undefined) generate.maxTokens = maxTokens;
  // `do_sample: false` is greedy decoding, which is what temperature 0 means to the fake model.
  const temperature = body.do_sample === false ? 0 : number(body.temperature);
  if (temperature !== undefined) generate.temperature = temperature;
  const seed = integer(body.seed);
  if (seed !== undefined) generate.seed = seed;
  const stop = readStop(body.stop);
  if (stop !== undefined) generate.stop = stop;
  const n = integer(body.n);
  if (style.honoursN && n !== undefined && n > 1) generate.n = n;

  const responseFormat = readResponseFormat(body.response_format);
  if (responseFormat !== undefined) generate.responseFormat = responseFormat;
  const tools = readTools(body.tools);
  if (tools !== undefined) generate.tools = tools;
  let toolChoice = readToolChoice(body.tool_choice);
  // A real model answers a tool result in words; without this `auto` would call the same tool
  // again forever, since the conversation still names it.
  if (tools !== undefined && (toolChoice === undefined || toolChoice === 'auto') && endsWithToolResult(body.messages)) toolChoice = 'none';
  if (toolChoice !== undefined) generate.toolChoice = toolChoice;

  const effort = style.reasoningField === undefined ? undefined : readReasoningEffort(body);
  if (effort !== undefined) generate.reasoningEffort = effort;
  if (body.logprobs === true) {
    generate.logprobs = true;
    const top = integer(body.top_logprobs);
    if (top !== undefined) generate.topLogprobs = top;
  }
  const sampling: Record<string, unknown> = {};
  for (const field of SAMPLING_FIELDS) if (body[field] !== undefined && body[field] !== null) sampling[field] = body[field];
  if (Object.keys(sampling).length > 0) generate.sampling = sampling;

  const stream = body.stream === true && !inBatch;
  return {
    model,
    prompt: promptTexts(turns, body.tools),
    budget: maxTokens === undefined ? undefined : { tokens: maxTokens, param: newer === undefined ? 'max_tokens' : 'max_completion_tokens' },
    stream,
    includeUsage: stream && readIncludeUsage(body, style.usageOptionFields),
    generate,
  };
}
