/**
 * `npm run bench:streams`: in-memory decode speed of `sambakit/streams` and of the client's typed
 * streams (`ItemStream`, what `cloud.chat({ stream: true })` returns, with the call's stall timer;
 * per-item validation off and on) next to
 * a hand-written loop of the same framing (the reference, 1.0), raw eventsource-parser and the openai SDK's decoders, on
 * the same bytes (~50k `chat.completion.chunk` events of ~200 B, as SSE and as JSON lines) fed as a
 * web ReadableStream in 256-byte and 64-KiB reads, each read its own buffer as fetch gives them. In every round each
 * decoder runs at each read size beside REF (passes alternating, each after a full GC and a short untimed stream), the order of decoders
 * rotating; a round's ratio is REF's time ÷ the decoder's, by the wall clock and by the process's CPU time (which
 * a busy machine's waits do not inflate), then the median over rounds. Prints the table for bench/RESULTS.md.
 * EVENTS, ROUNDS, SAMPLES, READS=views and ONLY (a regex of decoder names) shorten a run; GC=off skips the full GC
 * before each pass (each pass then pays for the garbage of the ones before it); BASE=<another
 * checkout> adds that tree's client rows, marked "(BASE)", for a before/after in the same run.
 * @module
 */
import { cpus, loadavg } from 'node:os';
import { createParser } from 'eventsource-parser';
import { Stream } from 'openai/core/streaming';
import { createStreamItemsDecoder, encodeJSONLine, encodeSSE, iterateStreamItems, type StreamFramingSpec } from '../src/streams/index.js';
import { pathToFileURL } from 'node:url';
import { benchProgress } from './progress.js';

const events = Number(process.env.EVENTS ?? 50_000);
const rounds = Number(process.env.ROUNDS ?? 7);
// Passes per decoder per round, each beside a pass of REF; a pass is ~0.1-0.5 s quiet.
const samplesPerRound = Number(process.env.SAMPLES ?? 2);
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
// A short stream of the same framing, read untimed by each decoder right after the collection before its pass:
// the collection lets go of the maps and closures of the streams before, and the optimized code that named them is
// dropped with them (--trace-deopt: ~4 functions per pass, REF's too); this stream compiles it again, outside the timing.
const warmUpEvents = values.slice(0, 1000);
const warmUps = new Map<Uint8Array, Uint8Array>([
  [sseBytes, new TextEncoder().encode(warmUpEvents.map((v) => encodeSSE({ data: JSON.stringify(v) })).join('') + encodeSSE({ data: '[DONE]' }))],
  [jsonlBytes, new TextEncoder().encode(warmUpEvents.map((v) => encodeJSONLine(v)).join(''))],
]);
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

