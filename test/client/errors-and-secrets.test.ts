/**
 * Typed errors and the key: every error path of the client (refused key, rate limit, server error,
 * in-stream error, timeout, cut stream, connection refused, a service that echoes the key back)
 * gives an error whose message, fields and stack hold no trace of the key. Cloud's model-output
 * errors (a 200 or a 500 carrying the raw output) are a `ModelOutputError`. Native parameters of the
 * wrong type and missing path parameters fail before anything is sent, naming the parameter.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { AuthenticationError, InvalidRequestError, ModelOutputError, SambaNovaCloud, SambaStudio, type RequestOptions } from '../../src/client/index.js';
import { specValidator } from '../../src/client/validation.js';
import { useServer } from '../helpers/server.js';
import { drain, hi, model } from './helpers.js';

const secret = 'sk-SECRET-9f8e7d6c5b4a';
const server = useServer({ apiKey: 'the-right-key' });

/** Every string reachable from the error: message, stack, own fields (headers included), cause chain. */
function everything(error: unknown): string {
  const seen = new Set<unknown>();
  const walk = (value: unknown): string => {
    if (value === null || value === undefined) return '';
    if (typeof value !== 'object') return String(value);
    if (seen.has(value)) return '';
    seen.add(value);
    if (value instanceof Headers) return [...value].join(' ');
    const parts = value instanceof Error ? [value.message, value.stack ?? ''] : [];
    for (const key of Reflect.ownKeys(value)) parts.push(walk((value as Record<PropertyKey, unknown>)[key]));
    return parts.join(' ');
  };
  return walk(error);
}

async function failure(run: () => Promise<unknown>): Promise<unknown> {
  return run().then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e,
  );
}

