/**
 * `POST /embeddings` through the official `sambanova` and `openai` clients: one text or a list,
 * float arrays or base64 (the `openai` client's default, decoded by it), unit-length vectors sized by
 * the catalogue, deterministic and meaningful (shared words point the same way); and the refusals
 * (unknown model, a model that does not embed, a text over the model's context).
 * @module
 */
import { BadRequestError, NotFoundError } from 'sambanova';
import { describe, expect, it } from 'vitest';
import { base64Floats } from '../../../src/server/operations/cloud/embeddings.js';
import { useServer } from '../../helpers/server.js';
import { chatModel, cosine, embeddingModel, key, norm, openai, post, sambanova } from './helpers.js';

const server = useServer({ apiKey: key });

const texts = ['The river floods the valley in spring.', 'In spring the valley river floods.', 'Quarterly revenue of the software company grew.'];

describe('sambanova client: embeddings.create', () => {
  it('one text (required parameters only): one unit vector of the model\'s size', async () => {
    const result = await sambanova(server).embeddings.create({ model: embeddingModel, input: texts[0]! });
    expect(result).toMatchObject({ object: 'list', model: embeddingModel });
    expect(result.data).toHaveLength(1);
    const vector = result.data[0]!.embedding!;
    expect(vector).toHaveLength(4096);
    expect(norm(vector)).toBeCloseTo(1, 6);
    expect(result.usage).toMatchObject({ prompt_tokens: expect.any(Number), total_tokens: result.usage!.prompt_tokens });
  });

  it('a list of texts, with encoding_format float: one vector per text in order, deterministic and meaningful', async () => {
    const client = sambanova(server);
    const result = await client.embeddings.create({ model: embeddingModel, input: texts, encoding_format: 'float' });
    expect(result.data.map((d) => d.index)).toEqual([0, 1, 2]);
    const [a, b, c] = result.data.map((d) => d.embedding!);
    expect(cosine(a!, b!)).toBeGreaterThan(cosine(a!, c!) + 0.3);
    const again = await client.embeddings.create({ model: embeddingModel, input: texts[0]! });
    expect(again.data[0]!.embedding).toEqual(a);
  });

  it('an unknown model is 404, a chat model 400, a text over the model\'s context 400 naming it', async () => {
    const client = sambanova(server);
    expect(await client.embeddings.create({ model: 'nope', input: 'x' }).catch((e: unknown) => e)).toBeInstanceOf(NotFoundError);
    const chat = await client.embeddings.create({ model: chatModel, input: 'x' }).catch((e: unknown) => e);
    expect(chat).toBeInstanceOf(BadRequestError);
    expect((chat as any).error.error.message).toMatch(/not an embedding model; use one of: E5-Mistral-7B-Instruct/);
    const long = await client.embeddings.create({ model: embeddingModel, input: ['short', 'word '.repeat(5000)] }).catch((e: unknown) => e);
    expect(long).toBeInstanceOf(BadRequestError);
    expect((long as any).error.error.param).toBe('input.1');
  });
});

describe('openai client: embeddings.create', () => {
  it('by default asks for base64 and decodes it to the same floats (to float32 precision)', async () => {
    const decoded = await openai(server).embeddings.create({ model: embeddingModel, input: texts[1]! });
    const floats = await sambanova(server).embeddings.create({ model: embeddingModel, input: texts[1]! });
    const vector = decoded.data[0]!.embedding;
    expect(vector).toHaveLength(4096);
    const expected = floats.data[0]!.embedding!;
    expect(vector.every((v, i) => Math.abs(v - expected[i]!) < 1e-6)).toBe(true);
  });

  it('with every optional parameter: dimensions and user, which the vendor does not document, are ignored', async () => {
    const result = await openai(server).embeddings.create({ model: embeddingModel, input: texts, dimensions: 256, encoding_format: 'float', user: 'user-42' });
    expect(result.data.map((d) => d.embedding.length)).toEqual([4096, 4096, 4096]);
  });

  it('encoding_format float answers numbers; base64 raw is little-endian float32', async () => {
    const result = await openai(server).embeddings.create({ model: embeddingModel, input: [texts[2]!], encoding_format: 'float' });
    expect(norm(result.data[0]!.embedding)).toBeCloseTo(1, 6);
    const raw = await post(server, '/embeddings', { model: embeddingModel, input: texts[2], encoding_format: 'base64' });
    const body = (await raw.json()) as any;
    expect(body.data[0].embedding).toBe(base64Floats(result.data[0]!.embedding));
  });
});
