/**
 * @module A whole (not streamed) chat completion: the run is paced as if it were streamed (the
 * answer is ready when its last token would have been sent), then written in the API's style.
 */
import type { Choice } from '../../fake-model/index.js';
import { FIRST_TEN_TOKENS, type SignalSource } from '../../pacing/run-clock.js';
import { answerLogprobs } from './logprobs.js';
import type { WireStyle } from './profile.js';
import { usageFacts, type ChatRun } from './run.js';
import { stepCount, tokensUpTo } from './timeline.js';
import { messageToolCalls } from './tool-calls.js';

/** What pacing a whole answer needs of a run: its token timelines and its clock (LMI's own schema paces with these too). */
export type PacedRun = Pick<ChatRun, 'timelines' | 'clock'>;

/**
 * Waits through the run as if it were streamed, but with at most three timers instead of one per
 * token: the first step, the step where the eleventh token comes (for the first-ten rate), and the
 * last step. Each is recorded as a send with the tokens made since the previous one, so the usage
 * reports the TTFT and throughput of the pace asked for. Undefined when nothing was left to wait
 * for (the answer is ready in this turn); otherwise rejects when `signal` aborts.
 */
export function paceWholeAnswer(run: PacedRun, signal: SignalSource): Promise<void> | undefined {
  const steps = stepCount(run.timelines);
  let firstTenStep = 0;
  while (firstTenStep < steps - 1 && tokensUpTo(run.timelines, firstTenStep) < FIRST_TEN_TOKENS) firstTenStep++;
  return recordFrom(run, [...new Set([0, firstTenStep, steps - 1])], 0, 0, signal);
}

/** Records marks[i..] in turn, each once it is due; `recorded`: tokens recorded so far. */
function recordFrom(run: PacedRun, marks: number[], i: number, recorded: number, signal: SignalSource): Promise<void> | undefined {
  for (; i < marks.length; i++) {
    const step = marks[i]!;
    const wait = run.clock.untilStep(step, signal);
    const next = i + 1;
    if (wait) return wait.then(() => recordFrom(run, marks, next, record(run, step, recorded), signal));
    recorded = record(run, step, recorded);
  }
  return undefined;
}

/** Records the tokens made up to `step` beyond the `recorded` ones; the new total. */
function record(run: PacedRun, step: number, recorded: number): number {
  const upTo = tokensUpTo(run.timelines, step);
  run.clock.record(upTo - recorded);
  return upTo;
}

function message(choice: Choice, style: WireStyle): Record<string, unknown> {
  const calls = choice.toolCalls.length > 0;
  const out: Record<string, unknown> = { role: 'assistant', content: calls ? style.toolCalls.contentWithCalls : choice.text };
  if (choice.reasoning && style.reasoningField) out[style.reasoningField] = choice.reasoning.text;
  if (calls) out.tool_calls = messageToolCalls(choice.toolCalls, style.toolCalls);
  return out;
}

/** The completion object for a run that has been paced. */
export function completionBody(run: ChatRun, style: WireStyle): Record<string, unknown> {
  const body: Record<string, unknown> = { id: run.id, object: 'chat.completion', created: run.created };
  const model = style.model(run.input.model);
  if (model !== undefined) body.model = model;
  if (style.systemFingerprint !== undefined) body.system_fingerprint = style.systemFingerprint;
  const logprobsAsked = run.input.generate.logprobs === true;
  body.choices = run.generation.choices.map((choice) => ({
    index: choice.index,
    message: message(choice, style),
    logprobs: answerLogprobs(choice.tokens, logprobsAsked, style.logprobs),
    finish_reason: style.finishReason(choice.finishReason),
  }));
  body.usage = style.usage(usageFacts(run, style));
  return body;
}
