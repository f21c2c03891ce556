/**
 * @module The fake model itself: a request in, `n` deterministic choices out. What the output
 * depends on, and what it does not:
 * - the server seed, the model name, the prompt, `temperature`, `sampling`, `responseFormat`,
 *   `tools`, `toolChoice` and `reasoningEffort` choose the text;
 * - the request `seed` does too, except at temperature 0 (greedy), where it is ignored;
 * - `maxTokens` and `stop` only cut that text, so a shorter budget returns a prefix of a longer
 *   one; `logprobs`/`topLogprobs` only annotate it; choice i of `n` is the same whatever `n` is.
 */
import { FinishReason } from './finish-reason.js';
import { freeJsonObject, schemaJson, toolArguments } from './json-content.js';
import { tokenWithLogprobs, withLogprobs } from './logprobs.js';
import { StringPieces, writeJsonSteps } from './json-writer.js';
import { mixSeeds, Rng, StringHash } from './random.js';
import { writeAnswer, writeReasoning } from './sentence-writer.js';
import { stopList } from './stop-sequences.js';
import { cutText, type CutText } from './text-cut.js';
import { chooseToolSteps, toolCallId, type ToolChoice, type ToolDefinition } from './tool-choice.js';
import { countTokens, countTokensSteps, tokenizeSteps } from './tokenizer.js';
import { finishSteps, runSteps, type Steps } from '../../event-loop/steps.js';
import { mapInTurns, type TurnBudget } from '../../event-loop/turn-budget.js';
import type { Choice, GenerateOptions, GenerateRequest, Generation, ReasoningEffort, ToolCall } from './types.js';

/**
 * Natural answer length: a target is drawn in [NATURAL_MIN_TOKENS, NATURAL_MAX_TOKENS] and the
 * answer runs on to the end of the paragraph or list that reaches it (at most ~100 tokens more).
 * So any `maxTokens` up to 60 always ends with `max_tokens`.
 */
export const NATURAL_MIN_TOKENS = 60;
export const NATURAL_MAX_TOKENS = 260;

/**
 * Reasoning length in tokens per effort: the text runs to the end of the sentence that reaches
 * the drawn minimum (sentences are under 30 tokens), so the ranges cannot overlap.
 */
export const REASONING_TOKENS: Readonly<Record<ReasoningEffort, readonly [number, number]>> = {
  low: [24, 40],
  medium: [80, 120],
  high: [200, 300],
};

/**
 * The most of the output budget reasoning may take, per effort: the rest is left for the answer,
 * so that a short budget still gets answer text (a real reasoning model cut off while thinking
 * returns nothing a client can show).
 */
export const REASONING_SHARE: Readonly<Record<ReasoningEffort, number>> = {
  low: 0.25,
  medium: 0.5,
  high: 0.75,
};

/** Texts tried per choice before accepting one whose cut does not re-tokenize exactly. */
const ATTEMPTS = 8;

interface Settings {
  prompt: string;
  budget: number | undefined;
  stops: string[];
  tools: readonly ToolDefinition[];
  toolChoice: ToolChoice;
  logprobs: boolean;
  request: GenerateRequest;
  /** The caller's turn budget, in which the steps that grow with the request's tools are taken (none: all at once). */
  turns: TurnBudget | undefined;
}

/** The answer to `request` on a server seeded with `options.seed`. Pure and deterministic. */
export function generate(request: GenerateRequest, options: GenerateOptions): Generation {
  const { drafts, topLogprobs } = finishSteps(draftChoices(request, options, undefined));
  for (const { choice, logprobs } of drafts) if (logprobs) choice.tokens = withLogprobs(choice.tokens, topLogprobs, logprobs);
  return generationOf(request, drafts);
}

/**
 * `generate`, in the caller's turn budget: the text of an answer costs little, but its logprobs (up
 * to 20 alternatives for each of thousands of tokens) are made a token at a time, and a tool call
 * (the choice read from the whole prompt and every tool, the call's arguments tokenized, as long as
 * the tool's schema makes them) a piece at a time, with turns of the event loop between slices. A
 * promise when that work took more than the turn; the same answer as `generate`.
 */
export function generateInTurns(request: GenerateRequest, options: GenerateOptions, budget: TurnBudget): Generation | Promise<Generation> {
  const drafted = runSteps(draftChoices(request, options, budget), budget);
  return drafted instanceof Promise ? drafted.then((settled) => annotated(request, settled, budget)) : annotated(request, drafted, budget);
}

