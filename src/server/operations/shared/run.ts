/**
 * @module One generation run: a chat body read, answered by the fake model, laid out as token
 * timelines and given a clock. Both the whole-answer and the streamed paths start from a run, and
 * its usage facts come from what the run actually sent.
 */
import type { CountedText, Generation } from '../../fake-model/index.js';
import type { Problem } from '../../error-styles.js';
import type { Arrival, Pacing } from '../types.js';
import { overflowRefusal, type ContextFit } from './context-limit.js';
import { readChatInput, type ChatInput, type ReadChat } from './chat-input.js';
import { generateFitting, type Generated } from './generation.js';
import { RunClock } from '../../pacing/run-clock.js';
import type { UsageFacts, WireStyle } from './wire-style.js';
import { Timeline } from './timeline.js';
import type { TurnBudget } from '../../../event-loop/turn-budget.js';

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
  /**
   * The request's own names of the fields its prompt was counted from and of its budget field,
   * when the body was translated from another API's (chat's own names otherwise).
   */
  fieldNames?: { prompt: readonly string[]; budget?: string };
  /** The request body as its parse returned it (a batch's whole array), whose long strings are counted from their pieces (see `countedText`). */
  parsed?: unknown;
  /** The turn budget of the work the run is part of (a batch's), in which the answer is made. */
  turns?: TurnBudget;
}

export type PreparedRun = { ok: true; run: ChatRun } | { ok: false; problem: Problem };

/**
 * A run of a chat body, or the refusal of its prompt when it does not fit the context. Counting a
 * long prompt takes more than one turn of the event loop: then the run comes as a promise.
 */
export function prepareRun(body: Record<string, unknown>, style: WireStyle, settings: RunSettings): PreparedRun | Promise<PreparedRun> {
  return startRun(readChatInput(body, style, settings.batchIndex !== undefined, settings.parsed), style, settings);
}

/** A run of a chat request as read (a raw prompt's too: its settings read as chat reads them). */
export function startRun(read: ReadChat, style: WireStyle, settings: RunSettings): PreparedRun | Promise<PreparedRun> {
  const where = settings.batchIndex === undefined ? '' : `${settings.batchIndex}.`;
  const { prompt, budget } = read;
  // A single request's fields keep the body's own names: the read's budget and field list serve as they are, no copy per request.
  const renamed = where !== '' || settings.fieldNames?.budget !== undefined;
  const fit: ContextFit = {
    contextTokens: settings.contextTokens,
    budget: budget && (renamed ? { ...budget, param: settings.fieldNames?.budget ?? `${where}${budget.param}` } : budget),
    promptFields: settings.fieldNames?.prompt ?? (where === '' ? prompt.fields : prompt.fields.map((field) => `${where}${field}`)),
  };
  const unfit = overflowRefusal(fit, prompt.atLeast);
  if (unfit) return unfit;
  // The read is the run's input (runOf takes its fields one by one): no rest copy without the prompt and budget.
  const promptTexts = prompt.write();
  if (promptTexts instanceof Promise) return promptTexts.then((texts) => fittedRun(read, texts, fit, style, settings, where));
  return fittedRun(read, promptTexts, fit, style, settings, where);
}

function fittedRun(input: Omit<ChatInput, 'promptTokens'>, promptTexts: CountedText[], fit: ContextFit, style: WireStyle, settings: RunSettings, where: string): PreparedRun | Promise<PreparedRun> {
  const generated = generateFitting(input.generate, promptTexts, fit, settings.seed, where, settings.turns);
  return generated instanceof Promise ? generated.then((settled) => runOf(input, settled, style, settings)) : runOf(input, generated, style, settings);
}

function runOf(read: Omit<ChatInput, 'promptTokens'>, generated: Generated, style: WireStyle, settings: RunSettings): PreparedRun {
  if (!generated.ok) return generated;
  const { generation, promptTokens } = generated;
  return {
    ok: true,
    run: {
      // Written out, not spread from the rest of the read: an object made by rest and spread gets a
      // hidden class of its own, which every open stream would hold.
      input: { model: read.model, stream: read.stream, includeUsage: read.includeUsage, generate: read.generate, promptTokens },
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
  const first = run.generation.choices[0];
  const { completionTokens, reasoningTokens } = run.generation.usage;
  return clockedUsage(run.input.promptTokens, completionTokens, reasoningTokens, run.clock, first ? style.finishReason(first.finishReason) : null);
}

/** Usage facts from a run's counts and its clock (the sends so far, ending now): what a stream keeps of its run. */
export function clockedUsage(promptTokens: number, completionTokens: number, reasoningTokens: number, clock: RunClock, stopReason: string | null): UsageFacts {
  const endMs = performance.now();
  return {
    promptTokens,
    completionTokens,
    reasoningTokens,
    timing: clock.timing(endMs),
    firstTen: clock.firstTenTiming(),
    startEpochMs: clock.arrival.epochMs,
    endEpochMs: clock.epochMs(endMs),
    stopReason,
  };
}
