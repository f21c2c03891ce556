/**
 * @module `POST /messages` and `POST /messages/count_tokens`: the Anthropic-compatible Messages API,
 * answered by the shared chat run (the body translated in `messages-request.ts`) as one message or
 * as its named event stream; counting reads the same prompt, so a count equals the `input_tokens`
 * of the message it counts. Errors, in-stream ones included, use Anthropic's envelope.
 */
import { countTextsUpTo, filledFields } from '../../shared/context-limit.js';
import { readChatInput } from '../../shared/chat-input.js';
import { paceWholeAnswer } from '../../shared/whole-answer.js';
import type { OperationDefinition, OperationRequest, OperationResult } from '../../types.js';
import { checkCloudModel } from '../catalogue/model-check.js';
import { blocksOf } from '../shared/blocks.js';
import { cloudStyle, startChatRun } from '../shared/chat-run.js';
import { abortedAnswer } from '../shared/request-fields.js';
import { messageDraft, messageObject } from './message-object.js';
import { messageEvents } from './messages-events.js';
import { messagesChatBody, promptChatBody, type CountTokensRequest, type MessagesRequest } from './messages-request.js';

async function handleMessage(request: OperationRequest): Promise<OperationResult> {
  const { arrival } = request;
  const body = request.body as MessagesRequest;
  const check = checkCloudModel({ model: body.model, use: 'messages', maxTokens: { value: body.max_tokens, param: 'max_tokens' } });
  if (!check.ok) return { kind: 'error', problem: check.problem };
  const chat = messagesChatBody(body, check.model);
  if (!chat.ok) return { kind: 'error', problem: chat.problem };
  const prepared = await startChatRun(chat.chat, request, arrival, check.model, { prompt: filledFields(body, ['messages', 'system', 'tools']), budget: 'max_tokens' });
  if (!prepared.ok) return { kind: 'error', problem: prepared.problem };
  const draft = messageDraft(body.model, prepared.run, blocksOf(prepared.run.generation.choices[0]!));
  if (body.stream === true) return { kind: 'stream', mediaType: 'text/event-stream', produce: (signal) => messageEvents(draft, signal) };
  try {
    await paceWholeAnswer(draft.run, request);
  } catch (error) {
    return abortedAnswer(error, request);
  }
  return { kind: 'json', body: messageObject(draft, true) };
}

async function countTokens(request: OperationRequest): Promise<OperationResult> {
  const body = request.body as CountTokensRequest;
  const check = checkCloudModel({ model: body.model, use: 'messages' });
  if (!check.ok) return { kind: 'error', problem: check.problem };
  const chat = promptChatBody(body);
  if (!chat.ok) return { kind: 'error', problem: chat.problem };
  // Counted to the end whatever the size (in slices: see countTextsUpTo), as the service counts what it is sent.
  return { kind: 'json', body: { input_tokens: await countTextsUpTo(await readChatInput(chat.chat, cloudStyle(request), false, request.body).prompt.write(), Infinity) } };
}

export const messageOperations: Record<string, OperationDefinition> = {
  createMessage: {
    handle: handleMessage,
    streamError: (message, request) => ({ kind: 'error', event: 'error', value: { type: 'error', error: { type: 'api_error', message }, request_id: request.requestId } }),
  },
  countMessageTokens: { handle: countTokens },
};
