/**
 * The work after parsing a large body is done in slices too, so no request holds the event loop:
 * validating a body of 30,000 messages, counting its prompt, reading a 24 MB multipart upload and
 * its audio header each let a callback queued for the next turn run before they finish (ordering,
 * never timings), and another request on the same server is answered before the large one. The
 * sliced validation tells exactly what one call over the whole body tells.
 */
import { request } from 'node:http';
import { describe, expect, it, vi } from 'vitest';
import { countTokens, type CountedText } from '../../src/server/fake-model/index.js';
import { MAX_TOKEN_CHARS } from '../../src/server/fake-model/tokenizer.js';
import { bodySizeLimits } from '../../src/server/json-body.js';
import { countTextsUpTo } from '../../src/server/operations/shared/context-limit.js';
import { parseAudioMetadata } from '../../src/server/operations/shared/audio-metadata.js';
import { readChatInput } from '../../src/server/operations/shared/chat-input.js';
import { joinTexts, promptTexts, promptTurns } from '../../src/server/operations/shared/prompt.js';
import { startRun, type RunSettings } from '../../src/server/operations/shared/run.js';
import { cloudChatProfile } from '../../src/server/operations/openai-chat/profiles/cloud.js';
import { parseMultipart } from '../../src/server/request-body.js';
import { requestViolations } from '../../src/server/request-validation.js';
import { buildRoutes } from '../../src/server/routes.js';
import { validateRequest } from '../../src/validate/check.js';
import { tinyPageOgg, wav } from '../helpers/audio.js';
import { useServer } from '../helpers/server.js';
import { yieldsBeforeSettling } from '../helpers/turns.js';

const model = 'Meta-Llama-3.3-70B-Instruct';
const routes = buildRoutes();
const route = (api: string, operationId: string) => routes.find((r) => r.api === api && r.operationId === operationId)!;

const messages = (count: number) => Array.from({ length: count }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: `message number ${i} `.padEnd(280, '.') }));

/** Invalid bodies of 30,000 messages, each wrong in another place: items, before, after and around the array. */
function invalidBodies(): Record<string, Record<string, unknown>> {
  const withItem = (index: number, item: unknown, rest: Record<string, unknown> = {}) => {
    const list: unknown[] = messages(30_000);
    list[index] = item;
    return { model, messages: list, ...rest };
  };
  return {
    'the last message': { model, messages: [...messages(30_000), { role: 'robot', content: 'x' }] },
    'a message in the middle': withItem(17_001, { role: 'user', content: 5 }),
    'the first message': withItem(0, { role: 'user' }),
    'a field after the messages': { model, messages: messages(30_000), temperature: 9 },
    'a field after the messages and a late message': withItem(29_999, { role: 'tool' }, { temperature: 9 }),
    'a field before the messages and a message': withItem(3, { role: 'x' }, { model: 5 }),
    'a missing required field': { messages: messages(30_000), max_tokens: 'many' },
    'a message that is not an object': withItem(20_000, 'hello'),
    'tools past their limit': { model, messages: messages(30_000), tools: Array.from({ length: 600 }, () => ({ type: 'function', function: { name: 'f' } })) },
  };
}

describe('sliced validation of a large body', () => {
  const chat = route('sambanova-cloud', 'createChatCompletion');

  it('tells exactly the violations one call over the whole body tells', async () => {
    const bodies = { ...invalidBodies(), valid: { model, messages: messages(30_000) } };
    for (const [name, body] of Object.entries(bodies)) {
      const input = { body, mediaType: 'application/json' };
      const oneCall = validateRequest(chat.validators, input, { limits: bodySizeLimits }).violations;
      const sliced = requestViolations(chat, input);
      expect(sliced, name).toBeInstanceOf(Promise);
      expect(await sliced, name).toEqual(oneCall);
      expect(oneCall.length, name).toBe(name === 'valid' ? 0 : 1);
    }
  });

  it('lets the event loop run before it is done', async () => {
    const body = invalidBodies()['the last message'];
    expect(await yieldsBeforeSettling(() => requestViolations(chat, { body, mediaType: 'application/json' }))).toBe(true);
  });

  it('Messages and LMI chat are sliced as well; a small body is validated at once', async () => {
    const messagesBody = { model, max_tokens: 5, messages: [...messages(3000), { role: 'system', content: 'x' }] };
    const lmi = { messages: [...messages(3000), { role: 7, content: 'x' }] };
    for (const [target, body] of [[route('sambanova-cloud', 'createMessage'), messagesBody], [route('lmi', 'createChatCompletion'), lmi]] as const) {
      const input = { body, mediaType: 'application/json' };
      const sliced = requestViolations(target, input);
      expect(sliced).toBeInstanceOf(Promise);
      const found = await sliced;
      expect(found).toHaveLength(1);
      expect(found).toEqual(validateRequest(target.validators, input, { limits: bodySizeLimits }).violations);
    }
    expect(requestViolations(chat, { body: { model, messages: messages(3) }, mediaType: 'application/json' })).toEqual([]);
  });
});

