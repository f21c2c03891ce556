/**
 * `npm run bench:large-body`: the longest block of the server's event loop while it handles one large
 * request (JSON chat bodies, multipart audio uploads to Cloud's transcriptions, and requests whose
 * answer is large: one with 2,000 tokens of 20 logprobs, 128 embeddings of 4,096 floats, a prompt's own logprobs;
 * structured answers to schemas of up to 90,000 members (10,000 in one object): json_schema, tool parameters, Responses text.format;
 * runs of line breaks in every prompt field; and, in check mode, the largest batch answers), side by side with a baseline checkout of the server (BASELINE, default /work/main:
 * the code before sliced parsing) in the same run. Each server runs in its own process with a 1 ms
 * interval timer (bench/server/lag-child.ts) whose longest gap, in wall time and in the process's
 * CPU time, is read after each answer; the bodies are sent by this process. Both servers are started
 * afresh for each body, whose first request (cold) is reported apart; then rounds alternate the order; medians over rounds.
 * Prints Markdown and writes it as the section "## Large request bodies (..., <date>)" (naming ONLY when set) of
 * bench/RESULTS.md, so a run on another day is appended beside the earlier ones (APPEND=0 to skip).
 * Knobs: ROUNDS (3), BASELINE (path of the baseline's source tree), ONLY (bodies whose name contains it, or one of its `|`-separated parts).
 * @module
 */
import { fork, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { benchProgress } from './progress.js';
import { writeSection } from './results-section.js';
import type { LagMessage } from './server/lag-child.js';
import { tinyPageOgg, wav } from '../test/helpers/audio.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const baselineRoot = process.env.BASELINE ?? '/work/main';
const rounds = Number(process.env.ROUNDS ?? 3);
const model = 'Meta-Llama-3.3-70B-Instruct';

interface BenchBody {
  name: string;
  path: string;
  contentType: string;
  make(): Buffer;
  /** Sent to servers in check mode (`checkResponses: 'log'`): every answer checked against the spec. */
  checked?: boolean;
}

const chatPath = '/cloud/v1/chat/completions';
const json = (name: string, make: () => string, path = chatPath): BenchBody => ({ name, path, contentType: 'application/json', make: () => Buffer.from(make()) });
const checked = (body: BenchBody): BenchBody => ({ ...body, name: `check mode: ${body.name}`, checked: true });
const batchOf = (count: number, element: (i: number) => unknown) => JSON.stringify(Array.from({ length: count }, (_, i) => element(i)));
const storyRequest = (i: number) => ({ model: 'm', messages: [{ role: 'user', content: `Tell me story ${i}.` }], max_tokens: 2000, logprobs: true, top_logprobs: 20 });
const nativeBatch = (count: number) => JSON.stringify({ items: Array.from({ length: count }, (_, i) => ({ id: `a${i}`, value: `Tell me story ${i}.` })), params: { max_tokens_to_generate: 2000, top_logprobs: 20 } });
const embeddings = () => JSON.stringify({ model: 'E5-Mistral-7B-Instruct', input: Array.from({ length: 128 }, (_, i) => `text number ${i} about embeddings`) });
const nativePath = '/api/v2/predict/generic/p/e';
/** A `process_prompt` conversation (a JSON string inside the JSON body) of about `bytes` characters. */
const conversation = (bytes: number) => JSON.stringify({ conversation_id: 'c', messages: Array.from({ length: bytes >> 12 }, (_, i) => ({ message_id: i, role: i % 2 ? 'assistant' : 'user', content: `turn ${i} `.padEnd(4000, 'x') })) });
const messages = (count: number) => Array.from({ length: count }, (_, i) => ({ role: 'user', content: `message ${i}`.padEnd(280, '.') }));
/** Properties named `p<i>`, each with the given schema. */
const properties = (count: number, each: unknown = { type: 'string' }) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`p${i}`, each]));
/** A chat body whose answer follows `schema` (`response_format: json_schema`). */
const schemaChat = (schema: unknown, extra: Record<string, unknown> = {}) => JSON.stringify({ model, messages: [{ role: 'user', content: 'Fill the form.' }], response_format: { type: 'json_schema', json_schema: { name: 'form', schema } }, ...extra });

