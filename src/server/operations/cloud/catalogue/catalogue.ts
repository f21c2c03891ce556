/**
 * @module The reference server's SambaNova Cloud model catalogue, read once from `models.json`
 * (its one data file). Every card is checked against the spec's `CloudModel` schema when the module
 * loads, so a broken data file stops the server at start instead of failing a response check later.
 */
import { validators, type components } from '../../../../contract/sambanova-cloud.js';
import { toViolations } from '../../../../validate/violations.js';
import data from './models.json' with { type: 'json' };

/** A catalogue card as `GET /models` sends it. */
export type CloudModelCard = components['schemas']['CloudModel'];

/** The operations a model can serve; chat-style models serve the four text APIs. */
export type ModelUse = 'chat' | 'completions' | 'responses' | 'messages' | 'embeddings' | 'audio';

const modelUses: readonly ModelUse[] = ['chat', 'completions', 'responses', 'messages', 'embeddings', 'audio'];

export interface CatalogueModel {
  card: CloudModelCard;
  uses: readonly ModelUse[];
  /** Reasoning models think before they answer (a `reasoning` item, a `thinking` block). */
  reasoning: boolean;
  /** Size of the vectors of an embedding model. */
  embeddingDimensions?: number;
}

function load(): Map<string, CatalogueModel> {
  const validate = validators.retrieveModel.responses['200']['application/json'];
  const models = new Map<string, CatalogueModel>();
  for (const [index, entry] of data.models.entries()) {
    const { sambakit, ...card } = entry as typeof entry & { sambakit: { uses: string[]; reasoning: boolean; embeddingDimensions?: number } };
    const where = `models.json models[${index}] (${card.id})`;
    if (!validate(card)) throw new Error(`${where} breaks the CloudModel schema: ${JSON.stringify(toViolations(validate.errors, card))}`);
    const unknown = sambakit.uses.filter((use) => !(modelUses as readonly string[]).includes(use));
    if (unknown.length > 0 || sambakit.uses.length === 0) throw new Error(`${where}: sambakit.uses must list some of ${modelUses.join(', ')}; got ${JSON.stringify(sambakit.uses)}`);
    const uses = sambakit.uses as ModelUse[];
    const dimensions = sambakit.embeddingDimensions;
    if (uses.includes('embeddings') && !(Number.isInteger(dimensions) && dimensions! > 0)) throw new Error(`${where}: an embedding model needs sambakit.embeddingDimensions`);
    if (models.has(card.id)) throw new Error(`${where}: duplicate id`);
    models.set(card.id, { card, uses, reasoning: sambakit.reasoning, ...(dimensions !== undefined ? { embeddingDimensions: dimensions } : {}) });
  }
  return models;
}

const catalogue = load();

/** Every model, in the data file's order. */
export function allModels(): readonly CatalogueModel[] {
  return [...catalogue.values()];
}

/** The model with this exact id (ids are case-sensitive, as the service's are). */
export function findModel(id: string): CatalogueModel | undefined {
  return catalogue.get(id);
}

/** Ids of the models that serve `use`, for error messages that say what to use instead. */
export function modelIdsFor(use: ModelUse): string[] {
  return allModels().filter((model) => model.uses.includes(use)).map((model) => model.card.id);
}