/** `kept`, when given, holds every read until the stream is read: what keeping the body costs REF itself (the client keeps it by default). */
async function handwrittenSSE(body: ReadableStream<Uint8Array>, kept?: Uint8Array[]): Promise<number> {
  const reader = body.getReader();
  const text = new TextDecoder();
  let buffer = '';
  let sum = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    kept?.push(value);
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

async function handwrittenJSONL(body: ReadableStream<Uint8Array>, kept?: Uint8Array[]): Promise<number> {
  const reader = body.getReader();
  const text = new TextDecoder();
  let buffer = '';
  let sum = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    kept?.push(value);
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

/** A decoder of the table: the bytes it reads, and a pass over them that returns the sum of content lengths. */
interface Row {
  bytes: Uint8Array;
  run: (body: ReadableStream<Uint8Array>) => Promise<number>;
}

type ClientRow = (body: ReadableStream<Uint8Array>, framing: StreamFramingSpec, validate: 'off' | 'throw', api: 'sambanova-cloud' | 'lmi', mediaType: string, keepItems?: boolean) => Promise<number>;

/**
 * The client's typed stream over a body, as a call returns it once the answer's head came (the call's
 * timer runs, with the default total and stall timeouts), from the client of the checkout at `root`:
 * this one, or BASE's for a before/after in the same run.
 */
async function clientOf(root: URL): Promise<ClientRow> {
  const from = <M>(path: string): Promise<M> => import(new URL(path, root).href) as Promise<M>;
  const [{ CallTimer }, { clientDefaults }, { ItemStream }, { jsonlItemDecoder, sseItemDecoder }, { specValidator }] = await Promise.all([
    from<typeof import('../src/client/call-timer.js')>('src/client/call-timer.ts'),
    from<typeof import('../src/client/options.js')>('src/client/options.ts'),
    from<typeof import('../src/client/item-stream.js')>('src/client/item-stream.ts'),
    from<typeof import('../src/streams/stream-items.js')>('src/streams/stream-items.ts'),
    from<typeof import('../src/client/validation.js')>('src/client/validation.ts'),
  ]);
  const validators = { 'sambanova-cloud': specValidator('sambanova-cloud'), lmi: specValidator('lmi') };
  return async (body, framing, validate, api, mediaType, keepItems = true) => {
    const timer = new CallTimer(undefined, clientDefaults.timeout, clientDefaults.stallTimeout);
    const answer = { response: new Response(body, { headers: { 'content-type': mediaType } }), timer, requestId: 'r', operationId: 'createChatCompletion' };
    const decoder = framing.framing === 'sse' ? sseItemDecoder : jsonlItemDecoder;
    // As the client builds it (src/client/operation-client.ts): only a validating call carries the validator, and a stream checks every item it is given one for.
    const validator = validate === 'off' ? undefined : validators[api];
    const stream = new ItemStream<Chunk>({ answer, framing, decoder, mediaType, validate, validator, hooks: undefined, apiKey: 'k', keepItems });
    let sum = 0;
    for await (const chunk of stream) sum += contentLength(chunk);
    return sum;
  };
}

// BASE=<another checkout> (its node_modules in place) adds its client's rows, marked "(BASE)": before and after in one run.
const clients: Array<[suffix: string, ClientRow]> = [['', await clientOf(new URL('../', import.meta.url))]];
if (process.env.BASE) clients.push([' (BASE)', await clientOf(pathToFileURL(`${process.env.BASE}/`))]);

/** The client's rows of one framing: validation off and on, items kept (the default) and not, for each checkout. */
function clientRows(label: string, bytes: Uint8Array, framing: StreamFramingSpec, api: 'sambanova-cloud' | 'lmi', mediaType: string): Record<string, Row> {
  const rows: Record<string, Row> = {};
  for (const keepItems of [true, false]) {
    for (const validate of ['off', 'throw'] as const) {
      for (const [suffix, client] of clients) {
        const name = `sambakit client \`ItemStream\` ${label}, validation ${validate === 'off' ? 'off' : 'on'}${keepItems ? '' : ', keepItems off'}${suffix}`;
        rows[name] = { bytes, run: (body) => client(body, framing, validate, api, mediaType, keepItems) };
      }
    }
  }
  return rows;
}

const reference = 'hand-written `indexOf` SSE loop (REF)';
const jsonlReference = 'hand-written `indexOf` JSONL loop (REF)';
const decoders: Record<string, Row> = {
  [reference]: { bytes: sseBytes, run: (b) => handwrittenSSE(b) },
  'the same SSE loop keeping every read until the end (what keeping the body costs)': { bytes: sseBytes, run: (b) => handwrittenSSE(b, []) },
  'the same SSE loop through a minimal async iterator (the protocol\'s floor)': { bytes: sseBytes, run: handwrittenSSEIterator },
  'sambakit `iterateStreamItems` SSE': { bytes: sseBytes, run: (b) => oursItems(b, sseFraming) },
  'sambakit `createStreamItemsDecoder` SSE (push)': { bytes: sseBytes, run: oursPush },
  'eventsource-parser `feed` + JSON.parse': { bytes: sseBytes, run: eventsourceParserFeed },
  'openai `Stream.fromSSEResponse`': { bytes: sseBytes, run: openaiSSE },
  ...clientRows('SSE', sseBytes, sseFraming, 'sambanova-cloud', 'text/event-stream'),
  [jsonlReference]: { bytes: jsonlBytes, run: (b) => handwrittenJSONL(b) },
  'the same JSONL loop keeping every read until the end': { bytes: jsonlBytes, run: (b) => handwrittenJSONL(b, []) },
  'sambakit `iterateStreamItems` JSONL': { bytes: jsonlBytes, run: (b) => oursItems(b, jsonlFraming) },
  'openai `Stream.fromReadableStream` JSONL': { bytes: jsonlBytes, run: openaiJSONL },
  ...clientRows('JSONL', jsonlBytes, jsonlFraming, 'lmi', 'application/jsonlines'),
};

// --- the rounds ------------------------------------------------------------------------------------

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

// The script runs under `node --expose-gc` (package.json): without it the collection before each pass is skipped, and a
// pass pays for the garbage of the one before it (the kept 64-KiB reads of a client row are 12 MB of it).
// GC=off skips that collection (the warm-up stream still runs): see what the collection itself costs each decoder. A full
// collection lets go of the optimized code, field types and call feedback that name the objects of the streams before, and a
// decoder of many small functions takes longer to compile them again than REF's one loop (bench/RESULTS.md, session 13).
const gcOff = process.env.GC === 'off';
const gc = gcOff ? undefined : (globalThis as { gc?: () => void }).gc;
if (!gc && !gcOff) process.stderr.write('bench:streams: run with node --expose-gc (npm run bench:streams does): passes will pay for each other\'s garbage\n');

/** One pass over the whole stream: wall and CPU seconds (user + system of the process, GC helper threads included). */
interface Pass {
  wall: number;
  cpu: number;
}

async function pass(name: string, readSize: number): Promise<Pass> {
  const decoder = decoders[name]!;
  gc?.();
  await decoder.run(bodyOf(warmUps.get(decoder.bytes)!, readSize));
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const sum = await decoder.run(bodyOf(decoder.bytes, readSize));
  const wall = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  if (sum !== expectedSum) throw new Error(`${name} decoded a different stream: sum ${sum}, expected ${expectedSum}`);
  return { wall, cpu: (cpu.user + cpu.system) / 1e6 };
}

// ONLY=<regex> keeps the references and the decoders whose names match (a quick look at a few).
const only = process.env.ONLY ? new RegExp(process.env.ONLY) : undefined;
const names = Object.keys(decoders).filter((name) => name === reference || name === jsonlReference || !only || only.test(name));
// Each decoder against the minimal loop over the same bytes: SSE rows against the SSE loop, JSON-lines rows against the JSON-lines loop.
const referenceOf = (name: string) => (decoders[name]!.bytes === jsonlBytes ? jsonlReference : reference);
const isReference = (name: string) => name === reference || name === jsonlReference;
const loadAtStart = loadavg()[0]!;
type Clock = keyof Pass;
const clocks: Clock[] = ['wall', 'cpu'];
// per size and decoder: chunks/s of each pass; per size, decoder and clock: the ratio to REF of each round.
const rates = new Map<number, Map<string, number[]>>(readSizes.map((s) => [s, new Map(names.map((n) => [n, []]))]));
const ratios = new Map<number, Map<string, Record<Clock, number[]>>>(readSizes.map((s) => [s, new Map(names.map((n) => [n, { wall: [], cpu: [] }]))]));

/**
 * A decoder's ratio to REF in one round: `SAMPLES` passes of each, REF's run right beside the decoder's
 * (REF first, then the decoder first, alternating, so neither always follows the other's garbage or
 * precedes the other's JIT work), and their times summed. With REF's samples minutes away, as when a round ran
 * every decoder in turn, a busy spell on the machine fell on one side only (bench/RESULTS.md, session 12).
 */
async function paired(name: string, size: number, round: number): Promise<void> {
  const ref = referenceOf(name);
  const time: Record<'ref' | 'own', Pass> = { ref: { wall: 0, cpu: 0 }, own: { wall: 0, cpu: 0 } };
  for (let i = 0; i < samplesPerRound; i++) {
    const sides = (i + round) % 2 === 0 ? (['ref', 'own'] as const) : (['own', 'ref'] as const);
    for (const side of sides) {
      const took = await pass(side === 'ref' ? ref : name, size);
      time[side].wall += took.wall;
      time[side].cpu += took.cpu;
      if (round >= 0) rates.get(size)!.get(side === 'ref' ? ref : name)!.push(events / took.wall);
    }
  }
  if (round < 0) return; // warm-up round, not counted
  for (const clock of clocks) ratios.get(size)!.get(name)![clock].push(time.ref[clock] / time.own[clock]);
}

const progress = benchProgress('streams');
for (let round = -1; round < rounds; round++) {
  if (round < 0) progress.phase('warm-up round (not counted)');
  else progress.round('decoding with every decoder at every read size, each beside REF', round + 1, rounds);
  // Rotate the order so no decoder always runs first (JIT warm-up) or right after a heavy one (GC debt).
  const shift = ((round % names.length) + names.length) % names.length;
  const order = [...names.slice(shift), ...names.slice(0, shift)];
  if (round % 2 === 1) order.reverse();
  for (const size of readSizes) for (const name of order) if (!isReference(name)) await paired(name, size, round);
}

const k = (xs: number[]) => (xs.length === 0 ? '–' : `${Math.round(median(xs) / 1000)}k`);
const r = (xs: number[]) => (xs.length === 0 ? '1.00' : `${median(xs).toFixed(2)} [${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}]`);
const cell = (size: number, name: string) => clocks.map((clock) => r(ratios.get(size)!.get(name)![clock])).join(' / ');

const cpu = cpus();
const lines = [
  `${new Date().toISOString().slice(0, 10)}, ${cpu.length} x ${cpu[0]?.model ?? 'unknown CPU'}, Node ${process.version}, load ${loadAtStart.toFixed(2)} at start / ${loadavg()[0]!.toFixed(2)} at end, ` +
    `${events} events (${(sseBytes.length / 1e6).toFixed(1)} MB SSE, ${(jsonlBytes.length / 1e6).toFixed(1)} MB JSON lines, ~${Math.round(jsonlBytes.length / events)} B per item), ${rounds} rounds (+1 warm-up) x ${samplesPerRound} passes of each decoder beside as many of REF, ` +
    `reads ${readsAsViews ? 'as views of one buffer' : 'each its own buffer'}, ${gc ? 'a full GC' : gcOff ? 'no GC (GC=off)' : 'no GC (run without --expose-gc)'} and ${warmUpEvents.length} events untimed before each pass.`,
  '',
  '| decoder | ÷ REF of its framing, 256-B reads: wall / CPU | ÷ REF, 64-KiB reads: wall / CPU | chunks/s, wall (256 B / 64 KiB) |',
  '|---|---:|---:|---:|',
  ...names.map((name) => `| ${name} | ${cell(256, name)} | ${cell(65536, name)} | ${k(rates.get(256)!.get(name)!)} / ${k(rates.get(65536)!.get(name)!)} |`),
];
console.log(lines.join('\n'));
