/**
 * @module Requests in LMI's own schema on SageMaker's `/invocations`: the fake model's answer, paced
 * as a stream would be, sent whole or one token per line (JSON lines by default; server-sent events
 * with variant `sse` or an Accept header asking for them, as the chat answers choose, and then
 * without an end marker, as DJL's `sse` output formatter writes them).
 */
import type { components } from '../../../../generated/lmi/schema.js';
import { promptLogprobs } from '../../fake-model/index.js';
import { TurnBudget } from '../../../event-loop/turn-budget.js';
import type { OutgoingStreamItem } from '../../../streams/index.js';
import { paceWholeAnswer, type PacedRun } from '../shared/whole-answer.js';
import { RunClock } from '../../pacing/run-clock.js';
import { lmiStreamMediaType } from '../openai-chat/profiles/lmi-stream-media-type.js';
import { Timeline } from '../shared/timeline.js';
import type { OperationRequest, OperationResult } from '../types.js';
import type { ContextFit } from '../shared/context-limit.js';
import { generateFitting } from '../shared/generation.js';
import { countedText } from '../../json-body.js';
import { DEFAULT_MAX_NEW_TOKENS, readGenerateInput } from './generate-input.js';
import { failedAnswer, failedStreamLine, streamedTokens, streamLine, wholeAnswer, type GenerateAnswer, type GenerateForm } from './generate-wire.js';

type LmiGenerateRequest = components['schemas']['LmiGenerateRequest'];

const failureMessage = 'Generation failed (x-sambakit-fault: error-event).';

export async function handleGenerate(request: OperationRequest): Promise<OperationResult> {
  const input = readGenerateInput(request.body as LmiGenerateRequest);
  const { seed } = request.options;
  const prompt = countedText(request.body, input.inputs);
  if (typeof prompt !== 'string') input.generate.promptPieces = prompt.pieces;
  // As the chat path: the prompt and `max_new_tokens` must fit the model's context, and a prompt of
  // any size is counted only as far as that, in slices that leave the event loop to other requests.
  const fit: ContextFit = {
    contextTokens: request.options.lmiContextTokens,
    budget: { tokens: input.generate.maxTokens ?? DEFAULT_MAX_NEW_TOKENS, param: 'parameters.max_new_tokens' },
    promptFields: ['inputs'],
  };
  const generated = await generateFitting(input.generate, [prompt], fit, seed);
  if (!generated.ok) return { kind: 'error', problem: generated.problem };
  const { generation } = generated;
  const answer: GenerateAnswer = {
    input,
    choice: generation.choices[0]!,
    promptTokens: generation.usage.promptTokens,
    prefill: input.prefill ? await promptLogprobs(input.inputs, seed, new TurnBudget()) : undefined,
  };
  const form: GenerateForm = request.variant === 'vllm-async' ? 'vllm-async' : 'rolling-batch';
  const clock = new RunClock(request.pacing, request.arrival);
  if (input.stream) return streamed(answer, form, clock, lmiStreamMediaType(request.headers.get('accept'), request.variant), request.requestId, request.options.log);

  const run: PacedRun = { timelines: [new Timeline(answer.choice)], clock };
  try {
    await paceWholeAnswer(run, request);
  } catch (error) {
    if (!request.signal.aborted) throw error;
    request.options.log?.(`lmi invoke ${request.requestId} stopped: the client went away`);
    return { kind: 'error', problem: { kind: 'server', message: 'The client closed the request before the answer was ready.' } };
  }
  return { kind: 'json', body: wholeAnswer(answer, form), failure: failedAnswer(form, failureMessage) };
}

/** Made outside the handler so that the open stream holds the answer, not the request. */
function streamed(answer: GenerateAnswer, form: GenerateForm, clock: RunClock, mediaType: string, requestId: string, log: ((line: string) => void) | undefined): OperationResult {
  return {
    kind: 'stream',
    mediaType,
    produce: (signal) => tokenLines(answer, form, clock, signal, (sent, count) => log?.(`lmi invoke stream ${requestId} stopped after ${sent} of ${count} lines: generation cancelled`)),
    withoutTerminator: true,
    // The async engine reports failures as `{code, error}` lines, the operation's own in-stream error.
    ...(form === 'rolling-batch' ? { streamError: (): OutgoingStreamItem<unknown> => ({ kind: 'item', value: failedStreamLine() }) } : {}),
  };
}

async function* tokenLines(answer: GenerateAnswer, form: GenerateForm, clock: RunClock, signal: AbortSignal, onCut: (sent: number, count: number) => void): AsyncGenerator<OutgoingStreamItem<unknown>> {
  const count = streamedTokens(answer.choice).length;
  let sent = 0;
  try {
    for (; sent < count; sent++) {
      await clock.untilStep(sent, signal);
      clock.record(1);
      yield { kind: 'item', value: streamLine(answer, form, sent, count) };
    }
  } catch (error) {
    // Aborted while waiting for a token: the client is gone, nobody is left to tell.
    if (!signal.aborted) throw error;
  } finally {
    if (sent < count) onCut(sent, count);
  }
}
