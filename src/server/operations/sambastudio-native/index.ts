/**
 * SambaStudio's native APIs: NLP, Generic v1 (text and multimodal), Generic v2, file predict
 * (ASR), by operationId. Each family lives in its own file; what they share (typed and plain
 * parameters, the fake model call, stream objects, pacing and metrics, in-stream errors, variants)
 * lives beside them once.
 * @module
 */
import type { OperationDefinition } from '../types.js';
import { genericV1Operations } from './generic-v1.js';
import { genericV2Operations } from './generic-v2.js';
import { nlpOperations } from './nlp.js';
import { predictFileOperations } from './predict-file.js';

export const sambaStudioNativeOperations: Record<string, OperationDefinition> = {
  ...nlpOperations,
  ...genericV1Operations,
  ...genericV2Operations,
  ...predictFileOperations,
};
