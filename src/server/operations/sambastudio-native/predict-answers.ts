/**
 * The prompts of a native request answered together, as the service runs them in one batch: all
 * generated up front (so a bad prompt fails the request before anything is sent), and, for the
 * non-streamed calls, returned only once the batch would have finished on the request's pace.
 * @module
 */
import type { components } from '../../../contract/sambastudio.js';
import { RunClock } from '../../pacing/run-clock.js';
import { mapInTurns, TurnBudget } from '../../../event-loop/turn-budget.js';
import { paceWholeAnswer } from '../shared/whole-answer.js';
import { Timeline } from '../shared/timeline.js';
import type { OperationRequest } from '../types.js';
import { completeAll as completePrompts, preparePrompt, type NativeCompletion, type NativePrompt } from './completion.js';
import { answerStyle, generationObject } from './generation-object.js';
import type { NativeParams } from './native-params.js';
import type { RequestClock } from './stream-metrics.js';

type Generation = components['schemas']['SambaStudioGeneration'];

export function completeAll(prompts: readonly NativePrompt[], params: NativeParams, request: OperationRequest): Promise<NativeCompletion[]> {
  return completePrompts(prompts, params, request.options.seed, request.options.sambastudioContextTokens);
}

/**
 * Prompt strings found at `${listPath}/<index>` (templated under `process_prompt`), answered. All
 * are prepared first, in slices, so a bad conversation anywhere fails the request before any answer.
 */
export async function answerTexts(texts: readonly string[], listPath: string, params: NativeParams, request: OperationRequest): Promise<NativeCompletion[]> {
  const budget = new TurnBudget();
  const prompts: NativePrompt[] = [];
  for (const [index, text] of texts.entries()) {
    if (budget.spent()) await budget.nextTurn();
    prompts.push(await preparePrompt(text, `${listPath}/${index}`, params, request.body, budget));
  }
  return completeAll(prompts, params, request);
}

/**
 * The answer objects of a predict call (`SambaStudioGeneration`), once the batch would have
 * finished; a batch's objects are written in slices, with turns of the event loop between them.
 */
export async function batchGenerations(completions: readonly NativeCompletion[], request: OperationRequest): Promise<Generation[]> {
  await awaitBatch(completions, request);
  const style = answerStyle(request.variant);
  return mapInTurns(completions, (completion) => generationObject(completion, style));
}

/**
 * Waits until the batch's longest answer would be done, as every text operation's whole answer
 * waits (`paceWholeAnswer`: the answers' token timelines side by side on the request's clock). A
 * client that leaves ends the wait; the answer is then written to a closed socket, which costs nothing.
 */
async function awaitBatch(completions: readonly NativeCompletion[], request: OperationRequest): Promise<void> {
  const batch = { timelines: completions.map((completion) => new Timeline(completion.choice)), clock: new RunClock(request.pacing, request.arrival) };
  try {
    await paceWholeAnswer(batch, request);
  } catch (error) {
    if (!request.signal.aborted) throw error;
  }
}

/** Seconds since the request arrived (`status.elapsedTime`). */
export function elapsedSeconds(clock: RequestClock): number {
  return Math.round(performance.now() - clock.startMs) / 1000;
}
