/**
 * @module The one way every text operation generates: the prompt checked against the context (see
 * `context-limit.ts`), then the fake model's answer with the prompt's count and, when the request
 * set no budget, the room the context leaves. Chat runs, Cloud completions, Responses, Messages,
 * LMI's own schema and SambaStudio's native predict all come through here; each reads its body
 * into the fake model's request and writes the answer in its own form.
 */
import { generateInTurns, UnknownToolError, type CountedText, type Generation, type GenerateRequest } from '../../fake-model/index.js';
import type { Problem } from '../../error-styles.js';
import { TurnBudget } from '../../../event-loop/turn-budget.js';
import { fitPrompt, generationRoom, type ContextFit, type PromptFit } from './context-limit.js';
import { quotedName } from './quoted-name.js';

export type Generated = { ok: true; promptTokens: number; generation: Generation } | { ok: false; problem: Problem };

/**
 * The answer to `request` once its prompt, counted from `texts`, fits `fit`; or the refusal. A long
 * prompt is counted over several turns of the event loop, and a long answer's logprobs are made in
 * the caller's `budget` (a batch hands down its own): then the answer comes as a promise.
 * `where` prefixes the fields an error names (an element of a batch: `0.`).
 */
export function generateFitting(request: GenerateRequest, texts: readonly CountedText[], fit: ContextFit, seed: number, where = '', budget = new TurnBudget()): Generated | Promise<Generated> {
  const fitted = fitPrompt(texts, fit);
  return fitted instanceof Promise ? fitted.then((settled) => generated(request, settled, fit, seed, where, budget)) : generated(request, fitted, fit, seed, where, budget);
}

function generated(request: GenerateRequest, fitted: PromptFit, fit: ContextFit, seed: number, where: string, budget: TurnBudget): Generated | Promise<Generated> {
  if (!fitted.ok) return fitted;
  const { promptTokens } = fitted;
  request.promptTokens = promptTokens;
  // Without a budget the answer ends naturally, but never past the context.
  request.maxTokens ??= generationRoom(fit, promptTokens);
  const answered = (made: Generation): Generated => ({ ok: true, promptTokens, generation: made });
  // The fake model reads a named tool choice only after hashing the request, which may take turns
  // (a tool's schema of thousands of members): the unknown name can come synchronously or as a rejection.
  const refused = (error: unknown): Generated => {
    if (!(error instanceof UnknownToolError)) throw error;
    const declared = (request.tools ?? []).map((tool) => tool.name);
    return {
      ok: false,
      problem: {
        kind: 'invalid_request',
        message: `tool_choice names ${quotedName(error.toolName)}, which is not in tools; ${declared.length > 0 ? `declared tools: ${declared.map(quotedName).join(', ')}` : 'the request declares no tools'}.`,
        param: `${where}tool_choice`,
      },
    };
  };
  let generation: Generation | Promise<Generation>;
  try {
    generation = generateInTurns(request, { seed }, budget);
  } catch (error) {
    return refused(error);
  }
  return generation instanceof Promise ? generation.then(answered, refused) : answered(generation);
}
