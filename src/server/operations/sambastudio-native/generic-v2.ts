/**
 * Generic API v2: `{"items": [{"id", "value"}], "params": {plain}}`, the same body for predict and
 * stream. Every item is answered under its id, or, when it has none, under its position in the
 * list (vendor docs). The items run as one batch: predict answers them together under `items`;
 * the stream interleaves their lines (`{"result": {"items": [{"id", "value"}]}}`) and `id` tells
 * them apart. `ss-sn-options: disable-dynamic-batch` runs each item on its own (batch size 1).
 * @module
 */
import type { components } from '../../../contract/sambastudio.js';
import type { OperationDefinition, OperationRequest, OperationResult } from '../types.js';
import { answerStyle } from './generation-object.js';
import { answeringProblems } from './native-error.js';
import { nativeStream } from './native-stream.js';
import { readPlainParams } from './plain-params.js';
import { answerTexts, batchGenerations } from './predict-answers.js';
import { nativeStreamError } from './stream-error.js';
import { requestClock } from './stream-metrics.js';
import { variantTable } from './variants.js';

type V2Request = components['schemas']['SambaStudioV2Request'];
type V2PredictResponse = components['schemas']['SambaStudioV2PredictResponse'];
type V2StreamResult = components['schemas']['SambaStudioV2StreamResult'];
type ItemId = components['schemas']['SambaStudioV2ItemId'];

/** Each item's id: its own, else its position (a number, or as text with `string-default-ids`). */
function itemIds(body: V2Request, variant: string | undefined): ItemId[] {
  return body.items.map((item, index) => item.id ?? (variant === 'string-default-ids' ? String(index) : index));
}

async function answerItems(request: OperationRequest) {
  const body = request.body as V2Request;
  const completions = await answerTexts(body.items.map((item) => item.value), '/body/items', readPlainParams(body.params), request);
  return { body, completions };
}

/** `ss-sn-options` is a comma-separated list; `disable-dynamic-batch` is the documented option. */
function batchSize(request: OperationRequest, items: number): number {
  const options = (request.headers.get('ss-sn-options') ?? '').split(',').map((option) => option.trim());
  return options.includes('disable-dynamic-batch') ? 1 : items;
}

async function genericV2Predict(request: OperationRequest): Promise<OperationResult> {
  const { body, completions } = await answerItems(request);
  const answers = await batchGenerations(completions, request);
  const ids = itemIds(body, request.variant);
  const response: V2PredictResponse = {
    items: answers.map((value, index) => ({ id: ids[index]!, partial: false, value, params: {}, status: null })),
  };
  return { kind: 'json', body: response };
}

async function genericV2PredictStream(request: OperationRequest): Promise<OperationResult> {
  const clock = requestClock(request.arrival);
  const { body, completions } = await answerItems(request);
  const ids = itemIds(body, request.variant);
  const produce = nativeStream({
    request,
    clock,
    completions,
    order: 'interleaved',
    form: 'minimal',
    style: answerStyle(request.variant),
    batchSize: batchSize(request, completions.length),
    frame: (object, answer) => {
      const line: V2StreamResult = { result: { items: [{ id: ids[answer]!, value: object }] } };
      return { kind: 'item', value: line };
    },
  });
  return { kind: 'stream', mediaType: 'application/jsonl', produce };
}

export const genericV2Operations: Record<string, OperationDefinition> = {
  genericV2Predict: {
    handle: answeringProblems(genericV2Predict),
    variants: variantTable('string-default-ids', 'logprobs-empty-lists', 'total-count-only'),
  },
  genericV2PredictStream: {
    handle: answeringProblems(genericV2PredictStream),
    variants: variantTable('string-default-ids', 'logprobs-empty-lists', 'total-count-only', 'alternate-metric-names'),
    streamError: (message) => nativeStreamError(message),
  },
};
