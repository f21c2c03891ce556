/**
 * @module One generation run: a chat body read, answered by the fake model, laid out as token
 * timelines and given a clock. Both the whole-answer and the streamed paths start from a run, and
 * its usage facts come from what the run actually sent.
 */
import { generate, UnknownToolError, type Generation } from '../../fake-model/index.js';
import type { Problem } from '../../error-styles.js';
import type { Arrival, Pacing } from '../types.js';
import { fitPrompt, type ContextFit, type PromptFit } from './context-limit.js';
import { readChatInput, type ChatInput, type ReadChat } from './chat-input.js';
import { RunClock } from '../../pacing/run-clock.js';
import type { UsageFacts, WireStyle } from './wire-style.js';
import { Timeline } from './timeline.js';

export interface ChatRun {
  input: ChatInput;
  generation: Generation;
  /** One token timeline per choice. */
  timelines: Timeline[];
  clock: RunClock;
  id: string;
  /** `created` of the answer (of every chunk, unless the style stamps each one). */
  created: number;
}

export interface RunSettings {
  seed: number;
  pacing: Pacing;
  arrival: Arrival;
  /** Where the body sits in a batch, for error messages; undefined for a single request. */
  batchIndex?: number;
  /** The model's context length in tokens (prompt and output budget must fit in it). */
  contextTokens: number;
  /** The request's own names of the prompt and budget fields, when the body was translated from another API's. */
  fieldNames?: { prompt: string; budget: string };
}

export type PreparedRun = { ok: true; run: ChatRun } | { ok: false; problem: Problem };

/**
 * A run of a chat body, or the refusal of its prompt when it does not fit the context. Counting a
 * long prompt takes more than one turn of the event loop: then the run comes as a promise.
 */
export function prepareRun(body: Record<string, unknown>, style: WireStyle, settings: RunSettings): PreparedRun | Promise<PreparedRun> {
  const read = readChatInput(body, style, settings.batchIndex !== undefined);
  const fit: ContextFit = {
    contextTokens: settings.contextTokens,
    budget: read.budget && (settings.fieldNames ? { ...read.budget, param: settings.fieldNames.budget } : read.budget),
    promptParam: settings.fieldNames?.prompt ?? (settings.batchIndex === undefined ? 'messages' : `${settings.batchIndex}.messages`),
  };
  const fitted = fitPrompt(read.promptTexts, fit);
  return fitted instanceof Promise ? fitted.then((settled) => runOf(read, settled, fit, style, settings)) : runOf(read, fitted, fit, style, settings);
}

function runOf(read: ReadChat, fitted: PromptFit, fit: ContextFit, style: WireStyle, settings: RunSettings): PreparedRun {
  if (!fitted.ok) return fitted;
  const { promptTokens } = fitted;
  const { promptTexts: _texts, budget: _budget, ...rest } = read;
  const input: ChatInput = { ...rest, promptTokens };
  input.generate.promptTokens = promptTokens;
  // Without a budget the answer ends naturally, but never past the context.
  input.generate.maxTokens ??= fit.contextTokens - promptTokens;
  let generation: Generation;
  try {
    generation = generate(input.generate, { seed: settings.seed });
  } catch (error) {
    if (!(error instanceof UnknownToolError)) throw error;
    const where = settings.batchIndex === undefined ? '' : `${settings.batchIndex}.`;
    const declared = (input.generate.tools ?? []).map((tool) => tool.name);
    return {
      ok: false,
      problem: {
        kind: 'invalid_request',
        message: `${error.message}; ${declared.length > 0 ? `declared tools: ${declared.join(', ')}` : 'the request declares no tools'}.`,
        param: `${where}tool_choice`,
      },
    };
  }
  return {
    ok: true,
    run: {
      input,
      generation,
      timelines: generation.choices.map((choice) => new Timeline(choice)),
      clock: new RunClock(settings.pacing, settings.arrival),
      id: style.newId(),
      created: style.created(settings.arrival.epochMs),
    },
  };
}

/** Usage facts of the run as sent up to now. */
export function usageFacts(run: ChatRun, style: WireStyle): UsageFacts {
  const endMs = performance.now();
  const first = run.generation.choices[0];
  return {
    promptTokens: run.input.promptTokens,
    completionTokens: run.generation.usage.completionTokens,
    reasoningTokens: run.generation.usage.reasoningTokens,
    timing: run.clock.timing(endMs),
    firstTen: run.clock.firstTenTiming(),
    startEpochMs: run.clock.arrival.epochMs,
    endEpochMs: run.clock.epochMs(endMs),
    stopReason: first ? style.finishReason(first.finishReason) : null,
  };
}