function annotated(request: GenerateRequest, { drafts, topLogprobs }: Drafted, budget: TurnBudget): Generation | Promise<Generation> {
  if (!drafts.some((draft) => draft.logprobs)) return generationOf(request, drafts);
  return annotateInTurns(request, drafts, topLogprobs, budget);
}

async function annotateInTurns(request: GenerateRequest, drafts: readonly Draft[], topLogprobs: number, budget: TurnBudget): Promise<Generation> {
  for (const { choice, logprobs } of drafts) {
    if (logprobs) choice.tokens = await mapInTurns(choice.tokens, (piece, position) => tokenWithLogprobs(piece, position, topLogprobs, logprobs), budget);
  }
  return generationOf(request, drafts);
}

/** A choice as written, and the generator of its logprobs when they were asked for (added last, to the accepted text only). */
interface Draft {
  choice: Choice;
  logprobs: Rng | undefined;
}

interface Drafted {
  drafts: Draft[];
  topLogprobs: number;
}

function* draftChoices(request: GenerateRequest, options: GenerateOptions, turns: TurnBudget | undefined): Steps<Drafted> {
  const greedy = request.temperature !== undefined && request.temperature <= 0;
  const tools = request.tools ?? [];
  const settings: Settings = {
    prompt: request.prompt,
    budget: request.maxTokens === undefined || request.maxTokens === null ? undefined : Math.max(0, Math.floor(request.maxTokens)),
    stops: stopList(request.stop),
    tools,
    toolChoice: request.toolChoice ?? (tools.length > 0 ? 'auto' : 'none'),
    logprobs: request.logprobs === true,
    request,
    turns,
  };
  const base = mixSeeds(options.seed, yield* requestHashSteps(request, greedy, turns));
  const n = Math.max(1, Math.floor(request.n ?? 1));
  const drafts: Draft[] = [];
  // Greedy decoding has one best answer, so every choice is that answer.
  for (let index = 0; index < n; index++) drafts.push(yield* generateChoice(settings, new Rng(mixSeeds(base, greedy ? 0 : index)), index));
  return { drafts, topLogprobs: request.topLogprobs ?? 0 };
}

function generationOf(request: GenerateRequest, drafts: readonly Draft[]): Generation {
  const choices = drafts.map((draft) => draft.choice);
  const promptTokens = request.promptTokens ?? countTokens(request.prompt);
  const completionTokens = choices.reduce((sum, choice) => sum + choice.completionTokens, 0);
  return {
    choices,
    usage: {
      promptTokens,
      completionTokens,
      reasoningTokens: choices.reduce((sum, choice) => sum + choice.reasoningTokens, 0),
      totalTokens: promptTokens + completionTokens,
    },
  };
}

/**
 * The hash of `canonicalJson` of the fields that choose the text, `{v: 1, model, prompt,
 * temperature, seed, sampling, responseFormat, tools, toolChoice, reasoningEffort}`, written
 * straight into the hash a piece at a time, in the caller's turns: a response format's or a
 * tool's schema may have a hundred thousand members.
 */
function* requestHashSteps(request: GenerateRequest, greedy: boolean, turns: TurnBudget | undefined): Steps<number> {
  const hash = new StringHash();
  const fields = {
    model: request.model ?? '',
    prompt: request.promptPieces === undefined ? request.prompt : new StringPieces(request.promptPieces),
    reasoningEffort: request.reasoningEffort,
    responseFormat: request.responseFormat,
    sampling: request.sampling,
    seed: greedy ? undefined : request.seed,
    temperature: request.temperature,
    toolChoice: request.toolChoice,
    tools: request.tools,
    v: 1,
  };
  yield* writeJsonSteps(fields, (text) => hash.add(text), turns, 'sorted');
  return hash.digest();
}

interface Attempt extends Draft {
  exact: boolean;
}

function* generateChoice(settings: Settings, rng: Rng, index: number): Steps<Draft> {
  // No tools and none named (most requests): nothing to choose, so no generator and no forked Rng (a fork draws nothing from `rng`).
  const tool = settings.tools.length === 0 && typeof settings.toolChoice !== 'object' ? undefined : yield* chooseToolSteps(settings.prompt, settings.tools, settings.toolChoice, rng.fork('tool-choice'), settings.turns);
  let attempt: Attempt | undefined;
  for (let i = 0; i < ATTEMPTS; i++) {
    attempt = yield* attemptChoice(settings, i === 0 ? rng : rng.fork(`attempt-${i}`), index, tool);
    if (attempt.exact) break;
  }
  const { choice, logprobs } = attempt as Attempt;
  return { choice, logprobs };
}

