/**
 * Tuning parameters of the native APIs once read, whichever wire form they came in (typed
 * `{type, value}` strings for NLP and Generic v1, plain JSON for Generic v2), with the service
 * defaults the vendor documents written once here.
 * @module
 */

export interface NativeParams {
  /** `max_tokens_to_generate`; absent: the answer ends naturally (within the context limit). */
  maxTokens?: number;
  /** `do_sample`; false (the documented default) is greedy decoding: repeatable output. */
  doSample: boolean;
  /** `temperature` (documented default 1.0); only used when sampling. */
  temperature: number;
  /** `top_p` (default 1.0); only used when sampling. */
  topP?: number;
  /** `top_k` (default 50); only used when sampling. */
  topK?: number;
  /** `repetition_penalty` (default 1.0); changes greedy output too. */
  repetitionPenalty?: number;
  /** `top_logprobs`, 0 (default) to 20. */
  topLogprobs: number;
  /** `stop_sequences`, as a list (empty: none). */
  stop: string[];
  /** `select_expert`: which model of a bundle answers; it chooses the fake model's "weights". */
  selectExpert?: string;
  /** `process_prompt`: each prompt is a JSON conversation to template. */
  processPrompt: boolean;
  /** Parameters this server does not know: passed to the model as they are (they change its output). */
  extra: Record<string, unknown>;
}

/** The documented defaults (vendor parameter table). */
export const defaultNativeParams: Readonly<Omit<NativeParams, 'extra' | 'stop'>> = {
  doSample: false,
  temperature: 1,
  topLogprobs: 0,
  processPrompt: false,
};

/** Parameter names this server reads; any other name is kept in `extra`. */
export const knownParamNames = [
  'max_tokens_to_generate',
  'do_sample',
  'temperature',
  'top_p',
  'top_k',
  'repetition_penalty',
  'top_logprobs',
  'stop_sequences',
  'select_expert',
  'process_prompt',
] as const;
