/**
 * A stream read to its end and folded into the answer it carried: the final message with its
 * usage, shaped as each API's whole answer is. The types are structural, so one helper serves the
 * OpenAI-style chat of the three APIs.
 * @module
 */

interface ToolCallPiece {
  index?: number | null;
  id?: string;
  type?: 'function';
  function?: { name?: string; arguments?: unknown };
}

interface ChatChunkLike {
  id?: string;
  model?: string;
  created?: number;
  choices?: ReadonlyArray<{
    index?: number;
    delta?: { role?: string | null; content?: string | null; reasoning?: string | null; reasoning_content?: string | null; tool_calls?: readonly ToolCallPiece[] | null };
    finish_reason?: string | null;
  }> | null;
  usage?: unknown;
}

export interface CollectedToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface CollectedChoice {
  index: number;
  message: { role: 'assistant'; content: string; reasoning?: string; tool_calls?: CollectedToolCall[] };
  finish_reason: string | null;
}

export interface CollectedChat<U> {
  id: string | undefined;
  model: string | undefined;
  created: number | undefined;
  choices: CollectedChoice[];
  /** The usage the stream reported (its last chunk), or undefined when it sent none. */
  usage: U | undefined;
}

type UsageOf<T> = T extends { usage?: infer U } ? Exclude<U, null | undefined> : never;

/**
 * Folds a chat stream (SambaNova Cloud, SambaStudio's OpenAI-compatible API, LMI) into its answer:
 * content and reasoning joined per choice, tool calls assembled (by `index` when the service sends
 * it, else one call per piece with an id, as SambaNova Cloud sends them whole), finish reasons and usage.
 *
 * @example
 * const { choices, usage } = await collectChat(await cloud.chat({ model, messages, stream: true, stream_options: { include_usage: true } }));
 */
export async function collectChat<T extends ChatChunkLike>(stream: AsyncIterable<T>): Promise<CollectedChat<UsageOf<T>>> {
  const out: CollectedChat<UsageOf<T>> = { id: undefined, model: undefined, created: undefined, choices: [], usage: undefined };
  for await (const chunk of stream) {
    out.id ??= chunk.id;
    out.model ??= chunk.model;
    out.created ??= chunk.created;
    if (chunk.usage) out.usage = chunk.usage as UsageOf<T>;
    for (const piece of chunk.choices ?? []) {
      const index = piece.index ?? 0;
      const choice = (out.choices[index] ??= { index, message: { role: 'assistant', content: '' }, finish_reason: null });
      const delta = piece.delta;
      if (delta?.content) choice.message.content += delta.content;
      const reasoning = delta?.reasoning ?? delta?.reasoning_content;
      if (reasoning) choice.message.reasoning = (choice.message.reasoning ?? '') + reasoning;
      for (const call of delta?.tool_calls ?? []) addToolCall((choice.message.tool_calls ??= []), call);
      if (piece.finish_reason) choice.finish_reason = piece.finish_reason;
    }
  }
  return out;
}

function addToolCall(calls: CollectedToolCall[], piece: ToolCallPiece): void {
  const args = piece.function?.arguments;
  // Some services send the arguments as an object rather than JSON text (shared/research/wire-formats.md).
  const text = args === undefined || args === null ? '' : typeof args === 'string' ? args : JSON.stringify(args);
  // A piece continues the call at its index, or (without index or id) the last call; anything else starts a call.
  const open = typeof piece.index === 'number' ? calls[piece.index] : piece.id === undefined ? calls[calls.length - 1] : undefined;
  if (open) {
    if (piece.id) open.id = piece.id;
    if (piece.function?.name) open.function.name += piece.function.name;
    open.function.arguments += text;
    return;
  }
  calls.push({ id: piece.id ?? '', type: 'function', function: { name: piece.function?.name ?? '', arguments: text } });
}

interface NativeObjectLike {
  stream_token?: string;
  is_last_response?: boolean;
  completion?: string;
}

/** The stream objects of one native line, whichever wrapper it came in. */
function nativeObjects(item: unknown): NativeObjectLike[] {
  const value = item as { result?: { responses?: NativeObjectLike[]; items?: Array<{ value: NativeObjectLike }> } } & NativeObjectLike;
  if (value.result?.responses) return value.result.responses;
  if (value.result?.items) return value.result.items.map((i) => i.value);
  return [value];
}

/**
 * Folds a SambaStudio native stream (NLP, Generic v1 or v2) into the last stream object, which
 * carries the full completion, stop reason, token counts and timings; its `completion` is filled
 * from the tokens when a release leaves it empty.
 */
