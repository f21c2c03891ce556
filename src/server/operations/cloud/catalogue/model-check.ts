/**
 * @module The model checks every Cloud generation operation makes before it generates: the model
 * must be in the catalogue (else 404 `model_not_found`, the service's answer for an unknown or
 * unavailable model), must serve the operation (an embedding model cannot chat: 400), and the
 * output budget asked for must not pass the model's `max_completion_tokens` (400, with the broken
 * rule as a violation so that the error code reads `value_above_max_value`).
 *
 * Chat completions call it too: `checkCloudModel({ model: body.model, use: 'chat', maxTokens:
 * { value: body.max_completion_tokens ?? body.max_tokens, param: ... } })`.
 */
import { violation } from '../../../../validate/violations.js';
import type { Problem } from '../../../error-styles.js';
import { cutName } from '../../shared/quoted-name.js';
import { findModel, modelIdsFor, type CatalogueModel, type ModelUse } from './catalogue.js';

export interface ModelCheckInput {
  /** The request's `model` (path parameter `model_id` for GET /models/{model_id}). */
  model: unknown;
  use: ModelUse;
  /** Request field that named the model, for `param` (default `model`). */
  modelParam?: string;
  /** The output budget the request asks for and the field that holds it (`max_tokens`, `max_output_tokens`...). */
  maxTokens?: { value: unknown; param: string };
}

export type ModelCheck = { ok: true; model: CatalogueModel } | { ok: false; problem: Problem };

const useNames: Record<ModelUse, string> = {
  chat: 'a chat model',
  completions: 'a text completion model',
  responses: 'a model of the Responses API',
  messages: 'a model of the Messages API',
  embeddings: 'an embedding model',
  audio: 'a speech recognition model',
};

/** The service's answer for a model that is not in the catalogue. */
export function unknownModel(id: string, param: string): Problem {
  const cut = cutName(id);
  const shown = cut === undefined ? id : `${cut}… (${id.length} characters)`;
  return { kind: 'model_not_found', param, message: `Model \`${shown}\` does not exist or is not available to this key; GET /models lists the models it may use.` };
}

export function checkCloudModel(input: ModelCheckInput): ModelCheck {
  const param = input.modelParam ?? 'model';
  const id = typeof input.model === 'string' ? input.model : '';
  const model = findModel(id);
  if (!model) return { ok: false, problem: unknownModel(id, param) };
  if (!model.uses.includes(input.use)) {
    return {
      ok: false,
      problem: { kind: 'invalid_request', param, message: `Model \`${id}\` is not ${useNames[input.use]}; use one of: ${modelIdsFor(input.use).join(', ')}.` },
    };
  }
  const limit = model.card.max_completion_tokens;
  const asked = input.maxTokens?.value;
  if (input.maxTokens && limit !== undefined && typeof asked === 'number' && asked > limit) {
    const field = input.maxTokens.param;
    return {
      ok: false,
      problem: {
        kind: 'invalid_request',
        param: field,
        message: `${field} is ${asked}, above the ${limit} output tokens model \`${id}\` can generate (its max_completion_tokens).`,
        violations: [violation(`/body/${field}`, 'maximum', `at most ${limit} (max_completion_tokens of ${id})`, asked)],
      },
    };
  }
  return { ok: true, model };
}
