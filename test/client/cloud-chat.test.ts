/**
 * The chat-only Cloud client (`SambaNovaCloudChat`) against the reference server: the same answers,
 * streams, key handling and typed errors as `SambaNovaCloud.chat` (its faults are in faults.test.ts,
 * beside the full client's), and a client built without request encoders refuses, before sending,
 * an operation it cannot write, and one without a framing's decoder a stream it cannot read.
 */
import { describe, expect, it } from 'vitest';
import { createChatCompletion_operation, createTranscription_operation, retrieveModel_operation } from '../../src/contract/sambanova-cloud.js';
import { AuthenticationError, InvalidRequestError, InvalidResponseError, SambaNovaCloud, SambaNovaCloudChat, collectChat, type SambaNovaCloudTypes } from '../../src/client/index.js';
import { OperationClient } from '../../src/client/operation-client.js';
import { useServer } from '../helpers/server.js';
import { hi, model } from './helpers.js';

const server = useServer({ apiKey: 'the-right-key' });
const baseURL = () => `${server.url}/cloud/v1`;

describe('SambaNovaCloudChat', () => {
  it('answers chat whole and streamed as SambaNovaCloud does, with the key sent as Bearer', async () => {
    const request = { model, messages: hi, max_tokens: 12, temperature: 0, stream_options: { include_usage: true } };
    const chat = new SambaNovaCloudChat({ baseURL: baseURL(), apiKey: 'the-right-key' });
    const full = new SambaNovaCloud({ baseURL: baseURL(), apiKey: 'the-right-key' });
    const { stream_options: _options, ...whole } = request;
    const answer = await chat.chat(whole);
    expect(answer.choices[0]?.message.content).toBe((await full.chat(whole)).choices[0]?.message.content);
    const collected = await collectChat(await chat.chat({ ...request, stream: true }));
    const reference = await collectChat(await full.chat({ ...request, stream: true }));
    expect(collected.choices[0]?.message.content).toBe(reference.choices[0]?.message.content);
    expect(collected.choices[0]?.message.content).toBe(answer.choices[0]?.message.content);
    expect(collected.usage?.completion_tokens).toBe(reference.usage?.completion_tokens);
  });

  it('refuses validation asked without a validator, per client or per call, before sending (it would check nothing)', async () => {
    const sent: string[] = [];
    const fetch = async (request: Request) => {
      sent.push(request.url);
      return globalThis.fetch(request);
    };
    const validating = new SambaNovaCloudChat({ baseURL: baseURL(), apiKey: 'the-right-key', validate: 'throw', fetch });
    const plain = new SambaNovaCloudChat({ baseURL: baseURL(), apiKey: 'the-right-key', fetch });
    for (const call of [validating.chat({ model, messages: hi }), plain.chat({ model, messages: hi, stream: true }, { validate: 'warn' })]) {
      const error = await call.catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(InvalidRequestError);
      expect((error as InvalidRequestError).field).toBe('validator');
      expect((error as Error).message).toBe('validate needs a validator');
    }
    expect(sent).toEqual([]);
    expect((await plain.chat({ model, messages: hi, max_tokens: 4 })).object).toBe('chat.completion');
    expect(sent).toHaveLength(1);
  });

  it('a refused key is an AuthenticationError that does not hold the key', async () => {
    const chat = new SambaNovaCloudChat({ baseURL: baseURL(), apiKey: 'sk-wrong-8d1e', maxRetries: 0 });
    const error = await chat.chat({ model, messages: hi }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).status).toBe(401);
    expect(JSON.stringify({ ...(error as object), message: (error as Error).message })).not.toContain('sk-wrong-8d1e');
  });
});

/** A client over operations it has no encoders or stream decoders for: what a subclass author gets for a mistake. */
class BareCloud extends OperationClient<SambaNovaCloudTypes> {
  constructor(sent: string[]) {
    const fetch = async (request: Request) => {
      sent.push(request.url);
      if (request.url.endsWith('/chat/completions')) return new Response('data: {}\n\ndata: [DONE]\n\n', { headers: { 'content-type': 'text/event-stream' } });
      return new Response('{}', { headers: { 'content-type': 'application/json' } });
    };
    super({ fetch }, { baseURL: 'http://127.0.0.1:9' }, {});
  }

  chat = this.streamableOperation(createChatCompletion_operation);

  transcribe(body: unknown) {
    return this.callOperation(createTranscription_operation, { body }, undefined, 'answer');
  }

  retrieve(modelId: string) {
    return this.callOperation(retrieveModel_operation, { params: { path: { model_id: modelId } } }, undefined, 'answer');
  }
}

describe('a client without request encoders', () => {
  it('refuses a multipart body and path parameters before sending, naming the operation and what it cannot write', async () => {
    const sent: string[] = [];
    const client = new BareCloud(sent);
    const multipart = await client.transcribe({ file: new Blob(['x']), model: 'Whisper-Large-v3' }).catch((thrown: unknown) => thrown);
    expect(multipart).toBeInstanceOf(InvalidRequestError);
    expect((multipart as InvalidRequestError).field).toBe('body');
    expect((multipart as Error).message).toMatch(/createTranscription takes a multipart body/);
    const path = await client.retrieve('gpt-oss-120b').catch((thrown: unknown) => thrown);
    expect(path).toBeInstanceOf(InvalidRequestError);
    expect((path as InvalidRequestError).field).toBe('params');
    expect((path as Error).message).toMatch(/retrieveModel takes path or query parameters/);
    expect(sent).toEqual([]);
  });

  it('refuses a stream in a framing it has no decoder for, naming the media type, and closes the body', async () => {
    const client = new BareCloud([]);
    const error = await client.chat({ model, messages: hi, stream: true }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect((error as Error).message).toBe('createChatCompletion answered with text/event-stream, a stream this client does not read: call it through its API\'s full client');
  });
});
