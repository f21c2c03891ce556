/**
 * @module The context limit, as serving engines enforce it: a prompt's tokens plus the tokens the
 * request lets the model generate must fit the model's context, or the request is refused before
 * anything is generated. Counting stops as soon as the prompt cannot fit, and runs in slices
 * between which the event loop runs, so a prompt of any size costs little and stalls nothing.
 */
import type { Problem } from '../../error-styles.js';
import { countTokensUpTo } from '../../fake-model/index.js';

/** Tokens of `texts` one after the other, or a number above `limit` once they cannot fit (see `countTokensUpTo`). */
export function countTextsUpTo(texts: readonly string[], limit: number): number | Promise<number> {
  let total = 0;
  for (let index = 0; index < texts.length; index++) {
    const counted = countTokensUpTo(texts[index]!, limit - total);
    if (typeof counted !== 'number') return counted.then((count) => addRest(texts, index + 1, limit, total + count));
    total += counted;
    if (total > limit) return total;
  }
  return total;
}

async function addRest(texts: readonly string[], from: number, limit: number, total: number): Promise<number> {
  for (let index = from; index < texts.length && total <= limit; index++) total += await countTokensUpTo(texts[index]!, limit - total);
  return total;
}

export interface ContextFit {
  /** The model's context length. */
  contextTokens: number;
  /** The output budget the request set, and the field that set it. */
  budget: { tokens: number; param: string } | undefined;
  /** The request field that holds the prompt (`messages`, `prompt`, `input`). */
  promptParam: string;
}

/** The most prompt tokens that fit beside the budget (with none set, at least one token must be left to generate). */
function promptRoom(fit: ContextFit): number {
  return fit.contextTokens - (fit.budget?.tokens ?? 1);
}

/**
 * The API-neutral refusal of a prompt that does not fit (`context_length_exceeded`, in the API's own
 * error shape and request-error status). Counting stopped once the prompt could not fit, so its
 * count is a lower bound.
 */
function contextProblem(fit: ContextFit, promptTokens: number): Problem | undefined {
  if (promptTokens <= promptRoom(fit)) return undefined;
  const { contextTokens, budget, promptParam } = fit;
  const message =
    budget === undefined
      ? `This model's maximum context length is ${contextTokens} tokens, but the prompt (${promptParam}) has at least ${promptTokens} tokens, which leaves no room to generate. Shorten the prompt.`
      : `This model's maximum context length is ${contextTokens} tokens, but the request asks for at least ${promptTokens + budget.tokens}: at least ${promptTokens} tokens in the prompt (${promptParam}) and ${budget.tokens} to generate (${budget.param}). Shorten the prompt or lower ${budget.param}.`;
  return { kind: 'context_length', message, param: promptParam };
}

export type PromptFit = { ok: true; promptTokens: number } | { ok: false; problem: Problem };

/**
 * The prompt's tokens when `texts` fit beside the budget, or the refusal: counted only as far as
 * the room, in the same turn when that is quick, else as a promise (see `countTextsUpTo`).
 */
export function fitPrompt(texts: readonly string[], fit: ContextFit): PromptFit | Promise<PromptFit> {
  const counted = countTextsUpTo(texts, promptRoom(fit));
  return typeof counted === 'number' ? verdict(fit, counted) : counted.then((promptTokens) => verdict(fit, promptTokens));
}

function verdict(fit: ContextFit, promptTokens: number): PromptFit {
  const problem = contextProblem(fit, promptTokens);
  return problem ? { ok: false, problem } : { ok: true, promptTokens };
}
