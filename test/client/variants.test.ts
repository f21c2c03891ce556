/**
 * Every observed wire variant of the reference server (`x-sambakit-variant`), for every operation
 * that has variants, whole and streamed: the client reads each one, typed and valid against the
 * spec (`validate: 'throw'`), and streams end complete. The variants are discovered from the server
 * (an unknown variant is answered with the list), so a new one is tested without editing this file.
 */
import { describe, expect, it } from 'vitest';
import { BadRequestError, type RequestOptions } from '../../src/client/index.js';
import { wav } from '../helpers/audio.js';
import { useServer } from '../helpers/server.js';
import { clientsFor, drain, hi, model } from './helpers.js';

const server = useServer();
type Clients = ReturnType<typeof clientsFor>;
type Run = (c: Clients, o: RequestOptions) => Promise<unknown>;

const params = { max_tokens_to_generate: 8 };
const audio = () => ({ data: wav(16_000, 1), name: 'a.wav', type: 'audio/wav' });
/** Per operation with variants: a whole call and, where it streams, a streamed one read to its end. */
const calls: Record<string, { whole?: Run; stream?: Run }> = {
  'sambastudio createChatCompletion': {
    whole: (c, o) => c.studio.chat({ model, messages: hi, max_tokens: 8 }, o),
    stream: async (c, o) => drain(await c.studio.chat({ model, messages: hi, max_tokens: 8, stream: true }, o)),
  },
  'sambastudio nlpPredict': { whole: (c, o) => c.studio.nlp({ inputs: ['hi'], params }, o) },
  'sambastudio nlpPredictStream': { stream: async (c, o) => drain(await c.studio.nlp({ inputs: ['hi'], params, stream: true }, o)) },
  'sambastudio genericPredict': { whole: (c, o) => c.studio.generic({ instances: ['hi'], params }, o) },
  'sambastudio genericPredictStream': { stream: async (c, o) => drain(await c.studio.generic({ instance: 'hi', params, stream: true }, o)) },
  'sambastudio genericV2Predict': { whole: (c, o) => c.studio.genericV2({ items: [{ value: 'hi' }], params }, o) },
  'sambastudio genericV2PredictStream': { stream: async (c, o) => drain(await c.studio.genericV2({ items: [{ value: 'hi' }], params, stream: true }, o)) },
  'sambastudio predictFile': { whole: (c, o) => c.studio.transcribe(audio(), o) },
  'sambanova-cloud createChatCompletion': {
    whole: (c, o) => c.cloud.chat({ model, messages: hi, max_tokens: 8 }, o),
    stream: async (c, o) => drain(await c.cloud.chat({ model, messages: hi, max_tokens: 8, stream: true, stream_options: { include_usage: true } }, o)),
  },
  'sambanova-cloud createCompletion': {
    whole: (c, o) => c.cloud.completions({ model, prompt: 'hi', max_tokens: 8 }, o),
    stream: async (c, o) => drain(await c.cloud.completions({ model, prompt: 'hi', max_tokens: 8, stream: true }, o)),
  },
  'sambanova-cloud listModels': { whole: (c, o) => c.cloud.models.list(o) },
  'sambanova-cloud retrieveModel': { whole: (c, o) => c.cloud.models.retrieve('gpt-oss-120b', o) },
  'lmi createChatCompletion': {
    whole: (c, o) => c.lmi.chat({ messages: hi, max_tokens: 8 }, o),
    stream: async (c, o) => drain(await c.lmi.chat({ messages: hi, max_tokens: 8, stream: true }, o)),
  },
  'lmi invoke': {
    whole: (c, o) => c.lmi.invoke({ messages: hi, max_tokens: 8 }, o),
    stream: async (c, o) => drain(await c.lmi.invoke({ messages: hi, max_tokens: 8, stream: true }, o)),
  },
  'lmi invoke, LMI schema': {
    whole: (c, o) => c.lmi.invoke({ inputs: 'hi', parameters: { max_new_tokens: 8, details: true } }, o),
    stream: async (c, o) => drain(await c.lmi.invoke({ inputs: 'hi', parameters: { max_new_tokens: 8, details: true }, stream: true }, o)),
  },
};

/** The variants the server lists for an operation (its 400 for an unknown one names them). */
async function variantsOf(run: Run): Promise<string[]> {
  const error = await run(clientsFor(server), { headers: { 'x-sambakit-variant': 'no-such-variant' } }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BadRequestError);
  const match = /use one of: ([^.]*)\./.exec((error as Error).message);
  return match?.[1]?.split(', ') ?? [];
}

describe.each(Object.entries(calls))('%s', (_op, { whole, stream }) => {
  it('every variant the server lists is read, typed and valid, whole and streamed', async () => {
    const variants = await variantsOf((whole ?? stream)!);
    expect(variants.length).toBeGreaterThan(0);
    for (const variant of variants) {
      const options = { headers: { 'x-sambakit-variant': variant } };
      for (const run of [whole, stream]) {
        if (!run) continue;
        const result = await run(clientsFor(server), options);
        if (Array.isArray(result)) expect(result.length, variant).toBeGreaterThan(0);
        else expect(result, variant).toBeDefined();
      }
    }
  });
});

describe('variants of error forms', () => {
  const both = (variant: string, fault: string) => ({ headers: { 'x-sambakit-variant': variant, 'x-sambakit-fault': fault }, maxRetries: 0 });

  it('an in-stream error as a plain data event (SambaStudio) and under event error_event (Cloud) is a StreamError "error-event"', async () => {
    const studio = await drain(await clientsFor(server).studio.chat({ model, messages: hi, max_tokens: 30, stream: true }, both('error-data-event', 'error-event'))).catch((e: unknown) => e);
    expect(studio).toMatchObject({ name: 'StreamError', failure: 'error-event' });
    const cloud = await drain(await clientsFor(server).cloud.chat({ model, messages: hi, max_tokens: 30, stream: true }, both('error-event-error_event', 'error-event'))).catch((e: unknown) => e);
    expect(cloud).toMatchObject({ name: 'StreamError', failure: 'error-event' });
  });

  it('FastAPI-style {"detail"} error bodies give the error its message', async () => {
    const error = await clientsFor(server).studio.nlp({ inputs: ['hi'], params }, both('detail-error', 'server-error')).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'InternalServerError', status: 500 });
    expect((error as { body: { detail: string } }).body.detail).toMatch(/\S/);
    expect((error as Error).message).toContain((error as { body: { detail: string } }).body.detail);
  });
});
