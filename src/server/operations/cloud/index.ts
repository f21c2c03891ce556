/**
 * @module SambaNova Cloud's operations beyond chat completions: text completions, embeddings, audio,
 * the model catalogue, the Responses API and the Messages API; plus the model check that chat
 * completions share with them (`checkCloudModel`).
 */
import type { OperationDefinition } from '../types.js';
import { audioOperation } from './audio/audio.js';
import { createCompletion } from './completions.js';
import { createEmbedding } from './embeddings.js';
import { messageOperations } from './messages/messages.js';
import { modelOperations } from './models.js';
import { createResponse } from './responses/responses.js';

export { checkCloudModel, type ModelCheck, type ModelCheckInput } from './catalogue/model-check.js';
export { allModels, findModel, type CatalogueModel, type CloudModelCard, type ModelUse } from './catalogue/catalogue.js';

export const cloudOperations: Record<string, OperationDefinition> = {
  createCompletion,
  createEmbedding,
  createTranscription: audioOperation('transcription'),
  createTranslation: audioOperation('translation'),
  ...modelOperations,
  createResponse,
  ...messageOperations,
};
