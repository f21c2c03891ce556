/**
 * Every fault of the reference server (`x-sambakit-fault`), on the streams of every framing and on
 * the whole answers of every operation, with real timers: each surfaces as the right typed error, with the items that came
 * before it, and retryable failures are retried.
 */
import { describe, expect, it } from 'vitest';
import {
  APIConnectionError,
  APIError,
  APITimeoutError,
  InternalServerError,
  InvalidResponseError,
  RateLimitError,
  StreamError,
  type ItemStream,
  type RequestOptions,
  type ValidationWarning,
} from '../../src/client/index.js';
import { wav } from '../helpers/audio.js';
import { useServer } from '../helpers/server.js';
import { fixture, images } from '../server/sambastudio-native/media.js';
import { clientsFor, drain, hi, model } from './helpers.js';

const server = useServer({ ttftMs: 0, tokensPerSecond: 2000 });

type Clients = ReturnType<typeof clientsFor>;
/** Two seconds of 16 kHz speech to upload (a WAV file, as the audio operations take). */
const speech = { data: wav(16_000, 2), name: 'speech.wav', type: 'audio/wav' };
/** A real PNG for the multimodal prompt. */
const png = fixture(images.png.file);

/** One stream of each framing and API: SSE with [DONE], SSE without terminator, named-event SSE, JSON lines. */
const streams: Array<[string, (c: Clients, o: RequestOptions) => Promise<ItemStream<unknown>>]> = [
  ['Cloud chat (SSE, [DONE])', (c, o) => c.cloud.chat({ model, messages: hi, max_tokens: 30, stream: true }, o)],
  ['Cloud chat, chat-only client (SSE, [DONE])', (c, o) => c.cloudChat.chat({ model, messages: hi, max_tokens: 30, stream: true }, o)],
  ['Cloud Responses (named SSE events)', (c, o) => c.cloud.responses({ model: 'gpt-oss-120b', input: 'hi', max_output_tokens: 60, stream: true }, o)],
  ['Cloud Messages (named SSE events)', (c, o) => c.cloud.messages({ model: 'gpt-oss-120b', max_tokens: 60, messages: hi, stream: true }, o)],
  ['SambaStudio chat (SSE, [DONE])', (c, o) => c.studio.chat({ model, messages: hi, max_tokens: 30, stream: true }, o)],
  ['SambaStudio NLP (SSE, no terminator)', (c, o) => c.studio.nlp({ inputs: ['hi'], params: { max_tokens_to_generate: 30 }, stream: true }, o)],
  ['SambaStudio Generic v1 (JSON lines)', (c, o) => c.studio.generic({ instance: 'hi', params: { max_tokens_to_generate: 30 }, stream: true }, o)],
  ['SambaStudio Generic v2 (JSON lines)', (c, o) => c.studio.genericV2({ items: [{ value: 'hi' }], params: { max_tokens_to_generate: 30 }, stream: true }, o)],
  ['LMI chat (JSON lines, no terminator)', (c, o) => c.lmi.chat({ messages: hi, max_tokens: 30, stream: true }, o)],
  ['LMI /invocations, LMI schema (JSON token lines)', (c, o) => c.lmi.invoke({ inputs: 'hi', parameters: { max_new_tokens: 30 }, stream: true }, o)],
  ['LMI /invocations, chat body (JSON lines, no terminator)', (c, o) => c.lmi.invoke({ messages: hi, max_tokens: 30, stream: true }, o)],
  ['Cloud completions (SSE, [DONE])', (c, o) => c.cloud.completions({ model, prompt: 'hi', max_tokens: 30, stream: true }, o)],
  ['Cloud transcription (SSE, [DONE])', (c, o) => c.cloud.transcriptions({ file: speech, model: 'Whisper-Large-v3', stream: true }, o)],
];

const fault = (value: string, extra: RequestOptions = {}): RequestOptions => ({ ...extra, headers: { 'x-sambakit-fault': value, ...extra.headers } });

