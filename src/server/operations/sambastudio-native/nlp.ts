/**
 * The NLP API (SambaStudio's older native API for text models): `{"inputs": [...], "params":
 * {typed}}` answered with `{"data": [...]}`, one result per prompt, or streamed as server-sent
 * events whose data is a stream object (no terminator; failures as an `error_event` event).
 * Several prompts in one stream are answered one after another: the objects carry no id.
 * @module
 */
import type { components } from '../../../contract/sambastudio.js';
import type { OperationDefinition, OperationRequest, OperationResult } from '../types.js';
import { answerStyle } from './generation-object.js';
import { answeringProblems } from './native-error.js';
import { nativeStream } from './native-stream.js';
import { answerTexts, batchGenerations } from './predict-answers.js';
import { nativeStreamError } from './stream-error.js';
import { requestClock } from './stream-metrics.js';
import { readTypedParams } from './typed-params.js';
import { variantTable } from './variants.js';

type NlpRequest = components['schemas']['SambaStudioNlpRequest'];
type DataResponse = components['schemas']['SambaStudioDataResponse'];

function answerInputs(body: NlpRequest, request: OperationRequest) {
  return answerTexts(body.inputs, '/body/inputs', readTypedParams(body.params), request);
}

async function nlpPredict(request: OperationRequest): Promise<OperationResult> {
  const completions = await answerInputs(request.body as NlpRequest, request);
  const body: DataResponse = { data: await batchGenerations(completions, request) };
  return { kind: 'json', body };
}

async function nlpPredictStream(request: OperationRequest): Promise<OperationResult> {
  const clock = requestClock(request.arrival);
  const completions = await answerInputs(request.body as NlpRequest, request);
  const produce = nativeStream({
    request,
    clock,
    completions,
    order: 'sequential',
    form: 'full',
    style: answerStyle(request.variant),
    batchSize: 1,
    // Regular events carry no name: clients tell errors by the `error_event` name alone.
    frame: (object) => ({ kind: 'item', value: object }),
  });
  return { kind: 'stream', mediaType: 'text/event-stream', produce };
}

export const nlpOperations: Record<string, OperationDefinition> = {
  nlpPredict: {
    handle: answeringProblems(nlpPredict),
    variants: variantTable('logprobs-empty-lists', 'total-count-only'),
  },
  nlpPredictStream: {
    handle: answeringProblems(nlpPredictStream),
    variants: variantTable('logprobs-empty-lists', 'total-count-only', 'alternate-metric-names'),
    streamError: (message) => nativeStreamError(message),
  },
};
