/**
 * Preloaded (`node --import`) into both servers of the soak bench's scale part, beside
 * memory-probe.mjs, to tell where a gap between tokens comes from: the server's own writes, timed
 * where they are made (its gaps between two writes of content to one response, and how many writes
 * carried more than one content token: a stream catching up), its event-loop delay, its GC
 * pauses (by kind, and those of 50 ms or more), over the whole wave and in its first 400 ms (the burst of new requests, where the time
 * to first token is made). Answers each `{ type: 'pace', fromEpochMs, record }` with the figures
 * since the previous one (its CPU time too, from `process.cpuUsage`, at microsecond resolution) (`fromEpochMs`: when the wave began, on the epoch clock both processes
 * share), then starts again if `record`; until then it keeps nothing (the heap readings of the
 * memory wave see none of it). The same code wraps both servers' `Socket.prototype.write` (one response
 * per connection at a time in the benches), so its own cost (a scan of each written string) is the same on both sides. Also while
 * recording: how late a timer due every 5 ms fires (what a token due at that moment waits for the loop: the lengths of the
 * turns it lands in, by when in the wave), and how long the process's own writes to stdout took (a request log on a
 * pipe is a blocking write each: a reader that drains it late holds the whole loop). Plain JavaScript, as
 * memory-probe.mjs.
 * @module
 */
import { Socket } from 'node:net';
import { constants, monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import process from 'node:process';

/** The burst at the start of a wave, in which its requests are read and set up. */
const BURST_MS = 400;
/** A pause this long or longer puts every open stream's gap over 2 × 50 ms on its own. */
const LONG_PAUSE_MS = 50;
/** V8's collections by the kind perf_hooks reports: scavenges (young generation) and the rest. */
const GC_KINDS = new Map([
  [constants.NODE_PERFORMANCE_GC_MINOR, 'minor'],
  [constants.NODE_PERFORMANCE_GC_MAJOR, 'major'],
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL, 'incremental'],
  [constants.NODE_PERFORMANCE_GC_WEAKCB, 'weakcb'],
]);

let recording = false;
let gaps = [];
/** When each gap in `gaps` ended, on the epoch clock. */
let gapsEndedAt = [];
let writes = 0;
let multiTokenWrites = 0;
let gcPauses = [];
let cpuFrom = process.cpuUsage();
const lastWriteAt = new WeakMap();
const loopDelay = monitorEventLoopDelay({ resolution: 2 });
/** The lateness sampler's period (ms): 200 timers a second, nothing beside a wave's 60,000 tokens. */
const SAMPLE_MS = 5;
let lateness = [];
/** When each sample of `lateness` was taken, on the epoch clock. */
let latenessAt = [];
let sampleDueAt = 0;
let sampler;
let stdoutWrites = 0;
let stdoutMs = 0;
let stdoutMaxMs = 0;

/** Content tokens in written SSE or JSON-lines text: `"content":"` followed by anything but the closing quote. */
function contentTokens(text) {
  if (typeof text !== 'string') return 0;
  let count = 0;
  let at = 0;
  for (;;) {
    at = text.indexOf('"content":"', at);
    if (at === -1) return count;
    at += 11;
    if (text.charCodeAt(at) !== 34) count++;
  }
}

function noteWrite(socket, text) {
  if (!recording) return;
  const tokens = contentTokens(text);
  if (tokens === 0) return;
  const now = performance.now();
  writes++;
  if (tokens > 1) multiTokenWrites++;
  const last = lastWriteAt.get(socket);
  if (last !== undefined) {
    gaps.push(now - last);
    gapsEndedAt.push(performance.timeOrigin + now);
  }
  lastWriteAt.set(socket, now);
}

// Wrapped at the socket, where every byte of a response goes (node:http's `res.write` hands it the
// size line, the data and the CRLF apart; sambakit's streams write a framed piece to it directly).
const write = Socket.prototype.write;
Socket.prototype.write = function (chunk, ...rest) {
  noteWrite(this, chunk);
  return write.call(this, chunk, ...rest);
};

/** One sample: how long after it was due the timer fired (a timer may fire up to a millisecond early by rounding: 0 then). */
function sampleLateness() {
  const now = performance.now();
  lateness.push(Math.max(0, now - sampleDueAt));
  latenessAt.push(performance.timeOrigin + now);
  sampleDueAt = now + SAMPLE_MS;
  sampler = setTimeout(sampleLateness, SAMPLE_MS).unref();
}

