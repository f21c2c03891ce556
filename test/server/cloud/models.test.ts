/**
 * The model catalogue (`GET /models`, `GET /models/{model_id}`) through the official `sambanova` and
 * `openai` clients: every card of the one data file, limits and prices, the 404 of an unknown id,
 * the string-prices variant; and the catalogue loader's own checks.
 * @module
 */
import { APIError as OpenAIAPIError } from 'openai';
import { NotFoundError } from 'sambanova';
import { describe, expect, it } from 'vitest';
import data from '../../../src/server/operations/cloud/catalogue/models.json' with { type: 'json' };
import { allModels, findModel } from '../../../src/server/operations/cloud/index.js';
import { useServer } from '../../helpers/server.js';
import { embeddingModel, key, openai, reasoningModel, sambanova, speechModel } from './helpers.js';

const server = useServer({ apiKey: key });

describe('the catalogue data file', () => {
  it('is loaded whole, in order, with the sambakit block kept out of the cards', () => {
    expect(allModels().map((m) => m.card.id)).toEqual(data.models.map((m) => m.id));
    for (const model of allModels()) expect(model.card).not.toHaveProperty('sambakit');
  });

  it('gives embedding models a size and reasoning models their flag', () => {
    expect(findModel(embeddingModel)?.embeddingDimensions).toBe(4096);
    expect(findModel(reasoningModel)?.reasoning).toBe(true);
    expect(findModel('Meta-Llama-3.1-8B-Instruct')?.reasoning).toBe(false);
  });
});

describe('sambanova client', () => {
  it('models.list() returns every card with its limits and prices', async () => {
    const list = await sambanova(server).models.list();
    expect(list.object).toBe('list');
    expect(list.data.map((m) => m.id)).toEqual(data.models.map((m) => m.id));
    const gptOss = list.data.find((m) => m.id === reasoningModel)!;
    expect(gptOss).toMatchObject({ object: 'model', owned_by: 'OpenAI', context_length: 131072, max_completion_tokens: 131072 });
    expect(gptOss.pricing?.prompt).toBeTypeOf('number');
    expect(list.data.find((m) => m.id === speechModel)?.pricing?.duration_per_hour).toBe(0.5);
  });

  it('models.retrieve(id) returns one card', async () => {
    const model = await sambanova(server).models.retrieve('DeepSeek-V3.1');
    expect(model).toMatchObject({ id: 'DeepSeek-V3.1', context_length: 32768, max_completion_tokens: 7168, sn_metadata: {} });
  });

  it('models.retrieve of an unknown id is a 404 in the simple form the vendor documents ({"error": string})', async () => {
    const error = await sambanova(server).models.retrieve('Llama-9').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    const body = (error as NotFoundError).error as any;
    expect(Object.keys(body)).toEqual(['error']);
    expect(typeof body.error).toBe('string');
    expect(body.error).toContain('Llama-9');
  });

  it('the string-prices variant sends prices as decimal strings', async () => {
    const model = await sambanova(server, { 'x-sambakit-variant': 'string-prices' }).models.retrieve(reasoningModel);
    expect(model.pricing).toMatchObject({ prompt: '0.00000022', completion: '0.00000059' });
  });
});

describe('openai client', () => {
  it('models.list() pages over the same cards', async () => {
    const ids: string[] = [];
    for await (const model of openai(server).models.list()) ids.push(model.id);
    expect(ids).toEqual(data.models.map((m) => m.id));
  });

  it('models.retrieve(id) and its 404', async () => {
    expect((await openai(server).models.retrieve(embeddingModel)).id).toBe(embeddingModel);
    const error = await openai(server).models.retrieve('nope').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAIAPIError);
    expect((error as OpenAIAPIError).status).toBe(404);
    expect((error as OpenAIAPIError).message).toContain('nope');
  });
});
