/**
 * @module A thin adapter to the shared chat core (`../../shared/`): the Cloud text operations
 * (completions, Responses, Messages) translate their bodies into a chat completion body and run it
 * through the same run, clock and usage as Cloud chat, so every Cloud API generates, paces and
 * counts alike. Only the raw-prompt completion needs its own entry, since a chat body always has
 * its messages flattened into the prompt.
 */
import type { OperationRequest } from '../../types.js';
import { readChatInput } from '../../shared/chat-input.js';
import { countedText } from '../../../json-body.js';
import { cloudContextTokens, type CatalogueModel } from '../catalogue/catalogue.js';
import type { Arrival } from '../../types.js';
import type { UsageFacts, WireStyle } from '../../shared/wire-style.js';
import { cloudChatProfile } from '../../openai-chat/profiles/cloud.js';
import { prepareRun, startRun, usageFacts, type ChatRun, type PreparedRun } from '../../shared/run.js';

export type { ChatRun } from '../../shared/run.js';

/** Cloud chat's wire style without chat's own variants (the request's variant belongs to another operation). */
export function cloudStyle(request: OperationRequest): WireStyle {
  return cloudChatProfile.style({ headers: request.headers, variant: undefined });
}

/**
 * A run of a chat body translated from another API's body, for `model`. `fieldNames`: that API's
 * own names of the fields the prompt is counted from and of the budget field, for a context-limit error.
 */
export function startChatRun(
  chatBody: Record<string, unknown>,
  request: OperationRequest,
  arrival: Arrival,
  model: CatalogueModel,
  fieldNames: { prompt: readonly string[]; budget: string },
): Promise<PreparedRun> | PreparedRun {
  return prepareRun(chatBody, cloudStyle(request), { seed: request.options.seed, pacing: request.pacing, arrival, contextTokens: cloudContextTokens(model.card), fieldNames, parsed: request.body });
}

/**
 * A run of a raw prompt (`POST /completions`), or the refusal of a prompt over the context: the
 * body's settings read as chat reads them, the prompt given to the model as written. Log
 * probabilities are not asked of the model, since the service does not support them in this API
 * and always answers `logprobs: null`.
 */
export function startRawPromptRun(body: Record<string, unknown>, prompt: string, request: OperationRequest, arrival: Arrival, model: CatalogueModel): Promise<PreparedRun> | PreparedRun {
  const style = cloudStyle(request);
  const read = readChatInput({ ...body, messages: [] }, style, false);
  const counted = countedText(request.body, prompt);
  read.generate.prompt = prompt;
  if (typeof counted !== 'string') read.generate.promptPieces = counted.pieces;
  delete read.generate.logprobs;
  delete read.generate.topLogprobs;
  const settings = { seed: request.options.seed, pacing: request.pacing, arrival, contextTokens: cloudContextTokens(model.card), fieldNames: { prompt: ['prompt'] } };
  return startRun({ ...read, prompt: { fields: read.prompt.fields, atLeast: 0, write: () => [counted] } }, style, settings);
}

/** Usage facts of a run as sent so far, with Cloud's finish-reason words. */
export function runUsageFacts(run: ChatRun, request: OperationRequest): UsageFacts {
  return usageFacts(run, cloudStyle(request));
}