describe('the key never appears in an error', () => {
  const cloud = (options: RequestOptions & { baseURL?: string } = {}) => new SambaNovaCloud({ baseURL: `${server.url}/cloud/v1`, apiKey: secret, maxRetries: 0, ...options });
  const chat = (c: SambaNovaCloud, o: RequestOptions = {}) => c.chat({ model, messages: hi, max_tokens: 10 }, o);
  const fault = (name: string, extra: RequestOptions = {}) => ({ ...extra, headers: { 'x-sambakit-fault': name } });

  it('on every error path against the reference server', async () => {
    const errors = [
      await failure(() => chat(cloud())),
      await failure(() => chat(new SambaNovaCloud({ baseURL: `${server.url}/cloud/v1`, apiKey: 'the-right-key', maxRetries: 1 }), fault('rate-limit=0'))),
    ];
    expect(errors[0]).toBeInstanceOf(AuthenticationError);
    const right = new SambaNovaCloud({ baseURL: `${server.url}/cloud/v1`, apiKey: 'the-right-key', maxRetries: 0, headers: { 'x-note': secret } });
    errors.push(await failure(() => chat(right, fault('server-error'))));
    errors.push(await failure(async () => drain(await right.chat({ model, messages: hi, max_tokens: 30, stream: true }, fault('error-event')))));
    errors.push(await failure(async () => drain(await right.chat({ model, messages: hi, max_tokens: 30, stream: true }, fault('disconnect')))));
    errors.push(await failure(async () => drain(await right.chat({ model, messages: hi, max_tokens: 30, stream: true }, fault('stall=10000', { stallTimeout: 200 })))));
    errors.push(await failure(() => chat(cloud({ baseURL: 'http://127.0.0.1:9/v1' }))));
    for (const error of errors) {
      expect(error).toBeInstanceOf(Error);
      expect(everything(error)).not.toContain(secret);
      expect(everything(error)).not.toContain('the-right-key');
    }
  });

  it('a service that echoes the key back in its error body and message gets it redacted', async () => {
    const echo = createServer((request, response) => {
      request.resume();
      response.writeHead(400, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { message: `bad key ${request.headers.authorization}`, type: 'invalid_request_error' } }));
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    try {
      const error = await failure(() => chat(cloud({ baseURL: `http://127.0.0.1:${(echo.address() as AddressInfo).port}` })));
      expect((error as Error).message).toContain('[redacted]');
      expect(everything(error)).not.toContain(secret);
    } finally {
      await new Promise((resolve) => echo.close(resolve));
    }
  });

  // A 200 is an answer too: Cloud's model-output error comes with it, and a body that is not JSON is
  // handed back in the error as text.
  it.each([
    ['a model-output error body', (key: string) => JSON.stringify({ error: { code: null, message: `could not parse ${key}`, model_output: `<tool_call>${key}` } }), 'ModelOutputError'],
    ['a body that is not JSON', (key: string) => `<html>proxy error for ${key}`, 'InvalidResponseError'],
  ])('a 200 answer that echoes the key back in %s gets it redacted', async (_what, body, name) => {
    const echo = createServer((request, response) => {
      request.resume();
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(body(request.headers.authorization ?? ''));
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    try {
      const error = await failure(() => chat(cloud({ baseURL: `http://127.0.0.1:${(echo.address() as AddressInfo).port}` })));
      expect(error).toMatchObject({ name, status: 200 });
      expect((error as Error).message).toContain('[redacted]');
      expect(everything(error)).not.toContain(secret);
    } finally {
      await new Promise((resolve) => echo.close(resolve));
    }
  });
});

describe('Cloud\'s model-output error', () => {
  it('the reference server\'s model-output fault (200): a ModelOutputError holding the raw output and the body, not the key', async () => {
    const client = new SambaNovaCloud({ baseURL: `${server.url}/cloud/v1`, apiKey: 'the-right-key', maxRetries: 0, validate: 'throw', validator: specValidator('sambanova-cloud'), headers: { 'x-note': secret } });
    const error = await failure(() => client.chat({ model, messages: hi, max_tokens: 10 }, { headers: { 'x-sambakit-fault': 'model-output' } }));
    expect(error).toBeInstanceOf(ModelOutputError);
    const { body, modelOutput, status } = error as ModelOutputError & { body: { error: { model_output: string } } };
    expect(status).toBe(200);
    expect(modelOutput).toBe(body.error.model_output);
    expect(modelOutput.length).toBeGreaterThan(0);
    expect(everything(error)).not.toContain(secret);
  });

  // The reference server sends only the 200 form; a plain HTTP service answers with the two bodies the
  // vendor documents: ModelOutputError (among the 200 answers of chat) and GeneralError with
  // error_model_output (on server errors).
  const answers = {
    200: { error: { code: null, message: 'Model output could not be parsed as a tool call', model_output: '{"name": "get_weather", "arguments": {"city": ', param: null, type: 'invalid_request_error' } },
    500: { error: { message: 'Internal server error', type: 'server_error', param: null, code: null, error_model_output: '<tool_call>{"city"' }, request_id: 'req-model-output-1' },
  } as const;

  it.each([200, 500] as const)('status %i: a ModelOutputError (an APIError) holding the raw output, the body and the request id', async (status) => {
    const service = createServer((request, response) => {
      request.resume();
      response.writeHead(status, { 'content-type': 'application/json', 'x-request-id': 'req-model-output-1' });
      response.end(JSON.stringify(answers[status]));
    });
    await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
    try {
      const baseURL = `http://127.0.0.1:${(service.address() as AddressInfo).port}/v1`;
      const client = new SambaNovaCloud({ baseURL, apiKey: secret, maxRetries: 0, validate: 'throw', validator: specValidator('sambanova-cloud') });
      const error = await failure(() => client.chat({ model, messages: hi }));
      expect(error).toBeInstanceOf(ModelOutputError);
      expect(error).toMatchObject({
        status,
        requestId: 'req-model-output-1',
        body: answers[status],
        modelOutput: status === 200 ? answers[200].error.model_output : answers[500].error.error_model_output,
      });
      expect(everything(error)).not.toContain(secret);
    } finally {
      await new Promise((resolve) => service.close(resolve));
    }
  });
});

describe('bad input fails before sending, naming the field', () => {
  const sent: string[] = [];
  const studio = () => new SambaStudio({ baseURL: server.url, apiKey: 'the-right-key', project: 'p', endpoint: 'e', hooks: { onRequest: (e) => sent.push(e.url) } });

  it('a native parameter of the wrong type', async () => {
    const error = await failure(() => studio().nlp({ inputs: ['hi'], params: { max_tokens_to_generate: '100' as unknown as number } }));
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error).toMatchObject({ field: 'params.max_tokens_to_generate' });
    expect((error as Error).message).toMatch(/params\.max_tokens_to_generate: expected an integer \(int\), got string "100"/);
    const flag = await failure(() => studio().generic({ instances: ['hi'], params: { top_k: true as unknown as number } }));
    expect((flag as Error).message).toBe('params.top_k: expected an integer (int) or a number (float), got boolean true');
    expect(sent).toEqual([]);
  });

  it('plain values become the typed form the spec gives each parameter (and unknown ones by their JavaScript type)', async () => {
    const bodies: unknown[] = [];
    const client = new SambaStudio({
      baseURL: server.url,
      apiKey: 'the-right-key',
      project: 'p',
      endpoint: 'e',
      fetch: async (request) => {
        bodies.push(await request.clone().json());
        return fetch(request);
      },
    });
    await client.nlp({ inputs: ['hi'], params: { max_tokens_to_generate: 10, do_sample: false, temperature: 1, top_p: 0.9, top_k: 50, stop_sequences: ['a', "b'c"], select_expert: 'x', my_flag: true } });
    expect((bodies[0] as { params: unknown }).params).toEqual({
      max_tokens_to_generate: { type: 'int', value: '10' },
      do_sample: { type: 'bool', value: 'false' },
      temperature: { type: 'float', value: '1.0' },
      top_p: { type: 'float', value: '0.9' },
      top_k: { type: 'int', value: '50' },
      stop_sequences: { type: 'list', value: "['a', 'b\\'c']" },
      select_expert: { type: 'str', value: 'x' },
      my_flag: { type: 'bool', value: 'true' },
    });
  });

  it('a missing path parameter', async () => {
    const client = new SambaStudio({ baseURL: server.url, apiKey: 'k' });
    const error = await failure(() => client.nlp({ inputs: ['hi'] }));
    expect(error).toMatchObject({ name: 'InvalidRequestError', field: 'params.path.project_id' });
    await expect(client.nlp({ inputs: ['hi'] }, { pathParams: { project_id: 'p', endpoint_id: 'e' } })).rejects.toMatchObject({ name: 'AuthenticationError' });
  });
});
