/**
 * What every native operation shares: the `key` header (the spec's `endpointKey` scheme; Bearer
 * is the OpenAI-compatible API's scheme, not theirs), errors in the native shape (and as
 * `{"detail"}` with `detail-error`), and the variant table: every declared variant answers inside
 * the spec, and an unknown one is a 400 listing the known ones.
 */
import { describe, expect, it } from 'vitest';
import { sambaStudioNativeOperations } from '../../../src/server/operations/sambastudio-native/index.js';
import { KEY, nativeServer, typed } from './helpers.js';
import { wav } from '../../helpers/audio.js';
import { base64, fixture, images } from './media.js';

interface Call {
  path: string;
  stream: boolean;
  /** A fresh request body and its content type (multipart bodies cannot be sent twice). */
  body: () => { body: string | FormData; headers: Record<string, string> };
}

const json = (value: unknown) => () => ({ body: JSON.stringify(value), headers: { 'content-type': 'application/json' } });
const small = { max_tokens_to_generate: typed.int(3) };

/** A valid request for each native operation. */
const calls: Record<string, Call> = {
  nlpPredict: { path: '/api/predict/nlp/p/e', stream: false, body: json({ inputs: ['Hi'], params: small }) },
  nlpPredictStream: { path: '/api/predict/nlp/stream/p/e', stream: true, body: json({ inputs: ['Hi'], params: small }) },
  genericPredict: { path: '/api/predict/generic/p/e', stream: false, body: json({ instances: [{ prompt: 'What is it?', image_content: base64(fixture(images.gif.file)) }], params: small }) },
  genericPredictStream: { path: '/api/predict/generic/stream/p/e', stream: true, body: json({ instance: 'Hi', params: small }) },
  genericV2Predict: { path: '/api/v2/predict/generic/p/e', stream: false, body: json({ items: [{ value: 'Hi' }], params: { max_tokens_to_generate: 3 } }) },
  genericV2PredictStream: { path: '/api/v2/predict/generic/stream/p/e', stream: true, body: json({ items: [{ value: 'Hi' }], params: { max_tokens_to_generate: 3 } }) },
  predictFile: {
    path: '/api/predict/file/p/e',
    stream: false,
    body: () => {
      const form = new FormData();
      form.append('predict_file', new Blob([wav(16_000, 1)], { type: 'audio/wav' }), 'a.wav');
      return { body: form, headers: {} };
    },
  },
};

describe('native operations: auth, errors, variants', () => {
  const server = nativeServer();

  const send = (call: Call, headers: Record<string, string>) => {
    const { body, headers: contentType } = call.body();
    return fetch(`${server().url}${call.path}`, { method: 'POST', headers: { ...contentType, ...headers }, body });
  };

  it('the table covers every native operation of the spec', () => {
    expect(Object.keys(sambaStudioNativeOperations).sort()).toEqual(Object.keys(calls).sort());
  });

  describe.each(Object.entries(calls))('%s', (_operationId, call) => {
    it('a missing key is 401 in the native shape, saying to send the `key` header', async () => {
      const response = await send(call, {});
      expect(response.status).toBe(401);
      const body = (await response.json()) as any;
      expect(body.error).toMatchObject({ code: 401, message: 'Missing API key: send it in a `key` header.' });
    });

    it('a wrong key is 401; Bearer is not this API\'s scheme', async () => {
      expect((await send(call, { key: 'wrong-key' })).status).toBe(401);
      const bearer = await send(call, { authorization: `Bearer ${KEY}` });
      expect(bearer.status).toBe(401);
      expect(((await bearer.json()) as any).error.message).toMatch(/`key` header/);
    });

    it('with detail-error, the 401 is {"detail": ...}', async () => {
      const response = await send(call, { 'x-sambakit-variant': 'detail-error' });
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ detail: 'Missing API key: send it in a `key` header.' });
    });

    it('the right key passes', async () => {
      const response = await send(call, { key: KEY });
      expect(response.status).toBe(200);
      await response.text();
    });

    it('every declared variant answers 200 inside the spec', async () => {
      const variants = Object.keys(sambaStudioNativeOperations[_operationId]!.variants ?? {});
      expect(variants.length).toBeGreaterThan(0);
      for (const variant of variants) {
        const response = await send(call, { key: KEY, 'x-sambakit-variant': variant });
        expect(response.status, variant).toBe(200);
        const text = await response.text();
        expect(text.length).toBeGreaterThan(0);
        if (call.stream) expect(text).toMatch(/"is_last_response":true/);
      }
      // The server's own check ran on every body and line above; afterEach asserts it found nothing.
    });

    it('an unknown variant is a 400 listing the known ones', async () => {
      const response = await send(call, { key: KEY, 'x-sambakit-variant': 'no-such-variant' });
      expect(response.status).toBe(400);
      const message = ((await response.json()) as any).error.message as string;
      expect(message).toContain('"no-such-variant" is not a variant of');
      for (const variant of ['detail-error', ...Object.keys(sambaStudioNativeOperations[_operationId]!.variants ?? {})]) expect(message).toContain(variant);
    });
  });
});
