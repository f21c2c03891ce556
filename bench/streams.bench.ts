/**
 * `npm run bench:streams`: in-memory decode speed of `sambakit/streams` and of the client's typed
 * streams (`ItemStream`, what `cloud.chat({ stream: true })` returns, with the call's stall timer;
 * per-item validation off and on) next to
 * a hand-written loop of the same framing (the reference, 1.0), raw eventsource-parser and the openai SDK's decoders, on
 * the same bytes (~50k `chat.completion.chunk` events of ~200 B, as SSE and as JSON lines) fed as a
 * web ReadableStream in 256-byte and 64-KiB reads, each read its own buffer as fetch gives them. Every decoder runs once per read size per round,
 * the order rotating each round; ratios are taken within a round, then the median over rounds.
 * Prints the table for bench/RESULTS.md. EVENTS, ROUNDS, SAMPLES, READS=views and ONLY (a regex of decoder
 * names) shorten a run.
 * @module
 */
import { cpus, loadavg } from 'node:os';
import { createParser } from 'eventsource-parser';
import { Stream } from 'openai/core/streaming';
import { createStreamItemsDecoder, encodeJSONLine, encodeSSE, iterateStreamItems, type StreamFramingSpec } from '../src/streams/index.js';
import { CallTimer } from '../src/client/call-timer.js';
import { clientDefaults } from '../src/client/options.js';
import { ItemStream } from '../src/client/item-stream.js';
import { jsonlItemDecoder, sseItemDecoder } from '../src/streams/stream-items.js';
import { specValidator } from '../src/client/validation.js';
import { benchProgress } from './progress.js';

const events = Number(process.env.EVENTS ?? 50_000);
const rounds = Number(process.env.ROUNDS ?? 7);
// Samples per decoder per round, of which the median counts: one pass is ~0.1 s, short enough for a shared machine's noise to swing it.
const samplesPerRound = Number(process.env.SAMPLES ?? 3);
const readSizes = [256, 64 * 1024] as const;

interface Chunk {
  choices: Array<{ delta: { content?: string } }>;
}

// --- the bytes -----------------------------------------------------------------------------------

function chunkValue(i: number): unknown {
  return {
    id: 'chatcmpl-7d1f0c9e2b6a',
    object: 'chat.completion.chunk',
    created: 1_763_800_000 + Math.floor(i / 50),
    model: 'Meta-Llama-3.3-70B-Instruct',
    // Valid SambaNova Cloud and LMI chunks, so the client's per-item validation passes them.
    system_fingerprint: 'fastcoe',
    choices: [{ index: 0, delta: { content: ` tok${i}` }, logprobs: null, finish_reason: null }],
  };
}

const values = Array.from({ length: events }, (_, i) => chunkValue(i));
const sseText = values.map((v) => encodeSSE({ data: JSON.stringify(v) })).join('') + encodeSSE({ data: '[DONE]' });
const jsonlText = values.map((v) => encodeJSONLine(v)).join('');
const sseBytes = new TextEncoder().encode(sseText);
const jsonlBytes = new TextEncoder().encode(jsonlText);
const expectedSum = values.reduce<number>((sum, v) => sum + ((v as Chunk).choices[0]!.delta.content ?? '').length, 0);

// Each read is its own buffer, as fetch hands them out (a new Uint8Array per read off the socket), so
// keeping a read costs what it costs on a live stream; every decoder pays the same copy. READS=views
// feeds views of one buffer instead, as runs before 2026-12-06 (session 9) did.
const readsAsViews = process.env.READS === 'views';

/** The bytes as a pull-based web stream of fixed-size reads. */
function bodyOf(bytes: Uint8Array, readSize: number): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(readsAsViews ? bytes.subarray(offset, offset + readSize) : bytes.slice(offset, offset + readSize));
      offset += readSize;
    },
  });
}

// --- the decoders: each returns the sum of content lengths, checked against expectedSum ------------

const sseFraming: StreamFramingSpec = { framing: 'sse', terminator: '[DONE]', errorEvents: ['error', 'error_event'] };
const jsonlFraming: StreamFramingSpec = { framing: 'jsonl' };
const contentLength = (v: Chunk) => (v.choices[0]?.delta.content ?? '').length;