export async function collectNative<T>(stream: AsyncIterable<T>): Promise<NativeObjectLike & Record<string, unknown>> {
  let text = '';
  let last: (NativeObjectLike & Record<string, unknown>) | undefined;
  for await (const item of stream) {
    for (const object of nativeObjects(item)) {
      if (object.is_last_response) last = object as NativeObjectLike & Record<string, unknown>;
      else text += object.stream_token ?? '';
    }
  }
  if (!last) return { completion: text, is_last_response: false };
  return { ...last, completion: last.completion || text + (last.stream_token ?? '') };
}

/** The Responses API's final response: the `response` of its `response.completed` (or `response.incomplete`) event. */
export async function collectResponse<T extends { type?: string }>(stream: AsyncIterable<T>): Promise<(Extract<T, { type: 'response.completed' }> extends { response: infer R } ? R : unknown) | undefined> {
  let final: unknown;
  for await (const event of stream) {
    if (event.type === 'response.completed' || event.type === 'response.incomplete') final = (event as { response?: unknown }).response;
  }
  return final as never;
}

interface MessageLike {
  content: Array<Record<string, unknown>>;
  usage?: Record<string, unknown>;
  stop_reason?: unknown;
  stop_sequence?: unknown;
}

/** The Messages API's final message: `message_start`'s message with every content block's deltas applied and `message_delta`'s stop reason and usage. */
export async function collectMessage<T extends { type?: string }>(stream: AsyncIterable<T>): Promise<MessageLike | undefined> {
  let message: MessageLike | undefined;
  const partialJSON: string[] = [];
  for await (const raw of stream) {
    const event = raw as Record<string, any>;
    if (event.type === 'message_start') message = { ...event.message, content: [] };
    else if (!message) continue;
    else if (event.type === 'content_block_start') {
      message.content[event.index] = { ...event.content_block };
      partialJSON[event.index] = '';
    } else if (event.type === 'content_block_delta') {
      const block = message.content[event.index];
      const delta = event.delta;
      if (!block) continue;
      if (delta.type === 'text_delta') block.text = `${block.text ?? ''}${delta.text}`;
      else if (delta.type === 'thinking_delta') block.thinking = `${block.thinking ?? ''}${delta.thinking}`;
      else if (delta.type === 'signature_delta') block.signature = delta.signature;
      else if (delta.type === 'input_json_delta') partialJSON[event.index] += delta.partial_json;
    } else if (event.type === 'content_block_stop') {
      const block = message.content[event.index];
      const json = partialJSON[event.index];
      if (block && json) block.input = JSON.parse(json);
    } else if (event.type === 'message_delta') {
      Object.assign(message, event.delta);
      message.usage = { ...message.usage, ...event.usage };
    }
  }
  return message;
}

interface GeneratedTokenLike {
  id: number;
  text: string;
}

interface GenerateLineLike {
  token?: GeneratedTokenLike;
  generated_text?: string | null;
  details?: ({ finish_reason?: string; tokens?: GeneratedTokenLike[] | null } & Record<string, unknown>) | null;
  index?: number;
}

type GeneratedAnswerOf<T> = T extends { details?: infer D } ? { generated_text: string; details?: Exclude<D, null | undefined> } : never;

/**
 * Folds a stream in LMI's own schema (`lmi.invoke({ inputs, stream: true })`) into its whole
 * answer: the last line's `generated_text` and `details`, with `details.tokens` filled from the
 * streamed tokens as a whole answer lists them (not after a failed generation, where a whole answer
 * has none). With several sequences (vLLM's `index`), the one the last line belongs to.
 *
 * @example
 * const { generated_text, details } = await collectGenerated(await lmi.invoke({ inputs: 'Hi', parameters: { details: true }, stream: true }));
 */
export async function collectGenerated<T extends GenerateLineLike>(stream: AsyncIterable<T>): Promise<GeneratedAnswerOf<T>> {
  const tokens = new Map<number, GeneratedTokenLike[]>();
  let last: GenerateLineLike | undefined;
  for await (const line of stream) {
    const index = line.index ?? 0;
    if (line.token) (tokens.get(index) ?? tokens.set(index, []).get(index)!).push(line.token);
    if (typeof line.generated_text === 'string') last = line;
  }
  const sequence = tokens.get(last?.index ?? 0) ?? [];
  const answer: { generated_text: string; details?: GenerateLineLike['details'] } = { generated_text: last?.generated_text ?? sequence.map((token) => token.text).join('') };
  const details = last?.details;
  if (details) answer.details = details.finish_reason === 'error' || details.tokens ? details : { ...details, tokens: sequence };
  return answer as GeneratedAnswerOf<T>;
}
