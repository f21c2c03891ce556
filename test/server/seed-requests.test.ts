/**
 * Every request the vendor documents print (`../shared/seeds/*.txt`: each curl and each request body),
 * sent to the reference server as written: only the host, the key and the placeholders that stand for
 * user data (an image, an audio file) are filled in. The server is started as a new user starts it,
 * without `--api-key`, and in check mode, so every answer is also held to the spec. The JSON bodies are
 * the seed payloads stored in test/fixtures/seeds/, sent byte for byte.
 */
import { readFileSync } from 'node:fs';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { flac } from '../helpers/audio.js';
import { useServer } from '../helpers/server.js';
import { repoRoot } from '../helpers/spec.js';
import { parseSse } from './openai-chat/helpers.js';

const server = useServer();
const key = 'seed-key-93e1';
const seed = (file: string) => readFileSync(`${repoRoot}test/fixtures/seeds/${file}`, 'utf8');

function send(path: string, headers: Record<string, string>, body: string | FormData): Promise<Response> {
  return fetch(`${server.url}${path}`, { method: 'POST', headers, body });
}

async function okJson(response: Response): Promise<any> {
  const text = await response.text();
  expect(response.status, text).toBe(200);
  return JSON.parse(text);
}

describe('lmi-chat-completions-schema.txt', () => {
  it('the curl, pasted as written (no key): a chat completion with one top log probability per token', async () => {
    // curl -X POST https://my.sample.endpoint.com/v1/chat/completions -H "Content-type: application/json" -d '{...}'
    const body = await okJson(await send('/lmi/v1/chat/completions', { 'Content-type': 'application/json' }, seed('lmi/chat-request.json')));
    expect(body.object).toBe('chat.completion');
    const content = body.choices[0].logprobs.content as any[];
    expect(content.length).toBe(body.usage.completion_tokens);
    for (const entry of content) expect(entry.top_logprobs).toHaveLength(1);
  });

  it('the same body on SageMaker\'s /invocations is answered as chat', async () => {
    const body = await okJson(await send('/lmi/invocations', { 'Content-type': 'application/json' }, seed('lmi/chat-request.json')));
    expect(body.object).toBe('chat.completion');
  });

  it('the Message example, as the only message of a request', async () => {
    const body = await okJson(await send('/lmi/v1/chat/completions', { 'Content-type': 'application/json' }, seed('lmi/chat-request-message.json')));
    expect(body.choices[0].message.role).toBe('assistant');
  });
});

describe('sambastudio-openai-compatible-api.txt', () => {
  const bearer = { 'Content-Type': 'application/json', Authorization: `Bearer ${key}` };

  for (const base of ['/openai/v1/proj-1/ep-1', '/v1/proj-1/ep-1']) {
    it(`the example streaming request at ${base}/chat/completions: chunks, the usage chunk, [DONE]`, async () => {
      const response = await send(`${base}/chat/completions`, bearer, seed('sambastudio/chat-stream-request.json'));
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/event-stream');
      const events = parseSse(await response.text());
      expect(events.at(-1)!.data).toBe('[DONE]');
      const last = JSON.parse(events.at(-2)!.data);
      expect(last.choices).toEqual([]);
      expect(last.usage.output_tokens_count).toBeGreaterThan(0);
    });
  }

  it('the Batch API curl, with its `key` header on the OpenAI-compatible path: one completion per element', async () => {
    // curl --location 'https://<domain>/v1/<project-id>/<endpoint-id>/chat/completions' --header 'Content-Type: application/json' --header 'key: API Key' --data '[...]'
    const body = await okJson(await send('/v1/proj-1/ep-1/chat/completions', { 'Content-Type': 'application/json', key }, seed('sambastudio/chat-batch-request.json')));
    expect(body).toHaveLength(2);
    for (const completion of body) expect(completion.object).toBe('chat.completion');
  });

  describe('the OpenAI client examples', () => {
    const messages = {
      streaming: [{ role: 'system', content: 'You are intelligent' }, { role: 'user', content: 'Tell me a story in 3 lines' }],
      nonStreaming: [{ role: 'system', content: 'Answer the question in a couple sentences.' }, { role: 'user', content: 'Share a happy story with me' }],
    } as const;

    // The examples' base URL ends in /chat/completions and the client appends it again: served as
    // createChatCompletionExampleBaseUrl so they run as printed; the base URL ending at the endpoint works too.
    for (const base of ['/openai/v1/proj-1/ep-1/chat/completions', '/openai/v1/proj-1/ep-1']) {
      it(`with base_url ${base}: the streaming example prints deltas, the non-streaming one a message`, async () => {
        const client = new OpenAI({ baseURL: `${server.url}${base}`, apiKey: key, maxRetries: 0 });
        const stream = await client.chat.completions.create({ model: 'Meta-CodeLlama-70b-Instruct', messages: [...messages.streaming], stream: true });
        let text = '';
        for await (const chunk of stream) text += chunk.choices[0]!.delta.content ?? '';
        expect(text.length).toBeGreaterThan(0);
        const response = await client.chat.completions.create({ model: 'Meta-Llama-3.1-8B-Instruct', messages: [...messages.nonStreaming] });
        expect(response.choices[0]!.message.content!.length).toBeGreaterThan(0);
      });
    }
  });
});

describe('sambastudio-generic-api-and-swagger.txt', () => {
  it('the text-model request template (inputs with typed params, `key` header) at the Predict URL', async () => {
    const body = await okJson(await send('/api/predict/generic/proj-1/ep-1', { 'Content-Type': 'application/json', key }, seed('sambastudio/generic-predict-request.json')));
    const answers = (body.predictions ?? body.data) as any[];
    expect(answers).toHaveLength(1);
    expect(answers[0].completion.length).toBeGreaterThan(0);
  });

  it('the multimodal request template, with a real image where it says base64-encoded-string-of-image', async () => {
    const image = readFileSync(`${repoRoot}test/fixtures/media/image-4x3.png`).toString('base64');
    const text = seed('sambastudio/multimodal-predict-request.json').replace('base64-encoded-string-of-image', image);
    const body = await okJson(await send('/api/predict/generic/proj-1/ep-1', { 'Content-Type': 'application/json', key }, text));
    expect(body.predictions[0].completion.length).toBeGreaterThan(0);
  });

  it('the ASR curl: a 16 kHz FLAC file as predict_file, as curl -F sends it (application/octet-stream)', async () => {
    // curl -k -X POST "<your-endpoint-url>" -H "key:<your-endpoint-key>" --form 'predict_file=@"/Users/username/Downloads/1462-170138-0001.flac"'
    const form = new FormData();
    form.append('predict_file', new Blob([flac(16_000, 2)], { type: 'application/octet-stream' }), '1462-170138-0001.flac');
    const body = await okJson(await send('/api/predict/file/proj-1/ep-1', { key }, form));
    expect(body.data.length).toBeGreaterThan(0);
  });

  it('Swagger: /api/docs on the host', async () => {
    const response = await fetch(`${server.url}/api/docs`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    await response.arrayBuffer();
  });
});

describe('sambanova-cloud-chat-completions.txt', () => {
  it('the request body example (its messages, with a model), with a Bearer key', async () => {
    const body = await okJson(await send('/cloud/v1/chat/completions', { 'Content-Type': 'application/json', Authorization: `Bearer ${key}` }, seed('sambanova-cloud/chat-request-messages.json')));
    expect(body.choices[0].message.role).toBe('assistant');
  });
});