async function handwrittenSSE(body: ReadableStream<Uint8Array>): Promise<number> {
  const reader = body.getReader();
  const text = new TextDecoder();
  let buffer = '';
  let sum = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffer += text.decode(value, { stream: true });
    let start = 0;
    let end: number;
    while ((end = buffer.indexOf('\n\n', start)) !== -1) {
      const event = buffer.slice(start, end);
      start = end + 2;
      if (!event.startsWith('data: ')) continue;
      const data = event.slice(6);
      if (data === '[DONE]') continue;
      sum += contentLength(JSON.parse(data) as Chunk);
    }
    buffer = buffer.slice(start);
  }
  return sum;
}

/**
 * The SSE loop's items handed out through the least an async iterator can be (a queue per read, the
 * reader's promise and one `then`): what the iterator protocol itself costs, one promise and one await
 * per item that REF does not pay. Not a baseline: the floor any typed stream of items reads at.
 */
async function handwrittenSSEIterator(body: ReadableStream<Uint8Array>): Promise<number> {
  const reader = body.getReader();
  const text = new TextDecoder();
  let buffer = '';
  let queue: Chunk[] = [];
  let head = 0;
  const decode = (read: ReadableStreamReadResult<Uint8Array>): IteratorResult<Chunk> | Promise<IteratorResult<Chunk>> => {
    if (read.done) return { done: true, value: undefined };
    buffer += text.decode(read.value, { stream: true });
    queue = [];
    head = 0;
    let start = 0;
    let end: number;
    while ((end = buffer.indexOf('\n\n', start)) !== -1) {
      const event = buffer.slice(start, end);
      start = end + 2;
      if (event.startsWith('data: ') && event !== 'data: [DONE]') queue.push(JSON.parse(event.slice(6)) as Chunk);
    }
    buffer = buffer.slice(start);
    return head < queue.length ? { done: false, value: queue[head++]! } : reader.read().then(decode);
  };
  const items: AsyncIterable<Chunk> = {
    [Symbol.asyncIterator]: () => ({ next: () => (head < queue.length ? Promise.resolve({ done: false, value: queue[head++]! }) : reader.read().then(decode)) }),
  };
  let sum = 0;
  for await (const chunk of items) sum += contentLength(chunk);
  return sum;
}

async function handwrittenJSONL(body: ReadableStream<Uint8Array>): Promise<number> {
  const reader = body.getReader();
  const text = new TextDecoder();
  let buffer = '';
  let sum = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffer += text.decode(value, { stream: true });
    let start = 0;
    let end: number;
    while ((end = buffer.indexOf('\n', start)) !== -1) {
      const line = buffer.slice(start, end);
      start = end + 1;
      if (line !== '') sum += contentLength(JSON.parse(line) as Chunk);
    }
    buffer = buffer.slice(start);
  }
  return sum;
}

async function eventsourceParserFeed(body: ReadableStream<Uint8Array>): Promise<number> {
  let sum = 0;
  const parser = createParser({
    onEvent(event) {
      if (event.data !== '[DONE]') sum += contentLength(JSON.parse(event.data) as Chunk);
    },
  });
  const reader = body.getReader();
  const text = new TextDecoder();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parser.feed(text.decode(value, { stream: true }));
  }
  return sum;
}

async function oursItems(body: ReadableStream<Uint8Array>, framing: StreamFramingSpec): Promise<number> {
  let sum = 0;
  for await (const item of iterateStreamItems<Chunk>(body, framing)) if (item.kind === 'item') sum += contentLength(item.value);
  return sum;
}

async function oursPush(body: ReadableStream<Uint8Array>): Promise<number> {
  let sum = 0;
  const decoder = createStreamItemsDecoder<Chunk>(sseFraming, {
    onItem(item) {
      if (item.kind === 'item') sum += contentLength(item.value);
    },
  });
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    decoder.feed(value);
  }
  decoder.end();
  return sum;
}

async function openaiSSE(body: ReadableStream<Uint8Array>): Promise<number> {
  let sum = 0;
  const stream = Stream.fromSSEResponse<Chunk>(new Response(body, { headers: { 'content-type': 'text/event-stream' } }), new AbortController());
  for await (const chunk of stream) sum += contentLength(chunk);
  return sum;
}

