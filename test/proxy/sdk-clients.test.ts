/**
 * The official clients pointed at the proxy, the reference server behind it (the proxy's target
 * has a base path, `/cloud`, which the clients never see): answers, streams, uploads and errors
 * reach them as from the server itself, and valid traffic leaves no record.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import SambaNova from 'sambanova';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wav } from '../helpers/audio.js';
import { useServer } from '../helpers/server.js';
import { settled, withProxy, type TestProxy } from './helpers.js';

const server = useServer();
const key = 'sk-sdk-through-proxy-5d1e';
const model = 'Meta-Llama-3.1-8B-Instruct';
let proxy: TestProxy;
let lmi: TestProxy;

beforeAll(async () => {
  proxy = await withProxy('sambanova-cloud', `${server.url}/cloud`);
  lmi = await withProxy('lmi', `${server.url}/lmi`);
});
afterAll(async () => {
  await proxy.close();
  await lmi.close();
});

const openai = (headers: Record<string, string> = {}) => new OpenAI({ apiKey: key, baseURL: `${proxy.url}/v1`, maxRetries: 0, defaultHeaders: headers });

describe('openai client through the proxy', () => {
  it('chat, a streamed chat, embeddings and the model list: as from the server, no record', async () => {
    const before = proxy.records.length;
    const answer = await openai().chat.completions.create({ model, messages: [{ role: 'user', content: 'Tell me about rivers' }], max_tokens: 12 });
    expect(answer.choices[0]!.message.content!.length).toBeGreaterThan(0);
    let text = '';
    const stream = await openai().chat.completions.create({ model, messages: [{ role: 'user', content: 'Tell me about rivers' }], max_tokens: 12, stream: true, stream_options: { include_usage: true } });
    let usage;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      usage = chunk.usage ?? usage;
    }
    expect(text.length).toBeGreaterThan(0);
    expect(usage?.completion_tokens).toBeGreaterThan(0);
    const embedding = await openai().embeddings.create({ model: 'E5-Mistral-7B-Instruct', input: 'rivers' });
    expect(embedding.data[0]!.embedding.length).toBeGreaterThan(0);
    const models = await openai().models.list();
    expect(models.data.length).toBeGreaterThan(0);
    await settled(proxy);
    expect(proxy.records.slice(before)).toEqual([]);
  });

  it('a 429 reaches the client as RateLimitError with its headers; a cut stream fails the client\'s loop', async () => {
    const limited = await openai({ 'x-sambakit-fault': 'rate-limit=3' })
      .chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
    expect((limited as InstanceType<typeof OpenAI.RateLimitError>).headers.get('retry-after')).toBe('3');
    const stream = await openai({ 'x-sambakit-fault': 'disconnect' }).chat.completions.create({ model, messages: [{ role: 'user', content: 'Tell me about rivers' }], max_tokens: 40, stream: true });
    const failure = await (async () => {
      for await (const _chunk of stream) {
        // reading until the cut
      }
    })().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(Error);
    await settled(proxy);
    expect(proxy.faults().map((f) => f.fault)).toEqual(expect.arrayContaining(['status', 'cut']));
  });

  it('LMI chat through an LMI proxy', async () => {
    const client = new OpenAI({ apiKey: key, baseURL: `${lmi.url}/v1`, maxRetries: 0 });
    const answer = await client.chat.completions.create({ model: 'any', messages: [{ role: 'user', content: 'Tell me about rivers' }], max_tokens: 12 });
    expect(answer.choices[0]!.message.content!.length).toBeGreaterThan(0);
    await settled(lmi);
    expect(lmi.records).toEqual([]);
  });
});

describe('sambanova client through the proxy', () => {
  it('a streamed chat and a multipart transcription, no record', async () => {
    const before = proxy.records.length;
    const client = new SambaNova({ apiKey: key, baseURL: `${proxy.url}/v1`, maxRetries: 0 });
    let text = '';
    const stream = await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'Tell me about rivers' }], max_tokens: 12, stream: true });
    for await (const chunk of stream) text += chunk.choices?.[0]?.delta.content ?? '';
    expect(text.length).toBeGreaterThan(0);
    const transcription = await client.audio.transcriptions.create({ file: new File([wav(16_000, 2)], 'clip.wav', { type: 'audio/wav' }), model: 'Whisper-Large-v3' });
    expect((transcription.text as string).length).toBeGreaterThan(0);
    await settled(proxy);
    expect(proxy.records.slice(before)).toEqual([]);
    expect(proxy.summary().requestsByOperation).toMatchObject({ createTranscription: 1 });
  });
});

describe('anthropic client through the proxy', () => {
  it('a message and a streamed message (named SSE events), no record', async () => {
    const before = proxy.records.length;
    const client = new Anthropic({ apiKey: key, baseURL: proxy.url, maxRetries: 0 });
    const message = await client.messages.create({ model, max_tokens: 12, messages: [{ role: 'user', content: 'Tell me about rivers' }] });
    expect(message.content[0]).toMatchObject({ type: 'text' });
    const final = await client.messages.stream({ model, max_tokens: 12, messages: [{ role: 'user', content: 'Tell me about rivers' }] }).finalMessage();
    expect(final.stop_reason).toBeTruthy();
    await settled(proxy);
    expect(proxy.records.slice(before)).toEqual([]);
    expect(proxy.summary().requestsByOperation).toMatchObject({ createMessage: 2 });
  });
});
