/**
 * Generic API v1. Predict takes prompt strings under `instances` (what services and clients send)
 * and answers `{"status", "predictions"}`; the vendor's text-model reference prints `inputs` and
 * `{"data"}` for the same URL, so that form is answered in kind. A multimodal (LLaVA) endpoint takes
 * one `{prompt, image_content}` instance whose image must really be one. The stream takes one
 * prompt under `instance` and sends JSON lines wrapped as `{"result": {"responses": [...]}}`, or,
 * for the documented `inputs` body, bare stream objects.
 * @module
 */
import type { components } from '../../../contract/sambastudio.js';
import type { OperationDefinition, OperationRequest, OperationResult } from '../types.js';
import { preparePrompt, type NativeCompletion, type NativePrompt } from './completion.js';
import { answerStyle } from './generation-object.js';
import { readImageContent } from './image-content.js';
import { answeringProblems, NativeRequestError } from './native-error.js';
import type { NativeParams } from './native-params.js';
import { nativeStream } from './native-stream.js';
import { answerTexts, batchGenerations, completeAll, elapsedSeconds } from './predict-answers.js';
import { nativeStreamError } from './stream-error.js';
import { requestClock, type RequestClock } from './stream-metrics.js';
import { readTypedParams } from './typed-params.js';
import { variantTable } from './variants.js';

type PredictRequest = components['schemas']['SambaStudioGenericPredictRequest'];
type StreamRequest = components['schemas']['SambaStudioGenericStreamRequest'];
type MultimodalInstance = components['schemas']['SambaStudioMultimodalInstance'];
type PredictResponse = components['schemas']['SambaStudioGenericPredictResponse'];
type PredictStatus = components['schemas']['SambaStudioPredictStatus'];

/** The three request forms, told apart by their keys (`instances` wins when both are sent, as services read it). */
type PredictBody = { instances?: Array<string | MultimodalInstance>; inputs?: string[]; params?: PredictRequest['params'] };

async function genericPredict(request: OperationRequest): Promise<OperationResult> {
  const clock = requestClock(request.arrival);
  const body = request.body as PredictBody;
  const params = readTypedParams(body.params);
  let completions: NativeCompletion[];
  let shape: 'predictions' | 'data';
  if (body.instances !== undefined) {
    const texts = body.instances.filter((instance): instance is string => typeof instance === 'string');
    completions = await (texts.length === body.instances.length ? answerTexts(texts, '/body/instances', params, request) : completeAll([multimodalPrompt(body.instances, params)], params, request));
    shape = 'predictions';
  } else {
    completions = await answerTexts(body.inputs ?? [], '/body/inputs', params, request);
    shape = 'data';
  }
  if (request.variant === 'data-response') shape = 'data';
  if (request.variant === 'predictions-response') shape = 'predictions';
  const answers = await batchGenerations(completions, request);
  const response: PredictResponse = shape === 'data' ? { data: answers } : { status: predictStatus(clock, request.variant), predictions: answers };
  return { kind: 'json', body: response };
}

/**
 * The one prompt of a multimodal request, with its image checked. The image's format and size feed
 * the fake model, so another picture gets another (still deterministic) description.
 */
function multimodalPrompt(instances: ReadonlyArray<string | MultimodalInstance>, params: NativeParams): NativePrompt {
  // The spec already allows one image instance only; this also covers a list mixing prompts and images.
  if (instances.length !== 1) {
    throw new NativeRequestError({
      path: '/body/instances',
      rule: 'maxItems',
      expected: 'exactly one {prompt, image_content} instance (multimodal endpoints answer one image per request)',
      received: `${instances.length} instances`,
    });
  }
  const instance = instances[0] as MultimodalInstance;
  const image = readImageContent(instance.image_content, '/body/instances/0/image_content');
  return { text: instance.prompt, path: '/body/instances/0/prompt', attachments: { image: { format: image.format, width: image.width, height: image.height } } };
}

/** The processing status beside the predictions: the full captured form, or the vendor LLaVA example's three fields. */
function predictStatus(clock: RequestClock, variant: string | undefined): PredictStatus {
  const status: PredictStatus = { complete: true, exitCode: 0, elapsedTime: elapsedSeconds(clock) };
  if (variant === 'vendor-status') return status;
  return { ...status, message: '', progress: 1, progressMessage: '', reason: '' };
}

async function genericPredictStream(request: OperationRequest): Promise<OperationResult> {
  const clock = requestClock(request.arrival);
  const body = request.body as StreamRequest & { instance?: string; inputs?: string[] };
  const params = readTypedParams(body.params);
  const single = typeof body.instance === 'string';
  const completions = await (single
    ? completeAll([await preparePrompt(body.instance!, '/body/instance', params, body)], params, request)
    : answerTexts(body.inputs ?? [], '/body/inputs', params, request));
  const wrapped = request.variant === 'result-wrapper' ? true : request.variant === 'bare-stream-objects' ? false : single;
  const produce = nativeStream({
    request,
    clock,
    completions,
    order: 'sequential',
    form: 'full',
    style: answerStyle(request.variant),
    batchSize: 1,
    frame: (object) => ({ kind: 'item', value: wrapped ? { result: { responses: [object] } } : object }),
  });
  return { kind: 'stream', mediaType: 'application/jsonl', produce };
}

export const genericV1Operations: Record<string, OperationDefinition> = {
  genericPredict: {
    handle: answeringProblems(genericPredict),
    variants: variantTable('data-response', 'predictions-response', 'vendor-status', 'logprobs-empty-lists', 'total-count-only'),
  },
  genericPredictStream: {
    handle: answeringProblems(genericPredictStream),
    variants: variantTable('result-wrapper', 'bare-stream-objects', 'logprobs-empty-lists', 'total-count-only', 'alternate-metric-names'),
    streamError: (message) => nativeStreamError(message),
  },
};