const studioChatPath = '/v1/p/e/chat/completions';
/** One run of a single character, the largest a 25 MiB body holds with room for the rest. */
const endlessWord = 'x'.repeat(24 << 20);
/** A schema of objects `levels` deep (two JSON levels each: `properties` and the property). */
const nestedSchema = (levels: number): unknown => (levels === 0 ? { type: 'string' } : { type: 'object', properties: { a: nestedSchema(levels - 1) } });

/** Every field that carries a prompt, by API: its name, its route, and a body with `text` in it. */
const promptFields: ReadonlyArray<[string, string, (text: string) => unknown]> = [
  ['chat message', chatPath, (text) => ({ model, messages: [{ role: 'user', content: text }], max_tokens: 5 })],
  ['Responses instructions', '/cloud/v1/responses', (text) => ({ model, instructions: text, input: 'Hi.', max_output_tokens: 5 })],
  // Streamed, as the fuzz case was: its events carry the response object, `instructions` and all.
  ['Responses instructions, streamed', '/cloud/v1/responses', (text) => ({ model, instructions: text, input: 'Hi.', max_output_tokens: 5, stream: true })],
  ['Responses input', '/cloud/v1/responses', (text) => ({ model, input: text, max_output_tokens: 5 })],
  ['Messages system', '/cloud/v1/messages', (text) => ({ model, max_tokens: 5, system: text, messages: [{ role: 'user', content: 'Hi.' }] })],
  ['Messages content', '/cloud/v1/messages', (text) => ({ model, max_tokens: 5, messages: [{ role: 'user', content: text }] })],
  ['Messages count_tokens', '/cloud/v1/messages/count_tokens', (text) => ({ model, messages: [{ role: 'user', content: text }] })],
  ['completions prompt', '/cloud/v1/completions', (text) => ({ model, prompt: text, max_tokens: 5 })],
  ['SambaStudio chat', studioChatPath, (text) => ({ model: 'm', messages: [{ role: 'user', content: text }], max_tokens: 5 })],
  ['native v2 value', nativePath, (text) => ({ items: [{ id: 'a', value: text }], params: { max_tokens_to_generate: 5 } })],
  ['native generic instances', '/api/predict/generic/p/e', (text) => ({ instances: [text], params: { max_tokens_to_generate: { type: 'int', value: '5' } } })],
  ['native nlp inputs', '/api/predict/nlp/p/e', (text) => ({ inputs: [text], params: { max_tokens_to_generate: { type: 'int', value: '5' } } })],
  ['LMI inputs', '/lmi/invocations', (text) => ({ inputs: text, parameters: { max_new_tokens: 5 } })],
  ['LMI messages', '/lmi/v1/chat/completions', (text) => ({ messages: [{ role: 'user', content: text }], max_tokens: 5 })],
  ['embeddings input', '/cloud/v1/embeddings', (text) => ({ model: 'E5-Mistral-7B-Instruct', input: text })],
];

/** `unit` repeated to about `chars` characters. */
const run = (unit: string, chars: number) => unit.repeat(Math.floor(chars / unit.length));

/**
 * Issue 10's runs of line breaks (the fuzz's largest block: Responses `instructions` of 2,275,521
 * newlines, 71,112 tokens, which fit the context and come back in the answer) in every prompt field:
 * each run at that length, and newlines at the body limit (12 M, 24 MB escaped; past the context).
 */
