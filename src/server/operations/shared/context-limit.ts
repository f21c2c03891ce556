/**
 * @module The context limit, as serving engines enforce it: a prompt's tokens plus the tokens the
 * request lets the model generate must fit the model's context, or the request is refused before
 * anything is generated. Counting stops as soon as the prompt cannot fit, and runs in slices
 * between which the event loop runs, so a prompt of any size costs little and stalls nothing.
 * Every text operation checks its prompt here; each API only names its fields and, where its error
 * form says more than the common message (SambaStudio's native violations), words the refusal.
 */
import { TurnBudget } from '../../../event-loop/turn-budget.js';
import type { Problem } from '../../error-styles.js';
import { countedLength, countTokensUpTo, MAX_TOKEN_CHARS, type CountedText } from '../../fake-model/index.js';

/**
 * Tokens of `texts` one after the other, or a number above `limit` once they cannot fit (see
 * `countTokensUpTo`). All of them are counted in one turn budget, so many texts (the turns of a
 * long conversation) are sliced as one long text is.
 */
export function countTextsUpTo(texts: readonly CountedText[], limit: number): number | Promise<number> {
  // The longest token bounds the count from below: texts too long in all are refused unread.
  let atLeast = 0;
  for (const text of texts) atLeast += Math.ceil(countedLength(text) / MAX_TOKEN_CHARS);
  if (atLeast > limit) return atLeast;
  const budget = new TurnBudget();
  let total = 0;
  for (let index = 0; index < texts.length; index++) {
    const counted = countTokensUpTo(texts[index]!, limit - total, budget);
    if (typeof counted !== 'number') return addRest(texts, index, counted, limit, total, budget);
    total += counted;
    if (total > limit) return total;
  }
  return total;
}

async function addRest(texts: readonly CountedText[], index: number, counted: Promise<number>, limit: number, total: number, budget: TurnBudget): Promise<number> {
  total += await counted;
  for (index++; index < texts.length && total <= limit; index++) {
    const next = countTokensUpTo(texts[index]!, limit - total, budget);
    total += typeof next === 'number' ? next : await next;
  }
  return total;
}

export interface ContextFit {
  /** The model's context length. */
  contextTokens: number;
  /** The output budget the request set, and the field that set it. */
  budget: { tokens: number; param: string } | undefined;
  /**
   * The request fields the prompt was counted from, as the request names them (`messages`,
   * `system`, `tools`, `items.0`): a refusal says what filled the context. The first is the
   * prompt's own field, the error's `param`.
   */
  promptFields: readonly string[];
  /**
   * `under`: prompt and generated tokens must stay below the context length (SambaStudio native:
   * "must be under 2048"). Otherwise they may fill it, as OpenAI-style servers count.
   */
  bound?: 'under';
  /** The refusal in the API's own words, where its error form says more than the common message. */
  refusal?: (overflow: ContextOverflow) => Problem;
}

/** A prompt that does not fit: its count stopped once it could not, so `promptTokens` is a lower bound. */
export interface ContextOverflow {
  fit: ContextFit;
  promptTokens: number;
}

/** Tokens the bound keeps free above prompt and output: one under a strict bound. */
const reserve = (fit: ContextFit): number => (fit.bound === 'under' ? 1 : 0);

/** The most prompt tokens that fit beside the budget (with none set, at least one token must be left to generate). */
function promptRoom(fit: ContextFit): number {
  return fit.contextTokens - (fit.budget?.tokens ?? 1) - reserve(fit);
}

/** The most tokens a prompt of `promptTokens` leaves to generate: the budget of a request that sets none. */
export function generationRoom(fit: ContextFit, promptTokens: number): number {
  return fit.contextTokens - promptTokens - reserve(fit);
}

/**
 * The common refusal (`context_length_exceeded`, in the API's own error shape and request-error
 * status): the limit, the tokens the request asks for, and the fields they were counted from.
 */
function contextProblem({ fit, promptTokens }: ContextOverflow): Problem {
  const { contextTokens, budget, promptFields } = fit;
  const counted = promptFields.join(' + ');
  const message =
    budget === undefined
      ? `This model's maximum context length is ${contextTokens} tokens, but the prompt (${counted}) has at least ${promptTokens} tokens, which leaves no room to generate. Shorten the prompt.`
      : `This model's maximum context length is ${contextTokens} tokens, but the request asks for at least ${promptTokens + budget.tokens}: at least ${promptTokens} tokens in the prompt (${counted}) and ${budget.tokens} to generate (${budget.param}). Shorten the prompt or lower ${budget.param}.`;
  return { kind: 'context_length', message, param: promptFields[0]! };
}

export type PromptFit = { ok: true; promptTokens: number } | { ok: false; problem: Problem };

/**
 * The prompt's tokens when `texts` fit beside the budget, or the refusal: counted only as far as
 * the room, in the same turn when that is quick, else as a promise (see `countTextsUpTo`).
 */
export function fitPrompt(texts: readonly CountedText[], fit: ContextFit): PromptFit | Promise<PromptFit> {
  const counted = countTextsUpTo(texts, promptRoom(fit));
  return typeof counted === 'number' ? verdict(fit, counted) : counted.then((promptTokens) => verdict(fit, promptTokens));
}

/**
 * The refusal of a prompt of `promptTokens` (or at least that many: a lower bound refuses before
 * the prompt is counted, or even written) when they do not fit, else undefined.
 */
export function overflowRefusal(fit: ContextFit, promptTokens: number): { ok: false; problem: Problem } | undefined {
  return promptTokens > promptRoom(fit) ? { ok: false, problem: (fit.refusal ?? contextProblem)({ fit, promptTokens }) } : undefined;
}

function verdict(fit: ContextFit, promptTokens: number): PromptFit {
  return overflowRefusal(fit, promptTokens) ?? { ok: true, promptTokens };
}

/**
 * The fields among `names` that hold something in `body` (a non-empty string or list, an object),
 * so a refusal names only what was counted; the first name when none does.
 */
export function filledFields(body: Record<string, unknown>, names: readonly string[]): string[] {
  const filled = names.filter((name) => {
    const value = body[name];
    if (typeof value === 'string' || Array.isArray(value)) return value.length > 0;
    return typeof value === 'object' && value !== null;
  });
  return filled.length > 0 ? filled : [names[0]!];
}