function* attemptChoice(settings: Settings, rng: Rng, index: number, tool: ToolDefinition | undefined): Steps<Attempt> {
  const { request, budget } = settings;
  let reasoning: Choice['reasoning'];
  let reasoningTokens = 0;
  let exact = true;
  if (request.reasoningEffort !== undefined) {
    const effort = request.reasoningEffort in REASONING_TOKENS ? request.reasoningEffort : 'medium';
    const [low, high] = REASONING_TOKENS[effort];
    const drawn = rng.fork('reasoning-length').int(low, high);
    const share = budget === undefined ? undefined : Math.floor(budget * REASONING_SHARE[effort]);
    // Thinking stops at its share of the budget (mid-sentence if need be); the answer comes after it.
    const cut = cutText(writeReasoning(rng.fork('reasoning'), share === undefined ? drawn : Math.min(drawn, share), share), share, []);
    if (cut.pieces.length > 0) reasoning = { text: cut.text, tokens: cut.pieces };
    reasoningTokens = cut.pieces.length;
    exact = cut.exact;
  }
  const remaining = budget === undefined ? undefined : budget - reasoningTokens;

  if (tool) {
    // Both texts grow with the tool's schema (a required name of 100,000 characters is written out
    // in full), so they are tokenized in the caller's turns, and only as far as the budget reaches.
    const limit = remaining ?? Infinity;
    const args = yield* toolArguments(tool.parameters, rng.fork('arguments'), settings.turns, limit);
    const nameTokens = yield* countTokensSteps(tool.name, limit, settings.turns);
    const argTokens = (yield* tokenizeSteps(args, limit - nameTokens, settings.turns)).tokens;
    const callTokens = argTokens.length + nameTokens;
    if (callTokens <= limit) {
      const call: ToolCall = { id: toolCallId(rng.fork('call-id')), name: tool.name, arguments: args, tokens: argTokens };
      return {
        exact,
        logprobs: undefined,
        choice: { index, text: '', tokens: [], reasoning, toolCalls: [call], finishReason: FinishReason.ToolCalls, completionTokens: reasoningTokens + callTokens, reasoningTokens },
      };
    }
    // The call does not fit: like a real server whose tool parser gets cut-off JSON, return the
    // raw text the model wrote, cut at the budget.
    const raw = `{"name":${JSON.stringify(tool.name)},"arguments":${args}}`;
    return contentChoice(settings, rng, index, cutText(yield* tokenizeSteps(raw, limit, settings.turns), remaining, []), reasoning, reasoningTokens, exact);
  }

  const contentRng = rng.fork('content');
  const format = request.responseFormat;
  // A JSON answer grows with its schema (thousands of properties), so it is made and tokenized in the
  // caller's turns, and only as far as the budget reaches.
  const limit = remaining ?? Infinity;
  const written =
    format?.type === 'json_schema' ? yield* tokenizeSteps(yield* schemaJson(format.schema, contentRng, settings.turns, limit), limit, settings.turns)
    : format?.type === 'json_object' ? yield* tokenizeSteps(freeJsonObject(contentRng), Infinity, settings.turns)
    : writeAnswer(contentRng, rng.fork('length').int(NATURAL_MIN_TOKENS, NATURAL_MAX_TOKENS), remaining);
  return contentChoice(settings, rng, index, cutText(written, remaining, settings.stops), reasoning, reasoningTokens, exact);
}

function contentChoice(settings: Settings, rng: Rng, index: number, cut: CutText, reasoning: Choice['reasoning'], reasoningTokens: number, exact: boolean): Attempt {
  const choice: Choice = { index, text: cut.text, tokens: cut.pieces, toolCalls: [], finishReason: cut.reason, completionTokens: reasoningTokens + cut.pieces.length, reasoningTokens };
  if (reasoning !== undefined) choice.reasoning = reasoning;
  if (cut.stopSequence !== undefined) choice.stopSequence = cut.stopSequence;
  return { exact: exact && cut.exact, choice, logprobs: settings.logprobs ? rng.fork('logprobs') : undefined };
}
