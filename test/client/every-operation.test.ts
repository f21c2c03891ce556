/**
 * Every JSON operation of the three specs, called by operationId with every request example the
 * spec gives it, against the reference server: answers and stream items parse, come typed, and
 * pass the generated validators (`validate: 'throw'`); streams end as their framing says.
 */
import { describe, expect, it } from 'vitest';
import { contracts, type ApiName } from '../../src/contract/index.js';
import { APIError, ItemStream, UnprocessableEntityError } from '../../src/client/index.js';
import { bundled } from '../helpers/spec.js';
import { useServer } from '../helpers/server.js';
import { clientsFor, drain } from './helpers.js';

type Doc = Record<string, any>;

/** Request examples of an operation, resolved. */
function examplesOf(doc: Doc, path: string, method: string): Array<{ name: string; value: unknown }> {
  const resolve = (v: any): any => (v?.$ref ? resolve(v.$ref.slice(2).split('/').reduce((n: any, k: string) => n?.[k], doc)) : v);
  const body = resolve(doc.paths[path][method].requestBody);
  const examples = body?.content?.['application/json']?.examples ?? {};
  return Object.entries(examples).map(([name, example]) => ({ name, value: resolve(example).value }));
}

const server = useServer();

/**
 * Examples the server refuses by design, each with the typed error the client must throw: the
 * vendor's placeholder image bytes are not an image, and the Python-spelling and long-context
 * examples ask for more max_tokens_to_generate than, with their prompt, fits the default endpoint
 * context of 2048 (the native APIs answer that with 422).
 */
const refused: Record<string, typeof APIError> = {
  'genericPredict vendorMultimodal': UnprocessableEntityError,
  'genericPredict pythonSpelling': UnprocessableEntityError,
  'genericPredict longContext': UnprocessableEntityError,
  'nlpPredict pythonSpelling': UnprocessableEntityError,
};

describe.each(['sambanova-cloud', 'sambastudio', 'lmi'] as ApiName[])('every JSON operation of %s, every request example', (api) => {
  const doc = bundled(api);
  const cases = Object.values(contracts[api].operationTable).flatMap((op) =>
    op.request.mediaTypes[0] === 'multipart/form-data' ? [] : op.request.mediaTypes.length === 0 ? [{ op, name: 'no body', value: undefined }] : examplesOf(doc, op.path, op.method.toLowerCase()).map((e) => ({ op, ...e })),
  );

  it.each(cases.map((c) => [`${c.op.operationId} ${c.name}`, c] as const))('%s', async (label, { op, value }) => {
    const clients = clientsFor(server);
    const client = api === 'sambanova-cloud' ? clients.cloud : api === 'sambastudio' ? clients.studio : clients.lmi;
    const params = op.path.includes('{model_id}') ? { path: { model_id: 'Meta-Llama-3.3-70B-Instruct' } } : undefined;
    const streams = Object.keys(op.streams).length > 0;
    const streamOnly = streams && !op.operationId.startsWith('create') && op.operationId.endsWith('Stream');
    const asksStream = (value as { stream?: unknown } | undefined)?.stream === true;
    const input = { body: value, params } as never;
    if (streamOnly || asksStream) {
      const stream = await (client as any).stream(op.operationId, input);
      expect(stream).toBeInstanceOf(ItemStream);
      const items = await drain(stream as AsyncIterable<unknown>);
      expect(items.length).toBeGreaterThan(0);
    } else if (refused[label]) {
      const error = await (client as any).request(op.operationId, input).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(refused[label]);
      expect((error as APIError).requestId).toMatch(/\S/);
    } else {
      const answer = await (client as any).request(op.operationId, input);
      expect(answer).toBeDefined();
      if (Array.isArray(value)) expect(answer).toHaveLength(value.length);
    }
  });
});
