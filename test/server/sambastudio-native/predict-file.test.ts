/**
 * File predict (ASR) over real multipart uploads (`FormData` + fetch): WAV and FLAC at 16 kHz up to
 * 15 s are transcribed; a wrong sample rate, a long file, another format, random bytes or a missing
 * `predict_file` are refused with what was found, in the statuses the spec documents.
 */
import { describe, expect, it } from 'vitest';
import { KEY, nativeServer } from './helpers.js';
import { flac, wav } from '../../helpers/audio.js';
import { fixture } from './media.js';

const path = '/api/predict/file/proj-1/asr-1';

function form(bytes: Uint8Array<ArrayBuffer> | undefined, name = 'audio.wav', type = 'audio/wav', field = 'predict_file'): FormData {
  const data = new FormData();
  if (bytes) data.append(field, new Blob([bytes], { type }), name);
  return data;
}

describe('predictFile (ASR)', () => {
  const server = nativeServer();

  const upload = async (data: FormData, headers: Record<string, string> = {}) => {
    const response = await fetch(`${server().url}${path}`, { method: 'POST', headers: { key: KEY, ...headers }, body: data });
    return { status: response.status, body: (await response.json()) as any };
  };

  it('a 2 s, 16 kHz WAV is transcribed: {"status_code": 200, "data": [text]}', async () => {
    const { status, body } = await upload(form(wav(16_000, 2)));
    expect(status).toBe(200);
    expect(body.status_code).toBe(200);
    expect(body.data).toHaveLength(1);
    // 2.5 words per second of audio.
    expect(body.data[0].split(' ')).toHaveLength(5);
  });

  it('a 2 s, 16 kHz FLAC is transcribed', async () => {
    const { status, body } = await upload(form(flac(16_000, 2), 'audio.flac', 'audio/flac'));
    expect(status).toBe(200);
    expect(body.data[0].split(' ')).toHaveLength(5);
  });

  it('the transcript is deterministic per file, and follows the audio\'s length', async () => {
    const first = await upload(form(wav(16_000, 2)));
    const again = await upload(form(wav(16_000, 2)));
    expect(again.body.data).toEqual(first.body.data);
    const longer = await upload(form(wav(16_000, 12)));
    expect(longer.body.data[0].split(' ')).toHaveLength(30);
  });

  it('the content decides, not the declared type or name', async () => {
    const { status } = await upload(form(flac(16_000, 1), 'recording.wav', 'application/octet-stream'));
    expect(status).toBe(200);
  });

  it('a 44.1 kHz WAV is a 422 saying its sample rate', async () => {
    const { status, body } = await upload(form(wav(44_100, 2)));
    expect(status).toBe(422);
    expect(body.error.message).toMatch(/^\/body\/predict_file: sample rate 44100 Hz \(WAV\); expected .*16000 Hz/);
    expect(body.error.violations[0]).toMatchObject({ path: '/body/predict_file', rule: 'const', received: 'sample rate 44100 Hz (WAV)' });
  });

  it('a 20 s WAV is a 413 (audio longer than 15 s), and so is a 20 s FLAC', async () => {
    for (const bytes of [wav(16_000, 20), flac(16_000, 20)]) {
      const { status, body } = await upload(form(bytes));
      expect(status).toBe(413);
      expect(body.error.message).toContain('duration 20.0 s, more than 15 s');
    }
  });

  it('15 s exactly is still accepted', async () => {
    expect((await upload(form(wav(16_000, 15)))).status).toBe(200);
  });

  it('an MP3 is a 415 naming what it is, even labelled as WAV', async () => {
    const { status, body } = await upload(form(fixture('tone-16khz-1s.mp3'), 'speech.wav', 'audio/wav'));
    expect(status).toBe(415);
    expect(body.error.message).toContain('not a WAV or FLAC file (detected: mp3)');
  });

  it('random bytes are a 415, showing their first bytes', async () => {
    const noise = new Uint8Array(4096).map((_, i) => (i * 7919 + 13) % 251);
    const { status, body } = await upload(form(noise));
    expect(status).toBe(415);
    expect(body.error.message).toMatch(/not a WAV or FLAC file \(detected: no known audio format; starts with 0d [0-9a-f]{2} [0-9a-f]{2} [0-9a-f]{2}\)/);
  });

  it('a WAV whose header is cut is a 422: it claims WAV but cannot be read', async () => {
    const { status, body } = await upload(form(wav(16_000, 2).subarray(0, 30)));
    expect(status).toBe(422);
    expect(body.error.violations[0].received).toMatch(/^a WAV file/);
  });

  it('an empty file is refused', async () => {
    const { status, body } = await upload(form(new Uint8Array(0)));
    expect(status).toBe(422);
    expect(body.error.violations[0].received).toBe('an empty file');
  });

  it('a form without predict_file is a 422 naming it; a text field of that name is not a file', async () => {
    const missing = await upload(form(wav(16_000, 1), 'a.wav', 'audio/wav', 'audio'));
    expect(missing.status).toBe(422);
    expect(missing.body.error.violations).toContainEqual(expect.objectContaining({ path: '/body/predict_file', rule: 'required' }));
    const text = new FormData();
    text.append('predict_file', 'not a file');
    const asText = await upload(text);
    expect(asText.status).toBe(422);
    expect(asText.body.error.violations[0]).toMatchObject({ path: '/body/predict_file', received: 'a text field, not a file upload' });
  });

  it('a form whose Content-Type has an empty or no boundary is a 400 naming the boundary, not a missing predict_file', async () => {
    const body = new Uint8Array(await new Response(form(wav(16_000, 1))).arrayBuffer());
    for (const contentType of ['multipart/form-data; boundary=', 'multipart/form-data; boundary=""', 'multipart/form-data', 'multipart/form-data; charset=utf-8']) {
      const response = await fetch(`${server().url}${path}`, { method: 'POST', headers: { key: KEY, 'content-type': contentType }, body });
      expect(response.status, contentType).toBe(400);
      const answer = (await response.json()) as any;
      expect(answer.error.message).toContain(`Content-Type "${contentType}" has no usable boundary`);
      expect(answer.error.message).not.toContain('predict_file');
    }
  });

  it('a JSON body is a 415: the operation takes a multipart form', async () => {
    const response = await fetch(`${server().url}${path}`, { method: 'POST', headers: { key: KEY, 'content-type': 'application/json' }, body: '{}' });
    expect(response.status).toBe(415);
  });

  it('variants: file-data-string, no-status-code, detail-error', async () => {
    const asString = await upload(form(wav(16_000, 2)), { 'x-sambakit-variant': 'file-data-string' });
    expect(typeof asString.body.data).toBe('string');
    expect(asString.body.data.split(' ')).toHaveLength(5);
    const noStatus = await upload(form(wav(16_000, 2)), { 'x-sambakit-variant': 'no-status-code' });
    expect(noStatus.body).not.toHaveProperty('status_code');
    expect(noStatus.body.data).toEqual([asString.body.data]);
    const detail = await upload(form(wav(44_100, 1)), { 'x-sambakit-variant': 'detail-error' });
    expect(detail.status).toBe(422);
    expect(detail.body.detail).toMatch(/sample rate 44100 Hz/);
  });
});
