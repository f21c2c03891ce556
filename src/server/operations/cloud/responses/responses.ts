/**
 * @module `POST /responses`: the OpenAI-compatible Responses API, answered by the shared chat run
 * (the body translated in `responses-request.ts`) as one response object or as its typed event
 * stream. A failure after the 200 status is OpenAI's `error` event.
 */
import { filledFields } from '../../shared/context-limit.js';
import { paceWholeAnswer } from '../../shared/whole-answer.js';
import type { OperationDefinition, OperationRequest, OperationResult } from '../../types.js';
import { checkCloudModel } from '../catalogue/model-check.js';
import { blocksOf } from '../shared/blocks.js';
import { runUsageFacts, startChatRun } from '../shared/chat-run.js';
import { abortedAnswer, outputBudget } from '../shared/request-fields.js';
import { finalStatus, responseDraft, responseObject } from './response-object.js';
import { responseEvents } from './responses-events.js';
import { responsesChatBody, type ResponseRequest } from './responses-request.js';

async function handleResponse(request: OperationRequest): Promise<OperationResult> {
  const { arrival } = request;
  const body = request.body as ResponseRequest;
  const check = checkCloudModel({ model: body.model, use: 'responses', maxTokens: outputBudget(body, ['max_output_tokens']) });
  if (!check.ok) return { kind: 'error', problem: check.problem };
  const prepared = await startChatRun(responsesChatBody(body, check.model), request, arrival, check.model, { prompt: filledFields(body, ['input', 'instructions', 'tools']), budget: 'max_output_tokens' });
  if (!prepared.ok) return { kind: 'error', problem: prepared.problem };
  const draft = responseDraft(body, prepared.run, blocksOf(prepared.run.generation.choices[0]!));
  if (body.stream === true) return { kind: 'stream', mediaType: 'text/event-stream', produce: (signal) => responseEvents(draft, request, signal) };
  try {
    await paceWholeAnswer(draft.run, request);
  } catch (error) {
    return abortedAnswer(error, request);
  }
  return { kind: 'json', body: responseObject(draft, finalStatus(draft), runUsageFacts(draft.run, request)) };
}

export const createResponse: OperationDefinition = {
  handle: handleResponse,
  streamError: (message) => ({ kind: 'error', event: 'error', value: { type: 'error', code: 'server_error', message, param: null } }),
};
