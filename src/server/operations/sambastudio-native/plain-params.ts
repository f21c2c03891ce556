/**
 * Reads the plain parameters of the Generic v2 API (`{"max_tokens_to_generate": 256,
 * "do_sample": false}`: JSON values, no type wrapper) into the same `NativeParams` as the typed
 * ones. Types and ranges were checked against the spec before the handler ran.
 * @module
 */
import type { components } from '../../../contract/sambastudio.js';
import { stopList } from '../../fake-model/index.js';
import { defaultNativeParams, knownParamNames, type NativeParams } from './native-params.js';

type PlainParams = components['schemas']['SambaStudioPlainParams'];

export function readPlainParams(params: PlainParams | undefined): NativeParams {
  const p = (params ?? {}) as PlainParams & Record<string, unknown>;
  const out: NativeParams = {
    ...defaultNativeParams,
    doSample: p.do_sample ?? defaultNativeParams.doSample,
    processPrompt: p.process_prompt ?? defaultNativeParams.processPrompt,
    temperature: p.temperature ?? defaultNativeParams.temperature,
    topLogprobs: p.top_logprobs ?? defaultNativeParams.topLogprobs,
    stop: stopList(p.stop_sequences),
    extra: {},
  };
  if (p.max_tokens_to_generate !== undefined) out.maxTokens = p.max_tokens_to_generate;
  if (p.top_p !== undefined) out.topP = p.top_p;
  if (p.top_k !== undefined) out.topK = p.top_k;
  if (p.repetition_penalty !== undefined) out.repetitionPenalty = p.repetition_penalty;
  if (p.select_expert !== undefined) out.selectExpert = p.select_expert;
  for (const [name, value] of Object.entries(p)) {
    if (value !== undefined && !(knownParamNames as readonly string[]).includes(name)) out.extra[name] = value;
  }
  return out;
}