async function openaiJSONL(body: ReadableStream<Uint8Array>): Promise<number> {
  let sum = 0;
  for await (const chunk of Stream.fromReadableStream<Chunk>(body, new AbortController())) sum += contentLength(chunk);
  return sum;
}

/** The client's typed stream over a body, as a call returns it once the answer's head came: the call's timer (default total and stall timeouts) runs. */
async function clientItems(body: ReadableStream<Uint8Array>, framing: StreamFramingSpec, validate: 'off' | 'throw', api: 'sambanova-cloud' | 'lmi', mediaType: string, keepItems = true): Promise<number> {
  const timer = new CallTimer(undefined, clientDefaults.timeout, clientDefaults.stallTimeout);
  const answer = { response: new Response(body, { headers: { 'content-type': mediaType } }), timer, requestId: 'r', operationId: 'createChatCompletion' };
  const decoder = framing.framing === 'sse' ? sseItemDecoder : jsonlItemDecoder;
  // As the client builds it (src/client/operation-client.ts): only a validating call carries the validator, and a stream checks every item it is given one for.
  const validator = validate === 'off' ? undefined : validators[api];
  const stream = new ItemStream<Chunk>({ answer, framing, decoder, mediaType, validate, validator, hooks: undefined, apiKey: 'k', keepItems });
  let sum = 0;
  for await (const chunk of stream) sum += contentLength(chunk);
  return sum;
}
const validators = { 'sambanova-cloud': specValidator('sambanova-cloud'), lmi: specValidator('lmi') };

const reference = 'hand-written `indexOf` SSE loop (REF)';
const jsonlReference = 'hand-written `indexOf` JSONL loop (REF)';
const decoders: Record<string, { bytes: Uint8Array; run: (body: ReadableStream<Uint8Array>) => Promise<number> }> = {
  [reference]: { bytes: sseBytes, run: handwrittenSSE },
  'the same SSE loop through a minimal async iterator (the protocol\'s floor)': { bytes: sseBytes, run: handwrittenSSEIterator },
  'sambakit `iterateStreamItems` SSE': { bytes: sseBytes, run: (b) => oursItems(b, sseFraming) },
  'sambakit `createStreamItemsDecoder` SSE (push)': { bytes: sseBytes, run: oursPush },
  'eventsource-parser `feed` + JSON.parse': { bytes: sseBytes, run: eventsourceParserFeed },
  'openai `Stream.fromSSEResponse`': { bytes: sseBytes, run: openaiSSE },
  'sambakit client `ItemStream` SSE, validation off': { bytes: sseBytes, run: (b) => clientItems(b, sseFraming, 'off', 'sambanova-cloud', 'text/event-stream') },
  'sambakit client `ItemStream` SSE, validation on': { bytes: sseBytes, run: (b) => clientItems(b, sseFraming, 'throw', 'sambanova-cloud', 'text/event-stream') },
  'sambakit client `ItemStream` SSE, validation off, keepItems off': { bytes: sseBytes, run: (b) => clientItems(b, sseFraming, 'off', 'sambanova-cloud', 'text/event-stream', false) },
  'sambakit client `ItemStream` SSE, validation on, keepItems off': { bytes: sseBytes, run: (b) => clientItems(b, sseFraming, 'throw', 'sambanova-cloud', 'text/event-stream', false) },
  [jsonlReference]: { bytes: jsonlBytes, run: handwrittenJSONL },
  'sambakit `iterateStreamItems` JSONL': { bytes: jsonlBytes, run: (b) => oursItems(b, jsonlFraming) },
  'openai `Stream.fromReadableStream` JSONL': { bytes: jsonlBytes, run: openaiJSONL },
  'sambakit client `ItemStream` JSONL, validation off': { bytes: jsonlBytes, run: (b) => clientItems(b, jsonlFraming, 'off', 'lmi', 'application/jsonlines') },
  'sambakit client `ItemStream` JSONL, validation on': { bytes: jsonlBytes, run: (b) => clientItems(b, jsonlFraming, 'throw', 'lmi', 'application/jsonlines') },
  'sambakit client `ItemStream` JSONL, validation off, keepItems off': { bytes: jsonlBytes, run: (b) => clientItems(b, jsonlFraming, 'off', 'lmi', 'application/jsonlines', false) },
  'sambakit client `ItemStream` JSONL, validation on, keepItems off': { bytes: jsonlBytes, run: (b) => clientItems(b, jsonlFraming, 'throw', 'lmi', 'application/jsonlines', false) },
};

