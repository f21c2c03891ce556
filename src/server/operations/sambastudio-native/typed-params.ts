/**
 * Reads the typed parameters of the NLP and Generic v1 APIs (`{"type": "int", "value": "100"}`:
 * Python type names, values as text) into `NativeParams`. The spec has already checked the known
 * parameters' patterns, so numbers parse; booleans come as `true`/`false` or, from Python clients,
 * `True`/`False`.
 * @module
 */
import type { components } from '../../../contract/sambastudio.js';
import { defaultNativeParams, knownParamNames, type NativeParams } from './native-params.js';
import { readTypedStopSequences } from './stop-sequences.js';

type TypedParams = components['schemas']['SambaStudioTypedParams'];
type TypedParam = components['schemas']['SambaStudioTypedParam'];

export function readTypedParams(params: TypedParams | undefined): NativeParams {
  const p = (params ?? {}) as Record<string, TypedParam | undefined>;
  const number = (name: string): number | undefined => (p[name] === undefined ? undefined : Number(p[name]!.value));
  const out: NativeParams = {
    ...defaultNativeParams,
    doSample: p.do_sample === undefined ? defaultNativeParams.doSample : readBool(p.do_sample.value),
    processPrompt: p.process_prompt === undefined ? defaultNativeParams.processPrompt : readBool(p.process_prompt.value),
    temperature: number('temperature') ?? defaultNativeParams.temperature,
    topLogprobs: number('top_logprobs') ?? defaultNativeParams.topLogprobs,
    stop: p.stop_sequences === undefined ? [] : readTypedStopSequences(p.stop_sequences.type, p.stop_sequences.value),
    extra: {},
  };
  const maxTokens = number('max_tokens_to_generate');
  if (maxTokens !== undefined) out.maxTokens = maxTokens;
  const topP = number('top_p');
  if (topP !== undefined) out.topP = topP;
  // top_k may come as `50.0` (type float, as the vendor table says): the spec allows a `.0` fraction.
  const topK = number('top_k');
  if (topK !== undefined) out.topK = Math.round(topK);
  const penalty = number('repetition_penalty');
  if (penalty !== undefined) out.repetitionPenalty = penalty;
  if (p.select_expert !== undefined) out.selectExpert = p.select_expert.value;
  for (const [name, param] of Object.entries(p)) {
    if (param === undefined || (knownParamNames as readonly string[]).includes(name)) continue;
    out.extra[name] = readTypedValue(param);
  }
  return out;
}

/** `true`/`True` (and, for parameters the spec does not constrain, `1`/`yes`) read as true. */
export function readBool(value: string): boolean {
  return /^(?:true|1|yes)$/i.test(value.trim());
}

/** A parameter this server does not know, read as its declared Python type says (text when it does not parse). */
function readTypedValue(param: TypedParam): unknown {
  switch (param.type) {
    case 'int':
    case 'float': {
      const value = Number(param.value);
      return param.value.trim() !== '' && Number.isFinite(value) ? value : param.value;
    }
    case 'bool':
      return readBool(param.value);
    default:
      return param.value;
  }
}