// The process's writes to stdout (sambakit's request log; bare logs nothing), timed while recording.
const stdout = process.stdout;
const stdoutWrite = stdout.write;
stdout.write = function (...args) {
  if (!recording) return stdoutWrite.apply(this, args);
  const started = performance.now();
  try {
    return stdoutWrite.apply(this, args);
  } finally {
    const ms = performance.now() - started;
    stdoutWrites++;
    stdoutMs += ms;
    stdoutMaxMs = Math.max(stdoutMaxMs, ms);
  }
};

new PerformanceObserver((list) => {
  if (!recording) return;
  for (const entry of list.getEntries()) gcPauses.push({ atEpochMs: performance.timeOrigin + entry.startTime, ms: entry.duration, kind: GC_KINDS.get(entry.detail?.kind) ?? 'other' });
}).observe({ entryTypes: ['gc'] });

/** Per kind of collection: how many, their sum, the longest, and how many lasted `LONG_PAUSE_MS` or more. */
function gcByKind(pauses) {
  const kinds = {};
  for (const { kind, ms } of pauses) {
    const k = (kinds[kind] ??= { count: 0, ms: 0, maxMs: 0, long: 0 });
    k.count++;
    k.ms += ms;
    k.maxMs = Math.max(k.maxMs, ms);
    if (ms >= LONG_PAUSE_MS) k.long++;
  }
  return kinds;
}

/** A written gap longer than this (2 × the scale part's 50 ms) is over the goal on its own. */
const LONG_GAP_MS = 100;
/** Where in the wave long gaps ended: the burst's, the streams' first tokens' or the steady state's. */
const LONG_GAP_BUCKETS_MS = [500, 1000, 1500, 2000, 3000];

/** Counts of `values` over `over` by when they ended (`at`) after `from`: one count per bucket, and one for the rest. */
function byTime(values, at, over, from) {
  const counts = new Array(LONG_GAP_BUCKETS_MS.length + 1).fill(0);
  for (let i = 0; i < values.length; i++) {
    if (values[i] <= over) continue;
    const after = at[i] - from;
    const bucket = LONG_GAP_BUCKETS_MS.findIndex((end) => after < end);
    counts[bucket === -1 ? LONG_GAP_BUCKETS_MS.length : bucket]++;
  }
  return counts;
}

const quantile = (sorted, q) => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]);

process.channel?.unref();
process.on('message', (message) => {
  if (message?.type !== 'pace') return;
  const cpu = process.cpuUsage(cpuFrom);
  cpuFrom = process.cpuUsage();
  const sorted = Float64Array.from(gaps).sort();
  const late = Float64Array.from(lateness).sort();
  clearTimeout(sampler);
  const from = message.fromEpochMs ?? 0;
  const burst = gcPauses.filter((pause) => pause.atEpochMs >= from && pause.atEpochMs < from + BURST_MS);
  process.send?.({
    type: 'pace-report',
    writes,
    multiTokenWrites,
    gapP50: quantile(sorted, 0.5),
    gapP99: quantile(sorted, 0.99),
    gapMax: sorted.length > 0 ? sorted[sorted.length - 1] : NaN,
    gapCount: gaps.length,
    longGapsByTime: byTime(gaps, gapsEndedAt, LONG_GAP_MS, from),
    longGapBucketsMs: LONG_GAP_BUCKETS_MS,
    loopDelayP99: loopDelay.percentile(99) / 1e6,
    loopDelayMax: loopDelay.max / 1e6,
    gcMs: gcPauses.reduce((sum, pause) => sum + pause.ms, 0),
    gcMaxMs: gcPauses.reduce((most, pause) => Math.max(most, pause.ms), 0),
    burstGcMs: burst.reduce((sum, pause) => sum + pause.ms, 0),
    gcKinds: gcByKind(gcPauses),
    cpuMs: (cpu.user + cpu.system) / 1000,
    timerLateness: { p50: quantile(late, 0.5), p90: quantile(late, 0.9), p99: quantile(late, 0.99), max: late.length > 0 ? late[late.length - 1] : NaN, count: late.length },
    lateTimersByTime: byTime(lateness, latenessAt, LONG_PAUSE_MS, from),
    stdout: { writes: stdoutWrites, ms: stdoutMs, maxMs: stdoutMaxMs },
  });
  gaps = [];
  gapsEndedAt = [];
  writes = 0;
  multiTokenWrites = 0;
  gcPauses = [];
  lateness = [];
  latenessAt = [];
  stdoutWrites = 0;
  stdoutMs = 0;
  stdoutMaxMs = 0;
  loopDelay.reset();
  recording = message.record === true;
  if (recording) {
    loopDelay.enable();
    sampleDueAt = performance.now() + SAMPLE_MS;
    sampler = setTimeout(sampleLateness, SAMPLE_MS).unref();
  } else loopDelay.disable();
});