describe('counting a long conversation', () => {
  it('counts turn by turn to the count of the joined prompt, roles that do not start a token included', () => {
    const conversation = [
      { role: 'system', content: 'Be brief.\n\nReally.' },
      { role: 'user', content: 'Hello   there\n' },
      { role: ' spaced', content: 'odd role' },
      { role: 'ümlaut', content: ['a', { type: 'text', text: 'parts' }] },
      { role: '', content: '' },
      { role: 'assistant', content: null, tool_calls: [{ function: { name: 'f', arguments: '{"a":1}' } }] },
    ];
    const turns = promptTurns(conversation);
    expect(turns.length).toBeLessThan(conversation.length + 1);
    expect(turns.reduce((sum, turn) => sum + countTokens(turn), 0)).toBe(countTokens(joinTexts(turns)));
  });

  it('counts 30,000 turns in slices', async () => {
    const turns = promptTurns(messages(30_000));
    const texts = await promptTexts(turns, undefined).write();
    let counted: number | Promise<number> = 0;
    expect(await yieldsBeforeSettling(() => (counted = countTextsUpTo(texts, Infinity)))).toBe(true);
    expect(await counted).toBe(countTokens(joinTexts(turns)));
  });

  it('refuses tool definitions that cannot fit the context from their lengths, at once and without writing them', () => {
    // Written, a name of 8 MB built by a sliced parse is first copied whole: 80-120 ms in one turn at 24 MB.
    const body = { model: 'm', messages: [{ role: 'user', content: 'Call it.' }], tools: [{ type: 'function', function: { name: 'x'.repeat(8 << 20), parameters: { type: 'object' } } }] };
    const style = cloudChatProfile.style({ headers: { get: () => null, has: () => false }, variant: undefined });
    const read = readChatInput(body, style, false);
    const write = vi.spyOn(read.prompt, 'write');
    // Refused before a run is made: its pacing and arrival are never read.
    const refused = startRun(read, style, { seed: 1, contextTokens: 8192 } as RunSettings);
    expect(refused).toMatchObject({ ok: false, problem: { kind: 'context_length', param: 'messages' } });
    // The name's length in tokens at most MAX_TOKEN_CHARS long, and a token at least for each of the two turns.
    expect((refused as { problem: { message: string } }).problem.message).toContain(`the prompt (messages + tools) has at least ${(8 << 20) / MAX_TOKEN_CHARS + 2} tokens`);
    expect(write).not.toHaveBeenCalled();
  });

  it('writes tool definitions of megabytes in slices, as JSON.stringify writes them', async () => {
    // A long word, escapes, and surrogate pairs wherever a piece may end.
    const word = `${'x'.repeat(3 << 20)}"\\\n\u0001${'😀'.repeat(70_000)}\ud800é`;
    const tools = [{ type: 'function', function: { name: word, description: word, parameters: { type: 'object', properties: { a: { type: 'string', description: word } } } } }];
    let texts: CountedText[] | Promise<CountedText[]> = [];
    const prompt = promptTexts(['user: hi\n'], tools);
    expect(await yieldsBeforeSettling(() => (texts = prompt.write()))).toBe(true);
    expect(await texts).toEqual(['user: hi\n', JSON.stringify(tools)]);
    // The lower bound from lengths: the name and description under `function`, and the turn.
    expect(prompt.atLeast).toBe(Math.ceil((2 * word.length) / MAX_TOKEN_CHARS) + 1);
    // Small definitions are written at once.
    expect(promptTexts(['user: hi\n'], [{ type: 'function', function: { name: 'f' } }]).write()).toEqual(['user: hi\n', '[{"type":"function","function":{"name":"f"}}]']);
  });
});