function newlineRuns(): BenchBody[] {
  const runs: Array<[string, string, number]> = [
    ['`\\n`', '\n', 2_275_521],
    ['`\\r\\n`', '\r\n', 2_275_521],
    ['`\\r`', '\r', 2_275_521],
    ['`\\n \\n`', '\n \n', 2_275_521],
    ['`\\n`', '\n', 12_000_000],
  ];
  return runs.flatMap(([label, unit, chars]) =>
    promptFields.map(([field, path, body]) => json(`newlines ${label} x ${chars.toLocaleString('en-US')}, ${field}`, () => JSON.stringify(body(run(unit, chars))), path)),
  );
}

/**
 * Other runs at the body limit that their length alone does not refuse (a token is at most 128
 * characters: up to 16.7 M characters may fit a 128 k context, so the count reads them), and the 12 M
 * newlines in the other forms of a prompt: streamed, a content part, a system block.
 */
function atTheBodyLimit(): BenchBody[] {
  const runs: Array<[string, string, number]> = [
    // Fits the context: 16 M spaces are about 125 k tokens.
    ['spaces', ' ', 16_000_000],
    ['`x`', 'x', 16_000_000],
    ['`\\r\\n`', '\r\n', 12_000_000],
    ['`é`', 'é', 12_000_000],
    ['prose', 'The quick brown fox jumps over the lazy dog.\n', 16_000_000],
  ];
  const hi = { role: 'user', content: 'Hi.' };
  const systemBlocks = (first: string, second: string) => ({ model, max_tokens: 5, system: [{ type: 'text', text: first }, { type: 'text', text: second }], messages: [hi] });
  const forms: ReadonlyArray<[string, string, (text: string) => unknown]> = [
    ['chat message, streamed', chatPath, (text) => ({ model, messages: [{ role: 'user', content: text }], max_tokens: 5, stream: true })],
    ['chat text part', chatPath, (text) => ({ model, messages: [{ role: 'user', content: [{ type: 'text', text }] }], max_tokens: 5 })],
    ['Responses input_text part', '/cloud/v1/responses', (text) => ({ model, input: [{ role: 'user', content: [{ type: 'input_text', text }] }], max_output_tokens: 5 })],
    ['Messages system block', '/cloud/v1/messages', (text) => ({ model, max_tokens: 5, system: [{ type: 'text', text }], messages: [hi] })],
  ];
  return [
    // Fits the context, and the answer echoes `instructions`.
    json('at the body limit: spaces x 16,000,000, Responses instructions', () => JSON.stringify(promptFields[1]![2](' '.repeat(16_000_000))), promptFields[1]![1]),
    // Fits the context, and the stream's events echo `instructions`.
    json('at the body limit: spaces x 16,000,000, Responses instructions, streamed', () => JSON.stringify(promptFields[2]![2](' '.repeat(16_000_000))), promptFields[2]![1]),
    // A system of two blocks, joined: fits the context (spaces), or is refused (newlines). Of two
    // lengths: long strings of one length in a body are not told apart, and are read whole (the last row).
    json('at the body limit: spaces x 8,000,000 + 7,999,999, Messages system blocks', () => JSON.stringify(systemBlocks(' '.repeat(8_000_000), ' '.repeat(7_999_999))), '/cloud/v1/messages'),
    json('newlines `\\n` x 6,000,000 + 5,999,999, Messages system blocks', () => JSON.stringify(systemBlocks('\n'.repeat(6_000_000), '\n'.repeat(5_999_999))), '/cloud/v1/messages'),
    json('at the body limit: spaces x 2 x 8,000,000, Messages system blocks', () => JSON.stringify(systemBlocks(' '.repeat(8_000_000), ' '.repeat(8_000_000))), '/cloud/v1/messages'),
    ...runs.map(([label, unit, chars]) => json(`at the body limit: ${label} x ${chars.toLocaleString('en-US')}, chat message`, () => JSON.stringify(promptFields[0]![2](run(unit, chars))))),
    ...forms.map(([form, path, body]) => json(`newlines \`\\n\` x 12,000,000, ${form}`, () => JSON.stringify(body('\n'.repeat(12_000_000))), path)),
  ];
}

