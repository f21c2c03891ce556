/**
 * @module `POST /completions`: a raw prompt continued by the fake model, with no chat template. The
 * answer is `object: "chat.completion"` with the text in `choices[].text`, as the vendor documents
 * it; streamed, each token is a chunk whose choice carries `text`, the last one the finish reason,
 * then (with `stream_options.include_usage`) the usage chunk with empty `choices`. Generation, pace
 * and usage are Cloud chat's (see `shared/chat-run.ts`).
 */
import type { OutgoingStreamItem } from '../../../streams/index.js';
import { paceWholeAnswer } from '../shared/whole-answer.js';
import { cloudChatProfile } from '../openai-chat/profiles/cloud.js';
import type { OperationDefinition, OperationRequest, OperationResult } from '../types.js';
import { checkCloudModel } from './catalogue/model-check.js';
import { blocksOf, walkBlocks } from './shared/blocks.js';
import { cloudStyle, runUsageFacts, startRawPromptRun, type ChatRun } from './shared/chat-run.js';
import { abortedAnswer, outputBudget } from './shared/request-fields.js';

interface CompletionBody {
  model: string;
  prompt: string;
  stream?: boolean | null;
  [field: string]: unknown;
}

const SYSTEM_FINGERPRINT = 'fastcoe';

export const createCompletion: OperationDefinition = {
  variants: {
    'delta-chunks': 'stream chunks carry the text in a chat-style delta ({"delta": {"content": ...}}), as the vendor\'s chunk examples print them, instead of text',
  },
  handle: handleCompletion,
  streamError: (message, request) => cloudChatProfile.streamError(message, request),
};

async function handleCompletion(request: OperationRequest): Promise<OperationResult> {
  const { arrival } = request;
  const body = request.body as CompletionBody;
  const check = checkCloudModel({ model: body.model, use: 'completions', maxTokens: outputBudget(body, ['max_completion_tokens', 'max_tokens']) });
  if (!check.ok) return { kind: 'error', problem: check.problem };
  const prepared = await startRawPromptRun(body, body.prompt, request, arrival, check.model);
  if (!prepared.ok) return { kind: 'error', problem: prepared.problem };
  const { run } = prepared;
  if (run.input.stream) return { kind: 'stream', mediaType: 'text/event-stream', produce: (signal) => completionChunks(run, request, signal) };
  try {
    await paceWholeAnswer(run, request);
  } catch (error) {
    return abortedAnswer(error, request);
  }
  const choice = run.generation.choices[0]!;
  const style = cloudStyle(request);
  return {
    kind: 'json',
    body: {
      id: run.id,
      object: 'chat.completion',
      created: run.created,
      model: body.model,
      system_fingerprint: SYSTEM_FINGERPRINT,
      choices: [{ index: 0, text: choice.text, finish_reason: style.finishReason(choice.finishReason), logprobs: null }],
      usage: style.usage(runUsageFacts(run, request)),
    },
  };
}

async function* completionChunks(run: ChatRun, request: OperationRequest, signal: AbortSignal): AsyncGenerator<OutgoingStreamItem<unknown>> {
  const style = cloudStyle(request);
  const asDelta = request.variant === 'delta-chunks';
  const choice = run.generation.choices[0]!;
  const reason = style.finishReason(choice.finishReason);
  const chunk = (choices: unknown[], usage?: unknown) => ({
    id: run.id,
    object: 'chat.completion.chunk',
    created: run.created,
    model: run.input.model ?? '',
    system_fingerprint: SYSTEM_FINGERPRINT,
    choices,
    ...(usage === undefined ? {} : { usage }),
  });
  const piece = (text: string, finish: string | null, first: boolean) =>
    asDelta
      ? { index: 0, delta: first ? { role: 'assistant', content: text } : { content: text }, finish_reason: finish, logprobs: null }
      : { index: 0, text, finish_reason: finish, logprobs: null };
  const total = choice.tokens.length;
  let sent = 0;
  try {
    for await (const event of walkBlocks(run, blocksOf(choice), signal)) {
      if (event.type === 'delta') {
        sent++;
        // The vendor's last chunk carries the last text and the finish reason together.
        yield { kind: 'item', value: chunk([piece(event.text, sent === total ? reason : null, sent === 1)]) };
      } else if (event.type === 'close' && total === 0) {
        yield { kind: 'item', value: chunk([piece('', reason, true)]) };
      }
    }
    if (run.input.includeUsage) yield { kind: 'item', value: chunk([], style.usage(runUsageFacts(run, request))) };
  } catch (error) {
    // Aborted while waiting for a token: the client is gone, nobody is left to tell.
    if (!signal.aborted) throw error;
  }
}