async function failure(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

describe.each(streams)('%s', (_name, open) => {
  it('is whole without a fault', async () => {
    const items = await drain(await open(clientsFor(server), {}));
    expect(items.length).toBeGreaterThan(2);
  });

  it('disconnect: StreamError "truncated" holding the two items that came', async () => {
    const error = await failure(async () => drain(await open(clientsFor(server), fault('disconnect'))));
    expect(error).toBeInstanceOf(StreamError);
    expect((error as StreamError).failure).toBe('truncated');
    expect((error as StreamError).items).toHaveLength(2);
  });

  it('disconnect=0 (cut after the head, before the first item): retried within maxRetries, then StreamError "truncated" with no items', async () => {
    const tries: number[] = [];
    const clients = clientsFor(server, { maxRetries: 2, hooks: { onRequest: (e) => tries.push(e.attempt), onRetry: () => {} } });
    const error = await failure(async () => drain(await open(clients, fault('disconnect=0'))));
    expect(error).toBeInstanceOf(StreamError);
    expect((error as StreamError).failure).toBe('truncated');
    expect((error as StreamError).items).toHaveLength(0);
    expect(tries).toEqual([1, 2, 3]);
  });

  it('disconnect=0 once: the retried stream is whole, the same items as an unfaulted one, nothing lost or doubled', async () => {
    let calls = 0;
    const clients = clientsFor(server, {
      maxRetries: 1,
      fetch: (request) => {
        if (++calls > 1) request.headers.delete('x-sambakit-fault');
        return fetch(request);
      },
    });
    const stream = await open(clients, fault('disconnect=0'));
    const first = stream.requestId;
    const items = await drain(stream);
    expect(calls).toBe(2);
    expect(stream.requestId).not.toBe(first);
    expect(items.length).toBe((await drain(await open(clientsFor(server), {}))).length);
  });

  it('disconnect=1 (cut after one item): never retried, StreamError "truncated" holding that item', async () => {
    const tries: number[] = [];
    const error = await failure(async () => drain(await open(clientsFor(server, { maxRetries: 2, hooks: { onRequest: (e) => tries.push(e.attempt) } }), fault('disconnect=1'))));
    expect((error as StreamError).failure).toBe('truncated');
    expect((error as StreamError).items).toHaveLength(1);
    expect(tries).toEqual([1]);
  });

  it('keepItems: false: the same items yielded, none kept; the error gives their count', async () => {
    const stream = await open(clientsFor(server, { keepItems: false }), fault('disconnect'));
    const yielded: unknown[] = [];
    const error = await failure(async () => {
      for await (const item of stream) yielded.push(item);
    });
    expect((error as StreamError).failure).toBe('truncated');
    expect((error as StreamError).items).toHaveLength(0);
    expect((error as StreamError).message).toMatch(/after 2 items/);
    expect(yielded).toHaveLength(2);
    expect(stream.received).toHaveLength(0);
    expect(stream.receivedCount).toBe(2);
  });

  it('malformed-item: StreamError "malformed-item" holding the items before it', async () => {
    const error = await failure(async () => drain(await open(clientsFor(server), fault('malformed-item'))));
    expect(error).toBeInstanceOf(StreamError);
    expect((error as StreamError).failure).toBe('malformed-item');
    expect((error as StreamError).items).toHaveLength(2);
  });

  it('error-event: StreamError "error-event" with the service\'s error body and the items before it', async () => {
    const error = await failure(async () => drain(await open(clientsFor(server), fault('error-event'))));
    expect(error).toBeInstanceOf(StreamError);
    expect((error as StreamError).failure).toBe('error-event');
    expect((error as StreamError).items).toHaveLength(2);
    expect(JSON.stringify((error as StreamError).body)).toMatch(/error/);
    // Said in words, whichever form the API reports it in (LMI's schema: only details.finish_reason), not as the raw body.
    expect((error as Error).message).toMatch(/^The service reported an error in the stream after 2 items: [^{]+$/);
  });

  it('stall: APITimeoutError "stall" after the two items, within the stall timeout', async () => {
    // The pause is the fault's (60 s); the stall timeout is long enough that a loaded machine's own
    // gaps before the second item do not pass for it (they once did at 300 ms).
    const error = await failure(async () => drain(await open(clientsFor(server), fault('stall=60000', { stallTimeout: 2000 }))));
    expect(error).toBeInstanceOf(APITimeoutError);
    expect((error as APITimeoutError).kind).toBe('stall');
    expect((error as APITimeoutError).itemsReceived).toBe(2);
  });

  it('stall shorter than the stall timeout: the whole stream, as many items as without the fault (none lost or doubled)', async () => {
    const items = await drain(await open(clientsFor(server), fault('stall=300', { stallTimeout: 5000 })));
    expect(items.length).toBe((await drain(await open(clientsFor(server), {}))).length);
  });

  it('rate-limit, server-error and unavailable on the stream\'s request: the typed status error, retried first', async () => {
    for (const [name, status] of [['rate-limit=0', 429], ['server-error', 500], ['unavailable', 503]] as const) {
      const tries: number[] = [];
      const error = await failure(() => open(clientsFor(server, { maxRetries: 1, hooks: { onRequest: (e) => tries.push(e.attempt) } }), fault(name)));
      expect(error).toBeInstanceOf(APIError);
      expect((error as APIError).status).toBe(status);
      expect((error as APIError).body).toBeTruthy();
      expect(tries).toEqual([1, 2]);
    }
  });

  it('slow-headers: APITimeoutError "stall" before the first item; the total timeout says "total"', async () => {
    const stall = await failure(() => open(clientsFor(server), fault('slow-headers=20000', { stallTimeout: 300 })));
    expect((stall as APITimeoutError).kind).toBe('stall');
    expect((stall as APITimeoutError).message).toMatch(/stall timeout/);
    const total = await failure(() => open(clientsFor(server), fault('slow-headers=20000', { timeout: 300 })));
    expect(total).toBeInstanceOf(APITimeoutError);
    expect((total as APITimeoutError).kind).toBe('total');
  });

  it('invalid-item: StreamError "invalid-item" in throw mode; a warning and the whole stream in warn mode; nothing in off mode', async () => {
    const error = await failure(async () => drain(await open(clientsFor(server), fault('invalid-item'))));
    expect((error as StreamError).failure).toBe('invalid-item');
    expect((error as StreamError).items).toHaveLength(2);
    const warnings: ValidationWarning[] = [];
    const warned = await drain(await open(clientsFor(server, { hooks: { onValidationWarning: (w) => warnings.push(w) } }), fault('invalid-item', { validate: 'warn' })));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.index).toBe(2);
    expect(warned.length).toBeGreaterThan(2);
    const quiet = await drain(await open(clientsFor(server), fault('invalid-item', { validate: 'off' })));
    expect(quiet.length).toBe(warned.length);
  });
});

/** One whole (non-streamed) answer of each API family, and the status error-event gets where the API has a failed-answer form. */
const wholes: Array<[string, (c: Clients, o: RequestOptions) => Promise<unknown>, failedAnswerStatus?: number]> = [
  ['Cloud chat', (c, o) => c.cloud.chat({ model, messages: hi, max_tokens: 20 }, o)],
  ['Cloud chat, chat-only client', (c, o) => c.cloudChat.chat({ model, messages: hi, max_tokens: 20 }, o)],
  ['Cloud Messages', (c, o) => c.cloud.messages({ model: 'gpt-oss-120b', max_tokens: 20, messages: hi }, o)],
  ['SambaStudio chat', (c, o) => c.studio.chat({ model, messages: hi, max_tokens: 20 }, o)],
  ['SambaStudio NLP', (c, o) => c.studio.nlp({ inputs: ['hi'], params: { max_tokens_to_generate: 20 } }, o)],
  ['SambaStudio Generic v1', (c, o) => c.studio.generic({ instances: ['hi'], params: { max_tokens_to_generate: 20 } }, o)],
  ['SambaStudio Generic v2', (c, o) => c.studio.genericV2({ items: [{ value: 'hi' }], params: { max_tokens_to_generate: 20 } }, o)],
  ['LMI chat', (c, o) => c.lmi.chat({ messages: hi, max_tokens: 20 }, o)],
  ['LMI /invocations, LMI schema', (c, o) => c.lmi.invoke({ inputs: 'hi', parameters: { max_new_tokens: 20 } }, o), 424],
  ['LMI /invocations, chat body', (c, o) => c.lmi.invoke({ messages: hi, max_tokens: 20 }, o)],
  ['Cloud completions', (c, o) => c.cloud.completions({ model, prompt: 'hi', max_tokens: 20 }, o)],
  ['Cloud embeddings', (c, o) => c.cloud.embeddings({ model: 'E5-Mistral-7B-Instruct', input: ['hi', 'there'] }, o)],
  ['Cloud transcription', (c, o) => c.cloud.transcriptions({ file: speech, model: 'Whisper-Large-v3' }, o)],
  ['Cloud translation', (c, o) => c.cloud.translations({ file: speech, model: 'Whisper-Large-v3' }, o)],
  ['Cloud models list', (c, o) => c.cloud.models.list(o)],
  ['Cloud model retrieve', (c, o) => c.cloud.models.retrieve('gpt-oss-120b', o)],
  ['Cloud Responses', (c, o) => c.cloud.responses({ model: 'gpt-oss-120b', input: 'hi', max_output_tokens: 60 }, o)],
  ['Cloud count_tokens', (c, o) => c.cloud.countTokens({ model: 'gpt-oss-120b', messages: hi }, o)],
  ['SambaStudio multimodal', (c, o) => c.studio.multimodal({ prompt: 'USER: <image> What is it? ASSISTANT:', image: png, params: { max_tokens_to_generate: 20 } }, o)],
  ['SambaStudio file predict (ASR)', (c, o) => c.studio.transcribe(speech, o)],
];

describe.each(wholes)('%s, whole answer', (_name, call, failedAnswerStatus) => {
  it('rate-limit, server-error, unavailable: the typed status error with its body', async () => {
    for (const [name, status] of [['rate-limit=0', 429], ['server-error', 500], ['unavailable', 503]] as const) {
      const error = await failure(() => call(clientsFor(server), fault(name)));
      expect(error).toBeInstanceOf(APIError);
      expect((error as APIError).status).toBe(status);
      expect((error as APIError).body).toBeTruthy();
    }
  });

  it('disconnect halfway: APIConnectionError after its retry', async () => {
    const tries: number[] = [];
    const error = await failure(() => call(clientsFor(server, { maxRetries: 1, hooks: { onRequest: (e) => tries.push(e.attempt) } }), fault('disconnect')));
    expect(error).toBeInstanceOf(APIConnectionError);
    expect(tries).toEqual([1, 2]);
  });

  it('malformed-item (the JSON cut in half): InvalidResponseError with the text received', async () => {
    const error = await failure(() => call(clientsFor(server), fault('malformed-item')));
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(typeof (error as InvalidResponseError).body).toBe('string');
  });

  it('stall (a pause halfway): APITimeoutError "stall"', async () => {
    const error = await failure(() => call(clientsFor(server), fault('stall=60000', { stallTimeout: 2000 })));
    expect(error).toBeInstanceOf(APITimeoutError);
    expect((error as APITimeoutError).kind).toBe('stall');
  });

  it('slow-headers: the answer, late (a whole answer may take long before its head); the total timeout still applies', async () => {
    await expect(call(clientsFor(server), fault('slow-headers=1500', { stallTimeout: 1000 }))).resolves.toBeDefined();
    const error = await failure(() => call(clientsFor(server), fault('slow-headers=20000', { timeout: 300 })));
    expect((error as APITimeoutError).kind).toBe('total');
  });

  it('invalid-item: InvalidResponseError in throw mode, the answer in off mode', async () => {
    const error = await failure(() => call(clientsFor(server), fault('invalid-item')));
    expect(error).toBeInstanceOf(InvalidResponseError);
    await expect(call(clientsFor(server), fault('invalid-item', { validate: 'off' }))).resolves.toBeDefined();
  });

  it('error-event: the failed answer in the API\'s form where it has one (LMI schema: a typed 424), else the answer', async () => {
    const outcome = await call(clientsFor(server), fault('error-event')).catch((error: unknown) => error);
    if (failedAnswerStatus) {
      expect((outcome as APIError).status).toBe(failedAnswerStatus);
      // The body has no words for the failure, only details.finish_reason: the message says what that means.
      expect((outcome as APIError).message).toMatch(/^\d{3} generation failed \(details\.finish_reason: error\) \[\w+\]$/);
    } else expect(outcome).not.toBeInstanceOf(Error);
  });
});

describe('retries of faults before the answer', () => {
  const chat = (c: Clients, o: RequestOptions) => c.cloud.chat({ model, messages: hi, max_tokens: 20 }, o);

  it('rate-limit, server-error and unavailable are retried (maxRetries + 1 tries), then thrown typed with status, body and request id', async () => {
    for (const [name, Class, status] of [['rate-limit=0', RateLimitError, 429], ['server-error', InternalServerError, 500], ['unavailable', InternalServerError, 503]] as const) {
      const tries: number[] = [];
      const retries: number[] = [];
      const clients = clientsFor(server, { maxRetries: 2, hooks: { onRequest: (e) => tries.push(e.attempt), onRetry: (e) => retries.push(e.delayMs) } });
      const error = await failure(() => chat(clients, fault(name)));
      expect(error).toBeInstanceOf(Class);
      expect((error as RateLimitError).status).toBe(status);
      expect((error as RateLimitError).requestId).toMatch(/\S/);
      expect((error as RateLimitError).body).toBeTruthy();
      expect(tries).toEqual([1, 2, 3]);
      expect(retries).toHaveLength(2);
      if (status === 429) expect(retries).toEqual([0, 0]); // Retry-After: 0 is honoured
    }
  });

  it('a retry that succeeds returns the answer (the fault gone on the second try)', async () => {
    let calls = 0;
    const clients = clientsFor(server, {
      maxRetries: 2,
      fetch: (request) => {
        calls++;
        if (calls > 1) request.headers.delete('x-sambakit-fault');
        return fetch(request);
      },
    });
    const answer = await chat(clients, fault('rate-limit=0'));
    expect(answer.choices[0]?.message.content).toMatch(/\S/);
    expect(calls).toBe(2);
  });

  it('maxRetries per call wins over the client', async () => {
    const tries: number[] = [];
    const clients = clientsFor(server, { maxRetries: 2, hooks: { onRequest: (e) => tries.push(e.attempt) } });
    await failure(() => chat(clients, fault('server-error', { maxRetries: 0 })));
    expect(tries).toEqual([1]);
  });
});
