/**
 * @module A request in LMI's own schema (`{"inputs", "parameters"}`) read into the fake model's
 * request, with LMI's defaults: 30 new tokens, greedy decoding unless sampling is asked for (as the
 * vLLM and lmi-dist engines decide it), stop texts from `stop_sequences` (or the vLLM engine's own
 * `stop`). The prompt is the model's text as sent: no chat template.
 */
import type { components } from '../../../../generated/lmi/schema.js';
import type { GenerateRequest } from '../../fake-model/index.js';

type LmiGenerateRequest = components['schemas']['LmiGenerateRequest'];

/** LMI's documented default for `max_new_tokens`. */
export const DEFAULT_MAX_NEW_TOKENS = 30;

/** Parameters that say what to send back rather than what to write; the rest change the text (hashed). */
const OUTPUT_PARAMETERS = new Set(['max_new_tokens', 'details', 'return_full_text', 'decoder_input_details', 'stop_sequences', 'stop', 'seed', 'temperature', 'do_sample']);

export interface GenerateInput {
  inputs: string;
  stream: boolean;
  details: boolean;
  returnFullText: boolean;
  /** The prompt's tokens go back in `details.prefill` (only with `details`). */
  prefill: boolean;
  /** The request's seed, which the async vLLM engine echoes in `details`. */
  seed: number | undefined;
  generate: GenerateRequest;
}

function stopTexts(parameters: Record<string, unknown>): string[] | undefined {
  const texts: string[] = [];
  for (const value of [parameters.stop_sequences, parameters.stop]) {
    if (typeof value === 'string') texts.push(value);
    else if (Array.isArray(value)) texts.push(...value.filter((item): item is string => typeof item === 'string'));
  }
  return texts.length > 0 ? texts : undefined;
}

/** `do_sample: false` is greedy; without `do_sample`, sampling follows from a temperature (LMI 0.32+). */
function temperatureOf(parameters: Record<string, unknown>): number {
  const temperature = typeof parameters.temperature === 'number' ? parameters.temperature : undefined;
  if (parameters.do_sample === false) return 0;
  if (parameters.do_sample === true) return temperature ?? 1;
  return temperature ?? 0;
}

/** The body (already valid against the spec) as the fake model's request. */
export function readGenerateInput(body: LmiGenerateRequest): GenerateInput {
  const parameters = (body.parameters ?? {}) as Record<string, unknown>;
  const generate: GenerateRequest = {
    prompt: body.inputs,
    maxTokens: typeof parameters.max_new_tokens === 'number' ? parameters.max_new_tokens : DEFAULT_MAX_NEW_TOKENS,
    temperature: temperatureOf(parameters),
    // Every token of an LMI answer carries its log probability.
    logprobs: true,
  };
  const seed = typeof parameters.seed === 'number' ? parameters.seed : undefined;
  if (seed !== undefined) generate.seed = seed;
  const stop = stopTexts(parameters);
  if (stop) generate.stop = stop;
  const sampling = Object.fromEntries(Object.entries(parameters).filter(([name, value]) => !OUTPUT_PARAMETERS.has(name) && value !== null && value !== undefined));
  if (Object.keys(sampling).length > 0) generate.sampling = sampling;
  const details = parameters.details === true;
  return {
    inputs: body.inputs,
    stream: body.stream === true,
    details,
    returnFullText: parameters.return_full_text === true,
    prefill: details && parameters.decoder_input_details === true,
    seed,
    generate,
  };
}