/** A multipart/form-data body of `fields` and one file, in chunks as they may come off a socket. */
function multipart(fields: Record<string, string>, file: { field: string; name: string; type: string; bytes: Uint8Array }): { contentType: string; chunks: Buffer[] } {
  const boundary = '----sambakit-turns';
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`));
  parts.push(Buffer.from(file.bytes), Buffer.from(`\r\n--${boundary}--\r\n`));
  const whole = Buffer.concat(parts);
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < whole.length; offset += 1 << 20) chunks.push(whole.subarray(offset, offset + (1 << 20)));
  return { contentType: `multipart/form-data; boundary=${boundary}`, chunks };
}

describe('multipart uploads and audio headers in slices', () => {
  it('a 24 MB upload is parsed a piece at a time, to the same fields and file', async () => {
    const audio = wav(16_000, 750);
    const { contentType, chunks } = multipart({ model: 'Whisper-Large-v3', language: 'en' }, { field: 'file', name: 'speech.wav', type: 'audio/wav', bytes: audio });
    let parsed: ReturnType<typeof parseMultipart> | undefined;
    expect(await yieldsBeforeSettling(() => (parsed = parseMultipart(contentType, chunks, 25 << 20)))).toBe(true);
    const result = await parsed!;
    expect(result.ok && result.value).toEqual({ model: 'Whisper-Large-v3', language: 'en', file: 'speech.wav' });
    expect(result.ok && Buffer.from(result.files[0]!.bytes).equals(Buffer.from(audio))).toBe(true);
  });

  it('a broken multipart body is refused with the parser\'s reason', async () => {
    const { contentType, chunks } = multipart({}, { field: 'file', name: 'a.wav', type: 'audio/wav', bytes: wav(16_000, 1) });
    const result = await parseMultipart(contentType, chunks.map((chunk) => chunk.subarray(0, chunk.length - 10)), 25 << 20);
    expect(result).toMatchObject({ ok: false, status: 400, message: expect.stringMatching(/^The multipart body cannot be read: ./) });
  });

  it('an audio header read page by page lets the event loop run between slices, and reads as parseBuffer does', async () => {
    const ogg = tinyPageOgg(60_000);
    let parsed: ReturnType<typeof parseAudioMetadata> | undefined;
    expect(await yieldsBeforeSettling(() => (parsed = parseAudioMetadata(ogg, { duration: true, skipCovers: true })))).toBe(true);
    const { format } = await parsed!;
    expect(format.container).toBe('Ogg');
    expect(format.duration).toBeCloseTo((60_001 * 960 - 0) / 48_000, 0);
  });
});

describe('another request is answered before a large one', () => {
  const server = useServer({ apiKey: 'sk-turns' });
  const small = JSON.stringify({ model, messages: [{ role: 'user', content: 'hello' }], max_tokens: 2 });

  function post(path: string, body: Buffer | string, contentType: string): { sent: Promise<void>; answer: Promise<{ status: number; body: string }> } {
    let sent!: () => void;
    const whenSent = new Promise<void>((resolve) => (sent = resolve));
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: server.port, path, method: 'POST', agent: false, headers: { authorization: 'Bearer sk-turns', 'content-type': contentType } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk)).on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString('utf8') }));
      });
      req.on('error', reject);
      req.end(body, () => sent());
    });
    return { sent: whenSent, answer };
  }

  async function smallFirst(path: string, body: Buffer | string, contentType: string): Promise<{ status: number; body: string; smallFirst: boolean }> {
    const order: string[] = [];
    const large = post(path, body, contentType);
    const answered = large.answer.then((answer) => (order.push('large'), answer));
    await large.sent;
    const answer = await post('/cloud/v1/chat/completions', small, 'application/json').answer;
    order.push('small');
    expect(answer.status).toBe(200);
    return { ...(await answered), smallFirst: order[0] === 'small' };
  }

  it('a 9 MB body of 30,000 valid messages, refused for its context', async () => {
    const result = await smallFirst('/cloud/v1/chat/completions', JSON.stringify({ model, messages: messages(30_000), max_tokens: 5 }), 'application/json');
    expect(result.status).toBe(400);
    expect(JSON.parse(result.body).error.code).toBe('context_length_exceeded');
    expect(result.smallFirst).toBe(true);
  });

  it('an upload cut inside its file is refused with 400, and the server goes on', async () => {
    const { contentType, chunks } = multipart({ model: 'Whisper-Large-v3' }, { field: 'file', name: 'speech.wav', type: 'audio/wav', bytes: wav(16_000, 2) });
    const cut = Buffer.concat(chunks).subarray(0, 40_000);
    const refused = await post('/cloud/v1/audio/transcriptions', cut, contentType).answer;
    expect(refused.status).toBe(400);
    expect(JSON.parse(refused.body).error.message).toMatch(/^The multipart body cannot be read: ./);
    expect((await post('/cloud/v1/chat/completions', small, 'application/json').answer).status).toBe(200);
  });

  it('the largest audio upload the body limit allows', async () => {
    const { contentType, chunks } = multipart({ model: 'Whisper-Large-v3' }, { field: 'file', name: 'speech.wav', type: 'audio/wav', bytes: wav(16_000, 800) });
    const body = Buffer.concat(chunks);
    expect(body.length).toBeLessThan(25 << 20);
    expect(body.length).toBeGreaterThan(24 << 20);
    const result = await smallFirst('/cloud/v1/audio/transcriptions', body, contentType);
    expect(result.status).toBe(200);
    expect(JSON.parse(result.body).text.length).toBeGreaterThan(0);
    expect(result.smallFirst).toBe(true);
  });
});