// --- the rounds ------------------------------------------------------------------------------------

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

const gc = (globalThis as { gc?: () => void }).gc;

async function sampleOnce(name: string, readSize: number): Promise<number> {
  const decoder = decoders[name]!;
  gc?.();
  const started = performance.now();
  const sum = await decoder.run(bodyOf(decoder.bytes, readSize));
  const seconds = (performance.now() - started) / 1000;
  if (sum !== expectedSum) throw new Error(`${name} decoded a different stream: sum ${sum}, expected ${expectedSum}`);
  return events / seconds;
}

async function sample(name: string, readSize: number): Promise<number> {
  const got: number[] = [];
  for (let i = 0; i < samplesPerRound; i++) got.push(await sampleOnce(name, readSize));
  return median(got);
}

// ONLY=<regex> keeps the references and the decoders whose names match (a quick look at a few).
const only = process.env.ONLY ? new RegExp(process.env.ONLY) : undefined;
const names = Object.keys(decoders).filter((name) => name === reference || name === jsonlReference || !only || only.test(name));
// Each decoder against the minimal loop over the same bytes: SSE rows against the SSE loop, JSON-lines rows against the JSON-lines loop.
const referenceOf = (name: string) => (decoders[name]!.bytes === jsonlBytes ? jsonlReference : reference);
const loadAtStart = loadavg()[0]!;
// rates[size][name] = chunks/s per round; ratios likewise, against the reference of its framing in the same round.
const rates = new Map<number, Map<string, number[]>>(readSizes.map((s) => [s, new Map(names.map((n) => [n, []]))]));
const ratios = new Map<number, Map<string, number[]>>(readSizes.map((s) => [s, new Map(names.map((n) => [n, []]))]));

const progress = benchProgress('streams');
for (let round = -1; round < rounds; round++) {
  if (round < 0) progress.phase('warm-up round (not counted)');
  else progress.round('decoding with every decoder at every read size', round + 1, rounds);
  // Rotate the order so no decoder always runs first (JIT warm-up) or right after a heavy one (GC debt).
  const shift = ((round % names.length) + names.length) % names.length;
  const order = [...names.slice(shift), ...names.slice(0, shift)];
  if (round % 2 === 1) order.reverse();
  for (const size of readSizes) {
    const got = new Map<string, number>();
    for (const name of order) got.set(name, await sample(name, size));
    if (round < 0) continue; // warm-up round, not counted
    for (const name of names) {
      rates.get(size)!.get(name)!.push(got.get(name)!);
      ratios.get(size)!.get(name)!.push(got.get(name)! / got.get(referenceOf(name))!);
    }
  }
}

const k = (x: number) => `${Math.round(x / 1000)}k`;
const r = (xs: number[]) => `${median(xs).toFixed(2)} [${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}]`;

const cpu = cpus();
const lines = [
  `${new Date().toISOString().slice(0, 10)}, ${cpu.length} x ${cpu[0]?.model ?? 'unknown CPU'}, Node ${process.version}, load ${loadAtStart.toFixed(2)} at start / ${loadavg()[0]!.toFixed(2)} at end, ` +
    `${events} events (${(sseBytes.length / 1e6).toFixed(1)} MB SSE, ${(jsonlBytes.length / 1e6).toFixed(1)} MB JSON lines, ~${Math.round(jsonlBytes.length / events)} B per item), ${rounds} rounds (+1 warm-up) x ${samplesPerRound} samples, reads ${readsAsViews ? 'as views of one buffer' : 'each its own buffer'}.`,
  '',
  '| decoder | ÷ REF of its framing, 256-B reads | ÷ REF, 64-KiB reads | chunks/s (256 B / 64 KiB) |',
  '|---|---:|---:|---:|',
  ...names.map((name) => `| ${name} | ${r(ratios.get(256)!.get(name)!)} | ${r(ratios.get(65536)!.get(name)!)} | ${k(median(rates.get(256)!.get(name)!))} / ${k(median(rates.get(65536)!.get(name)!))} |`),
];
console.log(lines.join('\n'));
