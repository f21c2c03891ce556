/**
 * @module A thin adapter to the shared chat core (`../../shared/`): the Cloud text operations
 * (completions, Responses, Messages) translate their bodies into a chat completion body and run it
 * through the same run, clock and usage as Cloud chat, so every Cloud API generates, paces and
 * counts alike. Only the raw-prompt completion needs its own entry, since a chat body always has
 * its messages flattened into the prompt.
 */
import { generate } from '../../../fake-model/index.js';
import type { OperationRequest, OperationResult } from '../../types.js';
import { readChatInput } from '../../shared/chat-input.js';
import { fitPrompt } from '../../shared/context-limit.js';
import { cloudContextTokens, type CatalogueModel } from '../catalogue/catalogue.js';
import type { Arrival } from '../../types.js';
import { RunClock } from '../../../pacing/run-clock.js';
import type { UsageFacts, WireStyle } from '../../shared/wire-style.js';
import { cloudChatProfile } from '../../openai-chat/profiles/cloud.js';
import { prepareRun, usageFacts, type ChatRun, type PreparedRun } from '../../shared/run.js';
import { outputBudget } from './request-fields.js';
import { Timeline } from '../../shared/timeline.js';

export type { ChatRun } from '../../shared/run.js';

/** Cloud chat's wire style without chat's own variants (the request's variant belongs to another operation). */
export function cloudStyle(request: OperationRequest): WireStyle {
  return cloudChatProfile.style({ headers: request.headers, variant: undefined });
}

/**
 * A run of a chat body translated from another API's body, for `model`. `fieldNames`: that API's
 * own names of the prompt and budget fields, for a context-limit error.
 */
export function startChatRun(
  chatBody: Record<string, unknown>,
  request: OperationRequest,
  arrival: Arrival,
  model: CatalogueModel,
  fieldNames: { prompt: string; budget: string },
): Promise<PreparedRun> | PreparedRun {
  return prepareRun(chatBody, cloudStyle(request), { seed: request.options.seed, pacing: request.pacing, arrival, contextTokens: cloudContextTokens(model.card), fieldNames });
}

/**
 * A run of a raw prompt (`POST /completions`), or the refusal of a prompt over the context: the
 * body's settings read as chat reads them, the prompt given to the model as written. Log
 * probabilities are not asked of the model, since the service does not support them in this API
 * and always answers `logprobs: null`.
 */
export async function startRawPromptRun(body: Record<string, unknown>, prompt: string, request: OperationRequest, arrival: Arrival, model: CatalogueModel): Promise<ChatRun | OperationResult> {
  const style = cloudStyle(request);
  const { promptTexts: _texts, budget: _budget, ...read } = readChatInput({ ...body, messages: [] }, style, false);
  const budget = outputBudget(body, ['max_completion_tokens', 'max_tokens']);
  const fit = { contextTokens: cloudContextTokens(model.card), budget: budget && { tokens: budget.value, param: budget.param }, promptParam: 'prompt' };
  const fitted = await fitPrompt([prompt], fit);
  if (!fitted.ok) return { kind: 'error', problem: fitted.problem };
  const { promptTokens } = fitted;
  const input = { ...read, promptTokens };
  input.generate.prompt = prompt;
  input.generate.promptTokens = promptTokens;
  input.generate.maxTokens ??= fit.contextTokens - promptTokens;
  delete input.generate.logprobs;
  delete input.generate.topLogprobs;
  const generation = generate(input.generate, { seed: request.options.seed });
  return {
    input,
    generation,
    timelines: generation.choices.map((choice) => new Timeline(choice)),
    clock: new RunClock(request.pacing, arrival),
    id: style.newId(),
    created: style.created(arrival.epochMs),
  };
}

/** Usage facts of a run as sent so far, with Cloud's finish-reason words. */
export function runUsageFacts(run: ChatRun, request: OperationRequest): UsageFacts {
  return usageFacts(run, cloudStyle(request));
}
