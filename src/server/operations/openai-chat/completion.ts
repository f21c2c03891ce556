/**
 * @module A whole (not streamed) chat completion, once its run is paced (`../shared/whole-answer.ts`),
 * written in the API's style.
 */
import type { Choice } from '../../fake-model/index.js';
import { answerLogprobs } from '../shared/logprobs.js';
import type { WireStyle } from '../shared/wire-style.js';
import { usageFacts, type ChatRun } from '../shared/run.js';
import { messageToolCalls } from './tool-calls.js';

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
