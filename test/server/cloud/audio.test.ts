/**
 * `POST /audio/transcriptions` and `POST /audio/translations` through the official `sambanova` and
 * `openai` clients, with real WAV, FLAC and MP3 bytes made in code (`audio-fixtures.ts`): required
 * parameters only, every optional one (language, prompt, response_format json and text, stream with
 * `stream_options`), the transcript's length following the audio's duration, and the refusal of a
 * file that is not audio.
 * @module
 */
import { BadRequestError } from 'sambanova';
import { describe, expect, it } from 'vitest';
import { WORDS_PER_SECOND } from '../../../src/server/fake-model/index.js';
import { MAX_AUDIO_S } from '../../../src/server/operations/cloud/audio/audio.js';
import { useServer } from '../../helpers/server.js';
import { flac as flacBytes, wav as wavBytes } from '../../helpers/audio.js';
import { mp3Silence } from './audio-fixtures.js';
import { chatModel, key, openai, sambanova, speechModel } from './helpers.js';

const server = useServer({ apiKey: key });

const wav = (seconds = 4) => new File([wavBytes(16_000, seconds)], 'speech.wav', { type: 'audio/wav' });
const words = (text: string) => text.split(' ').filter(Boolean).length;

for (const task of ['transcriptions', 'translations'] as const) {
  describe(`sambanova client: audio.${task}.create`, () => {
    const create = (body: any) => (sambanova(server).audio[task] as any).create(body) as Promise<any>;

    it('with only the required parameters answers {text} as long as the audio', async () => {
      const result = await create({ file: wav(4), model: speechModel });
      expect(Object.keys(result)).toEqual(['text']);
      expect(words(result.text)).toBe(4 * WORDS_PER_SECOND);
    });

    it('with every optional parameter and response_format text answers the bare text', async () => {
      const result = await create({ file: wav(2), model: speechModel, language: 'es', prompt: 'Keep the pauses.', response_format: 'text', stream: false });
      expect(typeof result).toBe('string');
      expect(words(result)).toBe(5);
    });

    it('the same file gives the same words; another file, language or prompt other words', async () => {
      const a = await create({ file: wav(3), model: speechModel });
      const b = await create({ file: wav(3), model: speechModel });
      const other = await create({ file: wav(3), model: speechModel, language: 'fr' });
      expect(b.text).toBe(a.text);
      expect(other.text).not.toBe(a.text);
    });

    it('streams chat-style chunks, then (stream_options.include_usage) the usage chunk', async () => {
      const whole = await create({ file: wav(2), model: speechModel, language: 'en', prompt: 'Names: Ada.' });
      const stream = await create({ file: wav(2), model: speechModel, language: 'en', prompt: 'Names: Ada.', response_format: 'json', stream: true, stream_options: { include_usage: true } });
      const chunks: any[] = [];
      for await (const chunk of stream) chunks.push(chunk);
      expect(chunks[0].choices[0].delta.role).toBe('assistant');
      const usageChunk = chunks.at(-1);
      expect(usageChunk.choices).toEqual([]);
      expect(usageChunk.usage.completion_tokens).toBeGreaterThan(0);
      const finish = chunks.at(-2);
      expect(finish.choices[0]).toMatchObject({ finish_reason: 'stop', delta: { content: '' } });
      const text = chunks.slice(0, -1).map((c) => c.choices[0].delta.content).join('');
      expect(text).toBe(whole.text);
      expect(chunks.every((c) => c.object === 'chat.completion.chunk' && c.model === speechModel)).toBe(true);
    });

    it('streams without the usage chunk when it is not asked for', async () => {
      const stream = await create({ file: wav(1), model: speechModel, stream: true });
      const chunks: any[] = [];
      for await (const chunk of stream) chunks.push(chunk);
      expect(chunks.at(-1).choices[0].finish_reason).toBe('stop');
      expect(chunks.some((c) => c.usage)).toBe(false);
    });
  });
}

