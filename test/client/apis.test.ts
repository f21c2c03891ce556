/**
 * The ergonomic methods of the three clients against the reference server: JSON and streamed
 * answers, batch, native parameters as plain values, multipart uploads from every source, images
 * for multimodal prompts, and the collect helpers. Every answer and item is checked against the
 * spec by the client itself (`validate: 'throw'`).
 */
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectChat, collectGenerated, collectMessage, collectNative, collectResponse, imageDataURL } from '../../src/client/index.js';
import { fileFromPath } from '../../src/client/node.js';
import { wav } from '../helpers/audio.js';
import { useServer } from '../helpers/server.js';
import { repoRoot } from '../helpers/spec.js';
import { readFileSync } from 'node:fs';
import { clientsFor, drain, hi, model } from './helpers.js';

const server = useServer();
const png = new Uint8Array(readFileSync(`${repoRoot}test/fixtures/media/image-4x3.png`));

describe('SambaNova Cloud', () => {
  it('chat: whole answer, then the same request streamed and collected into the same kind of message with usage', async () => {
    const { cloud } = clientsFor(server);
    const answer = await cloud.chat({ model, messages: hi, max_tokens: 12, temperature: 0 });
    expect(answer.choices[0]?.message.content).toMatch(/\S/);
    const stream = await cloud.chat({ model, messages: hi, max_tokens: 12, temperature: 0, stream: true, stream_options: { include_usage: true } });
    expect(stream.requestId).toMatch(/\S/);
    const collected = await collectChat(stream);
    expect(collected.choices[0]?.message.content).toBe(answer.choices[0]?.message.content);
    expect(collected.choices[0]?.finish_reason).toBe(answer.choices[0]?.finish_reason);
    expect(collected.usage?.completion_tokens).toBe(answer.usage?.completion_tokens);
  });

  it('completions, embeddings, models list and retrieve', async () => {
    const { cloud } = clientsFor(server);
    const completion = await cloud.completions({ model, prompt: 'Once', max_tokens: 5 });
    expect(completion.choices[0]?.text).toMatch(/\S/);
    const chunks = await drain(await cloud.completions({ model, prompt: 'Once', max_tokens: 5, stream: true }));
    expect(chunks.length).toBeGreaterThan(1);
    const embeddings = await cloud.embeddings({ model: 'E5-Mistral-7B-Instruct', input: ['a', 'b'] });
    expect(embeddings.data).toHaveLength(2);
    const models = await cloud.models.list();
    expect(models.data.length).toBeGreaterThan(0);
    const one = await cloud.models.retrieve('gpt-oss-120b');
    expect(one.id).toBe('gpt-oss-120b');
  });

  it('audio: transcription from a Blob, a Uint8Array, a ReadableStream and a file path, as real multipart; streamed too', async () => {
    const { cloud } = clientsFor(server);
    const bytes = wav(16_000, 2);
    const dir = mkdtempSync(join(tmpdir(), 'sambakit-client-'));
    const path = join(dir, 'speech.wav');
    writeFileSync(path, bytes);
    try {
      const sources = [
        new Blob([bytes], { type: 'audio/wav' }),
        { data: bytes, name: 'speech.wav', type: 'audio/wav' },
        { data: new Blob([bytes]).stream(), name: 'speech.wav', type: 'audio/wav' },
        await fileFromPath(path, { type: 'audio/wav' }),
      ];
      for (const file of sources) {
        const result = await cloud.transcriptions({ file, model: 'Whisper-Large-v3' });
        expect(typeof result === 'string' ? result : result.text).toMatch(/\S/);
      }
      const events = await drain(await cloud.translations({ file: sources[0]!, model: 'Whisper-Large-v3', stream: true }));
      expect(events.length).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('Responses: whole, and streamed events collected into the same final response', async () => {
    const { cloud } = clientsFor(server);
    const whole = await cloud.responses({ model: 'gpt-oss-120b', input: 'Say hi', max_output_tokens: 64, temperature: 0 });
    expect(whole.status).toMatch(/completed|incomplete/);
    const final = await collectResponse(await cloud.responses({ model: 'gpt-oss-120b', input: 'Say hi', max_output_tokens: 64, temperature: 0, stream: true }));
    // Same request, same text; ids differ per answer.
    const texts = (output: unknown) => JSON.stringify(output).replace(/"id":"[^"]*"/g, '');
    expect(texts(final?.output)).toBe(texts(whole.output));
  });

  it('Messages and count_tokens: streamed events folded into the same message', async () => {
    const { cloud } = clientsFor(server);
    const body = { model: 'gpt-oss-120b', max_tokens: 64, temperature: 0, messages: [{ role: 'user' as const, content: 'Say hi' }] };
    const whole = await cloud.messages(body);
    const folded = await collectMessage(await cloud.messages({ ...body, stream: true }));
    const texts = (content: ReadonlyArray<Record<string, unknown>> | undefined) => content?.map((b) => [b.type, b.text ?? b.thinking ?? b.input]);
    expect(texts(folded?.content)).toEqual(texts(whole.content as never));
    expect(folded?.stop_reason).toBe(whole.stop_reason);
    const count = await cloud.countTokens({ model: body.model, messages: body.messages });
    expect(count.input_tokens).toBeGreaterThan(0);
  });

  it('chat with an image from bytes as a data URL', async () => {
    const { cloud } = clientsFor(server);
    const url = await imageDataURL(png, 'image/png');
    const answer = await cloud.chat({ model: 'Llama-4-Maverick-17B-128E-Instruct', max_tokens: 8, messages: [{ role: 'user', content: [{ type: 'text', text: 'What is it?' }, { type: 'image_url', image_url: { url } }] }] });
    expect(answer.choices[0]?.message.content).toMatch(/\S/);
  });
});

describe('SambaStudio', () => {
  it('chat (JSON, stream, batch) on both path forms', async () => {
    for (const openaiPath of [false, true]) {
      const { studio } = clientsFor(server);
      const client = openaiPath ? new (studio.constructor as typeof import('../../src/client/index.js').SambaStudio)({ baseURL: server.url, apiKey: 'k', project: 'p', endpoint: 'e', openaiPath }) : studio;
      const answer = await client.chat({ model, messages: hi, max_tokens: 8 });
      expect(answer.choices[0]?.message.content).toMatch(/\S/);
      const collected = await collectChat(await client.chat({ model, messages: hi, max_tokens: 8, stream: true }));
      expect(collected.choices[0]?.message.content).toMatch(/\S/);
      const batch = await client.chatBatch([{ model, messages: hi, max_tokens: 4 }, { model, messages: [{ role: 'user', content: 'Other' }], max_tokens: 4 }]);
      expect(batch).toHaveLength(2);
    }
  });

  it('NLP, Generic v1 and v2: predict, and stream collected into the final object', async () => {
    const { studio } = clientsFor(server);
    const params = { max_tokens_to_generate: 6, do_sample: false, temperature: 0.7, top_k: 50, stop_sequences: ['###'] };
    const nlp = await studio.nlp({ inputs: ['Hi'], params });
    expect(nlp.data[0]?.completion).toMatch(/\S/);
    const nlpFinal = await collectNative(await studio.nlp({ inputs: ['Hi'], params, stream: true }));
    expect(nlpFinal.is_last_response).toBe(true);
    expect(nlpFinal.completion).toBe(nlp.data[0]?.completion);
    const v1 = await studio.generic({ instances: ['Hi'], params });
    expect(v1).toBeDefined();
    const v1Final = await collectNative(await studio.generic({ instance: 'Hi', params, stream: true }));
    expect(v1Final.completion).toMatch(/\S/);
    const v2 = await studio.genericV2({ items: [{ id: 'a', value: 'Hi' }], params: { max_tokens_to_generate: 6 } });
    expect(v2.items[0]?.id).toBe('a');
    const v2Final = await collectNative(await studio.genericV2({ items: [{ id: 'a', value: 'Hi' }], params: { max_tokens_to_generate: 6 }, stream: true }));
    expect(v2Final.completion).toMatch(/\S/);
  });

  it('multimodal with the image from bytes, a Blob and a data URL', async () => {
    const { studio } = clientsFor(server);
    const dataURL = `data:image/png;base64,${Buffer.from(png).toString('base64')}`;
    for (const image of [png, new Blob([png], { type: 'image/png' }), dataURL]) {
      const answer = await studio.multimodal({ prompt: 'USER: <image>\nWhat is it? ASSISTANT:', image, params: { max_tokens_to_generate: 6 } });
      expect(answer).toBeDefined();
    }
  });

  it('ASR: a WAV upload as real multipart', async () => {
    const { studio } = clientsFor(server);
    const answer = await studio.transcribe({ data: wav(16_000, 2), name: 'speech.wav', type: 'audio/wav' });
    expect(answer.data).toBeDefined();
  });
});

describe('LMI', () => {
  it('chat: JSON, JSON-lines stream, SSE stream (variant), collected alike', async () => {
    const { lmi } = clientsFor(server);
    const answer = await lmi.chat({ messages: hi, max_tokens: 8, temperature: 0 });
    expect(answer.choices[0]?.message.content).toMatch(/\S/);
    const lines = await lmi.chat({ messages: hi, max_tokens: 8, temperature: 0, stream: true });
    expect(lines.mediaType).toBe('application/jsonlines');
    expect((await collectChat(lines)).choices[0]?.message.content).toBe(answer.choices[0]?.message.content);
    const sse = await lmi.chat({ messages: hi, max_tokens: 8, temperature: 0, stream: true }, { headers: { 'x-sambakit-variant': 'sse' } });
    expect(sse.mediaType).toBe('text/event-stream');
    expect((await collectChat(sse)).choices[0]?.message.content).toBe(answer.choices[0]?.message.content);
  });

  it('/invocations with the chat schema, whole and streamed', async () => {
    const { lmi } = clientsFor(server);
    const answer = await lmi.invoke({ messages: hi, max_tokens: 8, temperature: 0 });
    expect(answer.choices[0]?.message.content).toMatch(/\S/);
    // A chat body gets chat chunks only (the client's spec check would throw on anything else).
    const collected = await collectChat(await lmi.invoke({ messages: hi, max_tokens: 8, temperature: 0, stream: true }));
    expect(collected.choices[0]?.message.content).toBe(answer.choices[0]?.message.content);
    expect(collected.choices[0]?.finish_reason).not.toBeNull();
  });

  it('/invocations with LMI\'s own schema: token lines collected into the whole answer, details and all', async () => {
    const { lmi } = clientsFor(server);
    const body = { inputs: 'What is deep learning?', parameters: { max_new_tokens: 6, do_sample: false, details: true } };
    const answer = await lmi.invoke(body);
    expect(answer.details?.tokens?.length).toBe(6);
    const lines = await lmi.invoke({ ...body, stream: true });
    expect(lines.mediaType).toBe('application/jsonlines');
    expect(await collectGenerated(lines)).toEqual(answer);
    // Without details, and with the prompt in front: the last line's generated_text, as whole.
    const full = { inputs: 'What is deep learning?', parameters: { max_new_tokens: 4, do_sample: false, return_full_text: true } };
    expect(await collectGenerated(await lmi.invoke({ ...full, stream: true }))).toEqual(await lmi.invoke(full));
    // SSE (the container's sse output formatter) carries the same lines.
    const sse = await lmi.invoke({ ...body, stream: true }, { headers: { 'x-sambakit-variant': 'sse' } });
    expect(sse.mediaType).toBe('text/event-stream');
    expect(await collectGenerated(sse)).toEqual(answer);
  });
});