const bodies: BenchBody[] = [
  json('20 MB prompt (one string)', () => JSON.stringify({ model, messages: [{ role: 'user', content: 'x'.repeat(20 << 20) }], max_tokens: 5 })),
  json('9 MB of 30k messages, last invalid', () => JSON.stringify({ model, messages: [...messages(30_000), { role: 'robot', content: 'x' }] })),
  // Small bodies with many wrong items: every violation is described (the explain build), not the first only.
  json('11 KB of 1,000 wrong Responses input items', () => JSON.stringify({ model, input: Array.from({ length: 1000 }, () => ({ role: 7 })) }), '/cloud/v1/responses'),
  json('31 KB of 1,000 wrong chat messages', () => JSON.stringify({ model, messages: Array.from({ length: 1000 }, () => ({ role: 'robot', content: 'x' })) })),
  json('9 MB of 30k valid messages (context refusal)', () => JSON.stringify({ model, messages: messages(30_000), max_tokens: 5 })),
  json('8 MB of 160k messages (past the member limit)', () => JSON.stringify({ model, messages: Array.from({ length: 160_000 }, (_, i) => ({ role: 'user', content: `message ${i}`.padEnd(40, '.') })) })),
  json('6 MB array of 3M numbers', () => `{"model":"${model}","messages":[${'0,'.repeat(3_000_000)}0]}`),
  json('4 MB of nesting', () => `{"model":"${model}","messages":${'['.repeat(2_000_000)}${']'.repeat(2_000_000)}}`),
  json('12 MB string of escapes', () => JSON.stringify({ model, messages: [{ role: 'user', content: '"\\\n\u00e9'.repeat(2 << 20) }] })),
  // Every character an escape: the parse hands the string over a character at a time.
  json('at the body limit: 4,300,000 \\u escapes, chat message', () => `{"model":"${model}","messages":[{"role":"user","content":"${'\\u0041'.repeat(4_300_000)}"}]}`),
  json('SambaStudio chat batch element: 2,000 tokens, 20 logprobs', () => JSON.stringify([{ model: 'm', messages: [{ role: 'user', content: 'Tell me a story.' }], max_tokens: 2000, logprobs: true, top_logprobs: 20 }]), studioChatPath),
  json('native prompt: 2,000 tokens, 20 logprobs', () => JSON.stringify({ items: [{ id: 'a', value: 'Tell me a story.' }], params: { max_tokens_to_generate: 2000, top_logprobs: 20 } }), nativePath),
  json('20 MB process_prompt conversation', () => JSON.stringify({ items: [{ id: 'a', value: conversation(20 << 20) }], params: { process_prompt: true, max_tokens_to_generate: 5 } }), nativePath),
  json('embeddings: 128 inputs x 4,096 floats', embeddings, '/cloud/v1/embeddings'),
  json('LMI prompt logprobs: a prompt of 32,500 tokens (decoder_input_details)', () => JSON.stringify({ inputs: 'The quick brown fox jumps over the lazy dog.\n'.repeat(3250), parameters: { max_new_tokens: 5, details: true, decoder_input_details: true } }), '/lmi/invocations'),
  json('json_schema of 3,000 properties', () => schemaChat({ type: 'object', properties: properties(3_000) })),
  json('json_schema of 10,000 properties (the per-object member limit)', () => schemaChat({ type: 'object', properties: properties(10_000) })),
  json('json_schema of 99,000 properties {} (the member limit)', () => schemaChat({ type: 'object', properties: properties(99_000, {}) })),
  json('json_schema of 10,000 required properties', () => schemaChat({ type: 'object', properties: properties(10_000), required: Array.from({ length: 10_000 }, (_, i) => `p${i}`) })),
  json('json_schema: 10,000 properties by $ref', () => schemaChat({ type: 'object', $defs: { s: { type: 'string' } }, properties: properties(10_000, { $ref: '#/$defs/s' }) })),
  json('json_schema: 90,000 unused members in 9 definitions, a 1-property answer', () => schemaChat({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'], $defs: Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`unused${i}`, { properties: properties(10_000, {}) }])) })),
  json('json_schema: minItems 1,000 two arrays deep (10^6 values)', () => schemaChat({ type: 'array', minItems: 1000, items: { type: 'array', items: { type: 'integer' }, minItems: 1000 } })),
  json('tool parameters of 8,000 properties (tool_choice required)', () => JSON.stringify({ model, messages: [{ role: 'user', content: 'Call it.' }], tools: [{ type: 'function', function: { name: 'fill', parameters: { type: 'object', properties: properties(8_000) } } }], tool_choice: 'required' })),
  json('Responses text.format of 10,000 properties', () => JSON.stringify({ model, input: 'Fill the form.', text: { format: { type: 'json_schema', name: 'form', schema: { type: 'object', properties: properties(10_000) } } } }), '/cloud/v1/responses'),
  // Issue 10's hostile shapes: each field at the largest size the APIs' limits allow (25 MiB bodies, 100,000 members, 10,000 in one object, 64 levels),
  // and the 99,000-member objects the per-object limit now refuses.
  json('json_schema: 9 objects of 10,000 properties {}', () => schemaChat({ type: 'object', properties: Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`o${i}`, { type: 'object', properties: properties(10_000, {}) }])) })),
  json('json_schema, SambaStudio chat: 10,000 properties', () => schemaChat({ type: 'object', properties: properties(10_000, {}) }), studioChatPath),
  json('Responses text.format: 9 objects of 10,000 properties {}', () => JSON.stringify({ model, input: 'Fill the form.', text: { format: { type: 'json_schema', name: 'form', schema: { type: 'object', properties: Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`o${i}`, { type: 'object', properties: properties(10_000, {}) }])) } } } }), '/cloud/v1/responses'),
  json('logit_bias of 10,000 keys', () => JSON.stringify({ model, messages: [{ role: 'user', content: 'Hi.' }], logit_bias: Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [String(i), 1])), max_tokens: 5 })),
  json('json_schema, SambaStudio chat: 99,000 properties', () => schemaChat({ type: 'object', properties: properties(99_000, {}) }), studioChatPath),
  json('Responses text.format of 99,000 properties', () => JSON.stringify({ model, input: 'Fill the form.', text: { format: { type: 'json_schema', name: 'form', schema: { type: 'object', properties: properties(99_000, {}) } } } }), '/cloud/v1/responses'),
  json('Messages tool input_schema of 99,000 properties (tool_choice any)', () => JSON.stringify({ model, max_tokens: 100, messages: [{ role: 'user', content: 'Call it.' }], tools: [{ name: 'fill', input_schema: { type: 'object', properties: properties(99_000, {}) } }], tool_choice: { type: 'any' } }), '/cloud/v1/messages'),
  json('tool parameters of 99,000 properties (tool_choice required)', () => JSON.stringify({ model, messages: [{ role: 'user', content: 'Call it.' }], tools: [{ type: 'function', function: { name: 'fill', parameters: { type: 'object', properties: properties(99_000, {}) } } }], tool_choice: 'required' })),
  json('24 MB word, unknown model', () => JSON.stringify({ model: 'no-such-model', messages: [{ role: 'user', content: endlessWord }] })),
  json('24 MB word, Responses input', () => JSON.stringify({ model, input: endlessWord, max_output_tokens: 5 }), '/cloud/v1/responses'),
  json('24 MB word, Messages content', () => JSON.stringify({ model, max_tokens: 5, messages: [{ role: 'user', content: endlessWord }] }), '/cloud/v1/messages'),
  json('24 MB word, completions prompt', () => JSON.stringify({ model, prompt: endlessWord, max_tokens: 5 }), '/cloud/v1/completions'),
  json('24 MB word, SambaStudio chat', () => JSON.stringify({ model: 'm', messages: [{ role: 'user', content: endlessWord }], max_tokens: 5 }), studioChatPath),
  json('24 MB word, native v2 prompt', () => JSON.stringify({ items: [{ id: 'a', value: endlessWord }], params: { max_tokens_to_generate: 5 } }), nativePath),
  json('24 MB word, LMI inputs', () => JSON.stringify({ inputs: endlessWord, parameters: { max_new_tokens: 5 } }), '/lmi/invocations'),
  json('24 MB word, tool name (tool_choice required)', () => JSON.stringify({ model, messages: [{ role: 'user', content: 'Call it.' }], tools: [{ type: 'function', function: { name: endlessWord, parameters: { type: 'object' } } }], tool_choice: 'required' })),
  json('24 MB word, tool description', () => JSON.stringify({ model, messages: [{ role: 'user', content: 'Call it.' }], tools: [{ type: 'function', function: { name: 'f', description: endlessWord, parameters: { type: 'object' } } }], max_tokens: 5 })),
  json('24 MB word, stop string', () => JSON.stringify({ model, messages: [{ role: 'user', content: 'Hi.' }], stop: [endlessWord], max_tokens: 50 })),
  json('24 MB word, embeddings input', () => JSON.stringify({ model: 'E5-Mistral-7B-Instruct', input: endlessWord }), '/cloud/v1/embeddings'),
  json('24 MB image data URL', () => JSON.stringify({ model: 'Llama-4-Maverick-17B-128E-Instruct', messages: [{ role: 'user', content: [{ type: 'text', text: 'What is it?' }, { type: 'image_url', image_url: { url: `data:image/png;base64,${'A'.repeat(24 << 20)}` } }] }], max_tokens: 5 })),
  json('json_schema nested at the depth limit, 1,000 times', () => schemaChat({ type: 'object', properties: properties(1_000, nestedSchema(29)) }, { max_tokens: 200 })),
  json('json_schema examples: 1,500 arrays 56 deep', () => schemaChat({ type: 'object', properties: { city: { type: 'string' } }, examples: Array.from({ length: 1_500 }, () => JSON.parse(`${'['.repeat(56)}${']'.repeat(56)}`)) })),
  json('33,000 messages (the member limit), valid', () => JSON.stringify({ model, messages: Array.from({ length: 33_000 }, () => ({ role: 'user', content: 'x' })), max_tokens: 5 })),
  json('24 MB of messages (refused at the member limit)', () => JSON.stringify({ model, messages: Array.from({ length: 600_000 }, () => ({ role: 'user', content: 'x'.repeat(10) })) })),
  json('33,000 content parts in one message', () => JSON.stringify({ model, messages: [{ role: 'user', content: Array.from({ length: 33_000 }, () => ({ type: 'text', text: 'x' })) }], max_tokens: 5 })),
  json('SambaStudio chat batch: 256 requests of 90 KB', () => batchOf(256, () => ({ model: 'm', messages: [{ role: 'user', content: 'word '.repeat(18_000) }], max_tokens: 5 })), studioChatPath),
  json('embeddings input: 99,000 strings', () => JSON.stringify({ model: 'E5-Mistral-7B-Instruct', input: Array.from({ length: 99_000 }, (_, i) => `t${i}`) }), '/cloud/v1/embeddings'),
  json('embeddings input: 24 MB of strings (past the member limit)', () => JSON.stringify({ model: 'E5-Mistral-7B-Instruct', input: Array.from({ length: 1_700_000 }, () => 'text number') }), '/cloud/v1/embeddings'),
  json('logit_bias of 99,000 keys', () => JSON.stringify({ model, messages: [{ role: 'user', content: 'Hi.' }], logit_bias: Object.fromEntries(Array.from({ length: 99_000 }, (_, i) => [String(i), 1])), max_tokens: 5 })),
  json('Responses metadata of 99,000 keys', () => JSON.stringify({ model, input: 'Hi.', metadata: Object.fromEntries(Array.from({ length: 99_000 }, (_, i) => [`k${i}`, 'v'])), max_output_tokens: 5 }), '/cloud/v1/responses'),
  json('Messages metadata of 99,000 keys', () => JSON.stringify({ model, max_tokens: 5, messages: [{ role: 'user', content: 'Hi.' }], metadata: Object.fromEntries(Array.from({ length: 99_000 }, (_, i) => [`k${i}`, 'v'])) }), '/cloud/v1/messages'),
  json('native v2 params of 99,000 keys', () => JSON.stringify({ items: [{ id: 'a', value: 'Hi.' }], params: { max_tokens_to_generate: 5, ...Object.fromEntries(Array.from({ length: 99_000 }, (_, i) => [`k${i}`, 1])) } }), nativePath),
  ...newlineRuns(),
  ...atTheBodyLimit(),
  checked(json('SambaStudio chat batch of 256, 20 logprobs (85 MB answer)', () => batchOf(256, storyRequest), studioChatPath)),
  checked(json('native batch of 256, 20 logprobs (31 MB answer)', () => nativeBatch(256), nativePath)),
  checked(json('embeddings: 128 inputs x 4,096 floats', embeddings, '/cloud/v1/embeddings')),
  upload('25 MB WAV upload (multipart, 800 s)', 'speech.wav', 'audio/wav', () => wav(16_000, 800)),
  upload('6 MB Ogg of 200k tiny pages (multipart)', 'speech.ogg', 'audio/ogg', () => tinyPageOgg(200_000)),
];

