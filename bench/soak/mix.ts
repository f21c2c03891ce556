/**
 * The mixed requests of the soak: one list cycled by autocannon, each entry a request of one API
 * family as its clients send it, with the status class that is the right answer. Invalid bodies
 * (malformed JSON, a wrong type, a missing key) are in the mix so that the error paths are soaked
 * too. Weights are the number of times an entry appears in the list.
 * @module
 */
import type { MixedRequestSpec } from '../server/messages.js';

const bearer = { authorization: 'Bearer soak-key', 'content-type': 'application/json' };
const nativeKey = { key: 'soak-key', 'content-type': 'application/json' };
const json = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');
const chat = (model: string, content: string) => ({ model, messages: [{ role: 'system', content: 'Answer in one sentence.' }, { role: 'user', content }], max_tokens: 8, temperature: 0 });

/** A mono 16-bit PCM WAV of `seconds` of a 440 Hz tone at 16 kHz: what an ASR upload carries. */
function wav(seconds: number): Buffer {
  const rate = 16_000;
  const count = Math.round(rate * seconds);
  const out = Buffer.alloc(44 + count * 2);
  out.write('RIFF', 0, 'ascii');
  out.writeUInt32LE(36 + count * 2, 4);
  out.write('WAVEfmt ', 8, 'ascii');
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20);
  out.writeUInt16LE(1, 22);
  out.writeUInt32LE(rate, 24);
  out.writeUInt32LE(rate * 2, 28);
  out.writeUInt16LE(2, 32);
  out.writeUInt16LE(16, 34);
  out.write('data', 36, 'ascii');
  out.writeUInt32LE(count * 2, 40);
  for (let i = 0; i < count; i++) out.writeInt16LE(Math.round(6000 * Math.sin((2 * Math.PI * 440 * i) / rate)), 44 + i * 2);
  return out;
}

/** A multipart/form-data body as `curl -F` builds it: the audio file, then plain fields. */
function multipart(fileField: string, file: Buffer, fields: Record<string, string>): { contentType: string; bodyBase64: string } {
  const boundary = '------------------------soak7f3a9c1e5b';
  const parts: Buffer[] = [Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${fileField}"; filename="tone.wav"\r\ncontent-type: application/octet-stream\r\n\r\n`), file, Buffer.from('\r\n')];
  for (const [name, value] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { contentType: `multipart/form-data; boundary=${boundary}`, bodyBase64: Buffer.concat(parts).toString('base64') };
}

export function soakMix(): MixedRequestSpec[] {
  const audio = wav(1);
  const asrNative = multipart('predict_file', audio, {});
  const asrCloud = multipart('file', audio, { model: 'Whisper-Large-v3' });
  const cloudChat: MixedRequestSpec = { family: 'Cloud chat', method: 'POST', path: '/cloud/v1/chat/completions', headers: bearer, bodyBase64: json(chat('Meta-Llama-3.3-70B-Instruct', 'Why is the sky blue?')), expect: 2 };
  const studioChat: MixedRequestSpec = { family: 'SambaStudio OpenAI-compatible chat', method: 'POST', path: '/v1/proj-1/ep-1/chat/completions', headers: bearer, bodyBase64: json(chat('Meta-Llama-3.1-8B-Instruct', 'Name a prime number.')), expect: 2 };
  const studioOpenai: MixedRequestSpec = { ...studioChat, path: '/openai/v1/proj-1/ep-1/chat/completions' };
  const predict: MixedRequestSpec = {
    family: 'SambaStudio native predict',
    method: 'POST',
    path: '/api/predict/generic/proj-1/ep-1',
    headers: nativeKey,
    bodyBase64: json({ inputs: ['Whats the capital of Austria?'], params: { max_tokens_to_generate: { type: 'int', value: '8' }, do_sample: { type: 'bool', value: 'false' } } }),
    expect: 2,
  };
  const predictV2: MixedRequestSpec = { ...predict, path: '/api/v2/predict/generic/proj-1/ep-1', bodyBase64: json({ items: [{ id: 'item-1', value: 'Whats the capital of Austria?' }], params: { max_tokens_to_generate: 8 } }) };
  const embeddings: MixedRequestSpec = { family: 'Cloud embeddings', method: 'POST', path: '/cloud/v1/embeddings', headers: bearer, bodyBase64: json({ model: 'E5-Mistral-7B-Instruct', input: ['The sky is blue.', 'Grass is green.'] }), expect: 2 };
  const models: MixedRequestSpec = { family: 'Cloud models', method: 'GET', path: '/cloud/v1/models', headers: { authorization: 'Bearer soak-key' }, expect: 2 };
  const lmiNative: MixedRequestSpec = { family: 'LMI', method: 'POST', path: '/lmi/invocations', headers: { 'content-type': 'application/json' }, bodyBase64: json({ inputs: 'What is Deep Learning?', parameters: { max_new_tokens: 8, details: true } }), expect: 2 };
  const lmiChat: MixedRequestSpec = { ...lmiNative, path: '/lmi/v1/chat/completions', bodyBase64: json(chat('lmi-model', 'What is Deep Learning?')) };
  const asrFile: MixedRequestSpec = { family: 'ASR multipart (1 s WAV)', method: 'POST', path: '/api/predict/file/proj-1/ep-1', headers: { key: 'soak-key', 'content-type': asrNative.contentType }, bodyBase64: asrNative.bodyBase64, expect: 2 };
  const asrCloudReq: MixedRequestSpec = { ...asrFile, path: '/cloud/v1/audio/transcriptions', headers: { authorization: 'Bearer soak-key', 'content-type': asrCloud.contentType }, bodyBase64: asrCloud.bodyBase64 };
  const invalid = (path: string, body: string, headers: Record<string, string> = bearer): MixedRequestSpec => ({ family: 'invalid (4xx expected)', method: 'POST', path, headers, bodyBase64: Buffer.from(body).toString('base64'), expect: 4 });
  return [
    cloudChat,
    studioChat,
    predict,
    embeddings,
    models,
    lmiNative,
    invalid('/cloud/v1/chat/completions', '{"model":"Meta-Llama-3.3-70B-Instruct","messages":42}'),
    cloudChat,
    studioOpenai,
    predictV2,
    asrFile,
    lmiChat,
    invalid('/cloud/v1/chat/completions', '{"model":"Meta-Llama-3.3-70B-Instr'),
    cloudChat,
    embeddings,
    invalid('/api/predict/generic/proj-1/ep-1', '{"instances": 42}', nativeKey),
    asrCloudReq,
    models,
    invalid('/cloud/v1/embeddings', '{"model":"E5-Mistral-7B-Instruct","input":"x"}', { 'content-type': 'application/json' }),
    studioChat,
  ];
}