describe('audio formats, read from their headers', () => {
  it('FLAC and MP3 are read for their duration whatever their name and MIME type say', async () => {
    const client = sambanova(server);
    const flac = await client.audio.transcriptions.create({ file: new File([flacBytes(16_000, 2)], 'clip.bin', { type: 'application/octet-stream' }), model: speechModel });
    expect(words(flac.text as string)).toBe(5);
    const mp3 = await client.audio.translations.create({ file: new File([mp3Silence(4)], 'clip.mp3', { type: 'audio/mpeg' }), model: speechModel });
    expect(words(mp3.text as string)).toBe(10);
  });

  it('a file that is not audio is a 400 that says so, even named and typed as audio', async () => {
    const error = await sambanova(server)
      .audio.transcriptions.create({ file: new File(['this is plain text, not sound'], 'speech.wav', { type: 'audio/wav' }), model: speechModel })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    const body = (error as any).error.error;
    expect(body.param).toBe('file');
    expect(body.message).toMatch(/speech\.wav.*cannot be transcribed.*not one of an audio format/);
  });

  it('audio longer than two hours (a header claiming days, as a 1 Hz WAV does) is a 400 naming the file, its length and the limit', async () => {
    const long = new File([wavBytes(1, MAX_AUDIO_S + 1)], 'days.wav', { type: 'audio/wav' });
    const error = await sambanova(server).audio.transcriptions.create({ file: long, model: speechModel }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    const body = (error as any).error.error;
    expect(body.param).toBe('file');
    expect(body.message).toContain(`days.wav\` holds ${MAX_AUDIO_S + 1} s of audio`);
    expect(body.message).toContain(`at most ${MAX_AUDIO_S} s`);
    // Ten seconds at 1 Hz is short audio: the sample rate alone is not what is refused.
    const short = await sambanova(server).audio.transcriptions.create({ file: new File([wavBytes(1, 10)], 'slow.wav'), model: speechModel });
    expect(words(String(short.text))).toBe(10 * WORDS_PER_SECOND);
  });

  it('an image is refused too, and an empty file', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000040000000308060000', 'hex');
    const image = await sambanova(server).audio.translations.create({ file: new File([png], 'a.png'), model: speechModel }).catch((e: unknown) => e);
    expect((image as any).status).toBe(400);
    const empty = await sambanova(server).audio.translations.create({ file: new File([], 'a.wav'), model: speechModel }).catch((e: unknown) => e);
    expect((empty as any).error.error.message).toMatch(/the file is empty/);
  });

  it('a model that is not a speech model is a 400', async () => {
    const error = await sambanova(server).audio.transcriptions.create({ file: wav(1), model: chatModel }).catch((e: unknown) => e);
    expect((error as any).error.error.message).toMatch(/not a speech recognition model; use one of: Whisper-Large-v3/);
  });
});

describe('openai client: audio.transcriptions and audio.translations', () => {
  it('transcriptions.create: JSON, text, and stream', async () => {
    const client = openai(server);
    const json = await client.audio.transcriptions.create({ file: wav(2), model: speechModel });
    expect(words(json.text)).toBe(5);
    const text = await client.audio.transcriptions.create({ file: wav(2), model: speechModel, response_format: 'text' });
    expect(text).toBe(json.text);
    const stream = await client.audio.transcriptions.create({ file: wav(2), model: speechModel, stream: true });
    let streamed = '';
    for await (const chunk of stream as AsyncIterable<any>) streamed += chunk.choices?.[0]?.delta?.content ?? '';
    expect(streamed).toBe(json.text);
  });

  it('transcriptions.create with every optional parameter the service takes; OpenAI-only ones ignored, srt refused', async () => {
    const client = openai(server);
    const result = await client.audio.transcriptions.create({
      file: wav(2),
      model: speechModel,
      language: 'de',
      prompt: 'Names: Ada.',
      response_format: 'json',
      temperature: 0.2,
      timestamp_granularities: ['segment'],
      include: ['logprobs'],
      chunking_strategy: 'auto',
      stream: false,
    });
    expect(words(result.text)).toBe(5);
    const srt = await client.audio.transcriptions.create({ file: wav(1), model: speechModel, response_format: 'srt' }).catch((e: unknown) => e);
    expect((srt as any).status).toBe(400);
    expect((srt as any).param).toBe('response_format');
  });

  it('translations.create: JSON with a prompt', async () => {
    const result = await openai(server).audio.translations.create({ file: wav(2), model: speechModel, prompt: 'A story.', response_format: 'json', temperature: 0 });
    expect(words(result.text)).toBe(5);
  });
});