/** A transcription upload to Cloud (`/audio/transcriptions`): one multipart body with the model and the file. */
function upload(name: string, filename: string, type: string, file: () => Uint8Array): BenchBody {
  const boundary = '----sambakit-bench';
  return {
    name,
    path: '/cloud/v1/audio/transcriptions',
    contentType: `multipart/form-data; boundary=${boundary}`,
    make: () =>
      Buffer.concat([
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="model"\r\n\r\nWhisper-Large-v3\r\n`),
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`),
        file(),
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]),
  };
}

interface Server {
  child: ChildProcess;
  port: number;
  reset(): void;
  read(): Promise<{ worstWallMs: number; worstCpuMs: number }>;
}

async function start(tree: string, checkResponses: 'off' | 'log'): Promise<Server> {
  const child = fork(fileURLToPath(new URL('server/lag-child.ts', import.meta.url)), [tree, checkResponses], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve) => child.once('message', (message: LagMessage) => message.type === 'listening' && resolve(message.port)));
  return {
    child,
    port,
    reset: () => child.send({ type: 'reset' }),
    read: () =>
      new Promise((resolve) => {
        child.once('message', (answer: LagMessage) => answer.type === 'lag' && resolve(answer));
        child.send({ type: 'read' });
      }),
  };
}

