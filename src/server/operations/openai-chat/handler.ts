/**
 * @module The one chat operation behind all three APIs: a profile in, an `OperationDefinition` out.
 * It reads the body (or each element of a batch), runs the fake model, and answers with a whole
 * completion (paced, then sent) or a paced stream, in the style the profile resolves for the request.
 */
import type { OperationDefinition, OperationRequest, OperationResult } from '../types.js';
import { ChatChunks } from './chunks.js';
import { paceWholeAnswer } from '../shared/whole-answer.js';
import type { WireStyle } from '../shared/wire-style.js';
import { completionBody } from './completion.js';
import type { ChatProfile } from './profile.js';
import { prepareRun, type ChatRun, type RunSettings } from '../shared/run.js';
import { mapInTurns, TurnBudget } from '../../../event-loop/turn-budget.js';

export function chatOperation(profile: ChatProfile): OperationDefinition {
  return {
    variants: profile.variants,
    handle: (request) => handleChat(profile, request),
    streamError: (message, request) => profile.streamError(message, request),
    ...(profile.modelOutputError ? { modelOutputError: profile.modelOutputError } : {}),
  };
}

async function handleChat(profile: ChatProfile, request: OperationRequest): Promise<OperationResult> {
  // Pacing counts from the request's arrival (its headers read), whatever waits come after.
  const { arrival } = request;
  const style = profile.style(request);
  const batch = Array.isArray(request.body);
  if (batch && !profile.acceptsBatch) return { kind: 'error', problem: { kind: 'invalid_request', message: 'The body must be one JSON object, not an array.' } };
  const bodies = (batch ? request.body : [request.body]) as Array<Record<string, unknown>>;

  const runs: ChatRun[] = [];
  // A batch's elements are generated in slices, with turns of the event loop between them.
  const budget = new TurnBudget();
  // Indexed, and the settings written out: no iterator, entry pair or spread copy per request.
  for (let index = 0; index < bodies.length; index++) {
    const body = bodies[index]!;
    if (budget.spent()) await budget.nextTurn();
    const refused = profile.checkBody?.(body);
    if (refused) return { kind: 'error', problem: refused };
    const settings: RunSettings = { seed: request.options.seed, pacing: request.pacing, arrival, contextTokens: profile.contextTokens(body, request.options), turns: budget, parsed: request.body };
    if (batch) settings.batchIndex = index;
    const preparing = prepareRun(body, style, settings);
    // A long prompt is counted over several turns of the event loop; an ordinary one at once, without a wait.
    const prepared = 'ok' in preparing ? preparing : await preparing;
    if (!prepared.ok) return { kind: 'error', problem: prepared.problem };
    runs.push(prepared.run);
  }

  const single = runs[0]!;
  if (!batch && single.input.stream) return streamed(single, style, profile.name, request.requestId, request.options.log);

  // The elements of a batch are generated side by side, as one batch on the accelerator.
  try {
    const waits = runs.map((run) => paceWholeAnswer(run, request)).filter((wait) => wait !== undefined);
    if (waits.length > 0) await Promise.all(waits);
  } catch (error) {
    if (!request.signal.aborted) throw error;
    request.options.log?.(`${profile.name} chat ${request.requestId} stopped: the client went away`);
    return { kind: 'error', problem: { kind: 'server', message: 'The client closed the request before the answer was ready.' } };
  }
  const answers = batch ? await mapInTurns(runs, (run) => completionBody(run, style)) : [completionBody(single, style)];
  return { kind: 'json', body: batch ? answers : answers[0] };
}

/**
 * The streamed answer, made outside `handleChat` so that what it keeps is the run and what it logs
 * with, not the request (a closure keeps its whole scope alive, parsed body included, for as long
 * as the stream lasts).
 */
function streamed(run: ChatRun, style: WireStyle, profileName: string, requestId: string, log: ((line: string) => void) | undefined): OperationResult {
  return { kind: 'stream', mediaType: style.streamMediaType, produce: new ChatChunks(run, style, log, profileName, requestId) };
}
