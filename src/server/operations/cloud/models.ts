/**
 * @module `GET /models` and `GET /models/{model_id}`: the catalogue cards of `catalogue/models.json`,
 * prices as numbers (the documented form) or, in the observed variant, as decimal strings. An
 * unknown id is a 404 in the simple error form the vendor documents for this operation.
 */
import type { OperationDefinition, OperationRequest, OperationResult } from '../types.js';
import { allModels, findModel, type CloudModelCard } from './catalogue/catalogue.js';
import { unknownModel } from './catalogue/model-check.js';

const variants = {
  'string-prices': 'per-token prices as decimal strings ("0.00000060"), as client test fixtures modelled on the live catalogue show them, instead of numbers',
};

/** A card as sent: prices as numbers, or with the variant as 8-decimal strings. */
function cardFor(card: CloudModelCard, request: OperationRequest): CloudModelCard {
  if (request.variant !== 'string-prices' || !card.pricing) return card;
  const decimal = (value: unknown) => (typeof value === 'number' ? value.toFixed(8) : value);
  return { ...card, pricing: { ...card.pricing, prompt: decimal(card.pricing.prompt) as string, completion: decimal(card.pricing.completion) as string } };
}

function listModels(request: OperationRequest): OperationResult {
  return { kind: 'json', body: { object: 'list', data: allModels().map((model) => cardFor(model.card, request)) } };
}

function retrieveModel(request: OperationRequest): OperationResult {
  const id = request.params.model_id ?? '';
  const model = findModel(id);
  // The vendor documents this operation's 404 in the simple form only, `{"error": "<text>"}`.
  if (!model) return { kind: 'json', status: 404, body: { error: unknownModel(id, 'model_id').message } };
  return { kind: 'json', body: cardFor(model.card, request) };
}

export const modelOperations: Record<string, OperationDefinition> = {
  listModels: { handle: listModels, variants },
  retrieveModel: { handle: retrieveModel, variants },
};
