/**
 * @module A thin adapter to the shared chat core (`../openai-chat/`): the Cloud text operations
 * (completions, Responses, Messages) translate their bodies into a chat completion body and run it
 * through the same run, clock and usage as Cloud chat, so every Cloud API generates, paces and
 * counts alike. Only the raw-prompt completion needs its own entry, since a chat body always has
 * its messages flattened into the prompt.
 */
import { countTokens, generate } from '../../../fake-model/index.js';
import type { OperationRequest } from '../../types.js';
import { readChatInput } from '../../openai-chat/chat-input.js';
import type { Arrival } from '../../types.js';
import { RunClock } from '../../openai-chat/clock.js';
import type { UsageFacts, WireStyle } from '../../openai-chat/profile.js';
import { cloudChatProfile } from '../../openai-chat/profiles/cloud.js';
import { prepareRun, usageFacts, type ChatRun, type PreparedRun } from '../../openai-chat/run.js';
import { Timeline } from '../../openai-chat/timeline.js';

export type { ChatRun } from '../../openai-chat/run.js';

/** Cloud chat's wire style without chat's own variants (the request's variant belongs to another operation). */
export function cloudStyle(request: OperationRequest): WireStyle {
  return cloudChatProfile.style({ headers: request.headers, variant: undefined });
}

/** A run of a chat body translated from another API's body. */
export function startChatRun(chatBody: Record<string, unknown>, request: OperationRequest, arrival: Arrival): PreparedRun {
  return prepareRun(chatBody, cloudStyle(request), { seed: request.options.seed, pacing: request.pacing, arrival });
}

/**
 * A run of a raw prompt (`POST /completions`): the body's settings read as chat reads them, the
 * prompt given to the model as written. Log probabilities are not asked of the model, since the
 * service does not support them in this API and always answers `logprobs: null`.
 */
export function startRawPromptRun(body: Record<string, unknown>, prompt: string, request: OperationRequest, arrival: Arrival): ChatRun {
  const style = cloudStyle(request);
  const input = readChatInput({ ...body, messages: [] }, style, false);
  input.generate.prompt = prompt;
  delete input.generate.logprobs;
  delete input.generate.topLogprobs;
  input.promptTokens = countTokens(prompt);
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