function post(port: number, target: BenchBody, body: Buffer): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: target.path, method: 'POST', agent: false, headers: { authorization: 'Bearer sk-bench', key: 'sk-bench', 'content-type': target.contentType } }, (res) => {
      res.resume().on('end', () => resolve({ status: res.statusCode!, ms: performance.now() - started }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

interface Measured {
  worstWallMs: number;
  worstCpuMs: number;
  totalMs: number;
  status: number;
}

async function measure(server: Server, target: BenchBody, body: Buffer): Promise<Measured> {
  server.reset();
  const { status, ms } = await post(server.port, target, body);
  return { ...(await server.read()), totalMs: ms, status };
}

const median = (values: number[]) => values.slice().sort((a, b) => a - b)[values.length >> 1]!;

const load = loadavg();
const progress = benchProgress('large-body');
const only = process.env.ONLY;
const chosen = bodies.filter((candidate) => only === undefined || only.split('|').some((part) => candidate.name.includes(part)));

async function stop(server: Server): Promise<void> {
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  server.child.disconnect();
  await exited;
}

const rows: string[] = [];
for (const [index, target] of chosen.entries()) {
  const { name } = target;
  // Fresh servers per body: its first request is a fresh process's (cold code, a heap still growing), measured apart.
  progress.phase(`${name}: starting the current server and the baseline's (${baselineRoot})`);
  const mode = target.checked ? 'log' : 'off';
  const [current, baseline] = await Promise.all([start(root, mode), start(baselineRoot, mode)]);
  const body = target.make();
  const cold = { current: undefined as Measured | undefined, baseline: undefined as Measured | undefined };
  for (const which of index % 2 ? (['baseline', 'current'] as const) : (['current', 'baseline'] as const)) cold[which] = await measure(which === 'current' ? current : baseline, target, body);
  const results = { current: [] as Measured[], baseline: [] as Measured[] };
  for (let round = 0; round < rounds; round++) {
    progress.round(name, round + 1, rounds);
    const order = round % 2 ? (['baseline', 'current'] as const) : (['current', 'baseline'] as const);
    for (const which of order) results[which].push(await measure(which === 'current' ? current : baseline, target, body));
  }
  await Promise.all([stop(current), stop(baseline)]);
  const of = (which: 'current' | 'baseline', key: keyof Measured) => median(results[which].map((r) => r[key]));
  const coldCells = [cold.baseline!.worstCpuMs, cold.current!.worstCpuMs, cold.baseline!.worstWallMs, cold.current!.worstWallMs];
  const warmCells = [
    of('baseline', 'worstCpuMs'),
    of('current', 'worstCpuMs'),
    of('current', 'worstCpuMs') / of('baseline', 'worstCpuMs'),
    of('baseline', 'worstWallMs'),
    of('current', 'worstWallMs'),
    of('baseline', 'totalMs'),
    of('current', 'totalMs'),
  ];
  const cells = [...coldCells.map((value) => value.toFixed(0)), ...warmCells.map((value, i) => value.toFixed(i === 2 ? 2 : 0))];
  const row = `| ${name} | ${cells.join(' | ')} | ${results.baseline[0]!.status} / ${results.current[0]!.status} |`;
  rows.push(row);
  process.stderr.write(`${row}\n`);
}

const endLoad = loadavg();
// A run of some bodies only gets a section of its own, beside (not over) the day's full run.
const heading = `## Large request bodies (\`npm run bench:large-body\`${only === undefined ? '' : ` ONLY='${only}'`}, ${new Date().toISOString().slice(0, 10)})`;
const section = [
  heading,
  '',
  'The longest turn of the server\'s event loop (the longest gap of a 1 ms interval timer) while it handles',
  'one large request (chat on `/cloud/v1/chat/completions`, uploads on `/cloud/v1/audio/transcriptions`, other APIs as named; a large answer counts too;',
  '"check mode" rows go to servers that check every answer against the spec, `checkResponses: \'log\'`), and the time to its answer, against a baseline checkout of',
  'the server in the same run (each in its own process, started afresh for each body; order alternating; medians). "Cold" is the',
  'first request of the fresh processes (code not yet optimised, a heap still growing), one sample; the other figures are the',
  'requests after it. CPU ms is the',
  'process\'s CPU time over that gap (GC threads included): the work held in one turn, which the load of',
  'a shared machine does not inflate; wall ms adds the time the process waited for a core.',
  '',
  `${new Date().toISOString().slice(0, 10)}, ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'} (shared; load ${load.map((l) => l.toFixed(1)).join(' / ')} at the start, ${endLoad.map((l) => l.toFixed(1)).join(' / ')} at the end), Node ${process.version}, ${rounds} rounds; baseline: ${baselineRoot}.`,
  '',
  '| body | cold: worst turn CPU ms, baseline | now | cold: wall ms, baseline | now | worst turn CPU ms, baseline | now | ÷ baseline | worst turn wall ms, baseline | now | answer ms, baseline | now | status baseline / now |',
  '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
  ...rows,
  '',
];
process.stdout.write(`${section.join('\n')}\n`);
if (process.env.APPEND !== '0') writeSection(fileURLToPath(new URL('RESULTS.md', import.meta.url)), heading, section.join('\n'));
