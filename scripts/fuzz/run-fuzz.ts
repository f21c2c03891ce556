/**
 * Runs fuzz cases against the processes under fuzz (server, proxy, strict proxy): each case is built
 * once and (when asked) checked by the validators in a worker thread (case-thread.ts: this thread's
 * loop must stay free to send), written for the CLI, and sent to the reference server and then
 * through a proxy (plain for odd cases, strict for even ones); a few cases at a time (one request
 * each) over kept connections. It judges every answer, restarts the processes after a crash (the
 * cases in flight are the crash's suspects), and keeps each process's event-loop report (its own
 * too) with the cases that were in flight during each stall.
 * @module
 */
import { Agent } from 'node:http';
import { apis, type ApiName } from '../../src/contract/apis.js';
import type { FuzzCase } from './cases.js';
import { CaseThread } from './case-thread.js';
import { CliBatches } from './fuzz-cli.js';
import type { ValidatorFailure } from './fuzz-validators.js';
import { judge, type CaseFailure } from './outcome.js';
import { saveRegression, type Via } from './regressions.js';
import { sendCase, type SendResult } from './send-case.js';
import { watchLoop, type LoopStall } from './loop-watch.js';
import { startTarget, type FuzzTarget, type TargetStall, type TargetUrls } from './target.js';

/** A stall during which the process itself computed this long is a blocked event loop. */
export const maxBlockMs = 100;

export interface FuzzOptions {
  apis: readonly ApiName[];
  /** Cases per API. */
  cases: number;
  seed: number;
  /** Cases in flight at once (each sends to one target at a time). */
  concurrency?: number;
  /** Also send every case through a proxy (plain for odd cases, strict for even ones). */
  proxy?: boolean;
  /** Also check every case's body with sambakit/validate in this process. */
  validators?: boolean;
  /** Also check every JSON case's body as a file with `sambakit validate`. */
  cli?: boolean;
  /** Write failing cases to test/fuzz/regressions/. */
  save?: boolean;
  /** Profile the processes under fuzz (node --cpu-prof): each writes its profiles into `<dir>/<process>/` when it stops. */
  cpuProfDir?: string;
  onProgress?: (progress: { done: number; total: number; failures: number }) => void;
}

export interface FailedCase {
  case: FuzzCase;
  via: Via;
  failure: CaseFailure;
  file?: string;
}

export interface StallReport extends Omit<TargetStall, 'process'> {
  /** The process whose loop stalled: one under fuzz, or the runner itself (which shares the machine). */
  process: TargetStall['process'] | 'runner';
  /** Cases in flight while the loop stalled. */
  inFlight: string[];
}

export interface FuzzSummary {
  seed: number;
  durationMs: number;
  perApi: Record<string, { cases: number; requests: number; statuses: Record<string, number>; failures: number }>;
  failures: FailedCase[];
  crashes: number;
  /** Cases checked by sambakit/validate, and the checks that threw or gave no verdict. */
  validators: { cases: number; failures: ValidatorFailure[] };
  /** Files checked by `sambakit validate`, and what went wrong. */
  cli: { files: number; failures: string[] };
  loop: {
    /** Largest event-loop delay seen by monitorEventLoopDelay (wall clock: includes time the machine did not run the process). */
    maxDelayMs: number;
    /** Largest block of a process under fuzz (server, proxy, strict proxy): see blockMs. */
    maxBlockMs: number;
    /** The same per process, the runner's own loop included (not held to the limit: it is the tool, not the toolkit). */
    maxBlockMsBy: Record<string, number>;
    /**
     * Stalls over maxBlockMs of wall time in the processes under fuzz, largest block first: every one
     * that blocked over the limit (the judged ones, however many), then the largest others up to
     * keptStalls in all.
     */
    stalls: StallReport[];
    /** The runner's own stalls over maxBlockMs of wall time, largest block first (at most keptRunnerStalls). */
    runnerStalls: StallReport[];
    /** Each process's JS heap in use (MB), sampled about once a second: at the first sample, its largest and at the last. */
    heapMBBy: Record<string, { first: number; max: number; last: number }>;
  };
}

/** Stalls kept in the report besides those over the limit (which are all kept). */
const keptStalls = 20;
const keptRunnerStalls = 5;

/**
 * The stall's block: the part of it the process's loop spent computing. Where the kernel tells, the
 * time the loop's own thread ran; elsewhere the process's CPU time over it, all threads, which
 * counts the proxies' check workers and the GC's helper threads running beside the loop, and grows
 * with the stall on a loaded machine (a 565 ms stall of the proxy at load 14 had 123 ms of it).
 */
export function blockMs(stall: Pick<LoopStall, 'stallMs' | 'cpuMs' | 'loopThread'>): number {
  return Math.min(stall.stallMs, stall.loopThread?.runMs ?? stall.cpuMs);
}

const byBlock = (a: StallReport, b: StallReport) => blockMs(b) - blockMs(a) || b.stallMs - a.stallMs;

/**
 * Files stalls in the report, each list largest block first: the processes under fuzz keep every
 * stall that blocked over the limit and others up to keptStalls in all; the runner's (not judged)
 * are kept apart, the largest keptRunnerStalls, so they never crowd out the ones judged.
 */
export function keepStalls(loop: Pick<FuzzSummary['loop'], 'stalls' | 'runnerStalls'>, added: readonly StallReport[]): void {
  const judged = added.filter((stall) => stall.process !== 'runner');
  loop.stalls.push(...judged);
  loop.stalls.sort(byBlock);
  loop.stalls.splice(Math.max(keptStalls, loop.stalls.filter((stall) => blockMs(stall) > maxBlockMs).length));
  loop.runnerStalls.push(...added.filter((stall) => stall.process === 'runner'));
  loop.runnerStalls.sort(byBlock);
  loop.runnerStalls.splice(keptRunnerStalls);
}

interface InFlight {
  id: string;
  start: number;
  end?: number;
}

export function baseUrl(urls: TargetUrls, api: ApiName, via: Via): string {
  if (via === 'server') return urls.server + apis[api].mount;
  return via === 'proxy' ? urls.proxy[api] : urls.strictProxy[api];
}

/** Sends one case to a running target (the regression tests use it too). */
export function sendTo(target: FuzzTarget, agent: Agent, fuzz: FuzzCase, via: Via): Promise<SendResult> {
  return sendCase(baseUrl(target.urls, fuzz.api, via), fuzz, agent);
}

export async function runFuzz(options: FuzzOptions): Promise<FuzzSummary> {
  const started = Date.now();
  const concurrency = options.concurrency ?? 4;
  const agent = new Agent({ keepAlive: true });
  const start = () => startTarget({ cpuProfDir: options.cpuProfDir });
  let target = await start();
  const caseThread = new CaseThread();
  const summary: FuzzSummary = {
    seed: options.seed,
    durationMs: 0,
    perApi: {},
    failures: [],
    crashes: 0,
    validators: { cases: 0, failures: [] },
    cli: { files: 0, failures: [] },
    loop: { maxDelayMs: 0, maxBlockMs: 0, maxBlockMsBy: {}, stalls: [], runnerStalls: [], heapMBBy: {} },
  };
  const runnerLoop = watchLoop();
  const jobs: Array<{ api: ApiName; index: number }> = options.apis.flatMap((api) => Array.from({ length: options.cases }, (_, index) => ({ api, index })));
  const cli = new Map(options.cli ? options.apis.map((api) => [api, new CliBatches(api)]) : []);
  const flights: InFlight[] = [];
  let done = 0;

  let asking = false;
  const collectLoop = async () => {
    // A blocked loop answers late: one question at a time.
    if (target.exited || asking) return;
    asking = true;
    const report = await target.loop().catch(() => undefined);
    asking = false;
    if (!report) return;
    summary.loop.maxDelayMs = Math.max(summary.loop.maxDelayMs, report.maxDelayMs);
    const runner = runnerLoop.report();
    for (const [process, heapMB] of Object.entries({ ...report.heapMB, runner: runner.heapMB })) {
      const heap = (summary.loop.heapMBBy[process] ??= { first: heapMB, max: heapMB, last: heapMB });
      heap.max = Math.max(heap.max, heapMB);
      heap.last = heapMB;
    }
    const added: StallReport[] = [];
    for (const stall of [...report.stalls, ...runner.stalls.map((stall) => ({ ...stall, process: 'runner' as const }))]) {
      if (stall.process !== 'runner') summary.loop.maxBlockMs = Math.max(summary.loop.maxBlockMs, blockMs(stall));
      summary.loop.maxBlockMsBy[stall.process] = Math.max(summary.loop.maxBlockMsBy[stall.process] ?? 0, blockMs(stall));
      if (stall.stallMs <= maxBlockMs) continue;
      const from = stall.at - stall.stallMs;
      const inFlight = flights.filter((f) => f.start <= stall.at && (f.end ?? Infinity) >= from).map((f) => f.id);
      added.push({ ...stall, inFlight: [...new Set(inFlight)] });
    }
    keepStalls(summary.loop, added);
    // Only flights that may still overlap a later stall are kept.
    const horizon = Date.now() - 60_000;
    for (let i = flights.length - 1; i >= 0; i--) if ((flights[i]!.end ?? Infinity) < horizon) flights.splice(i, 1);
  };
  const loopTimer = setInterval(() => void collectLoop(), 1000);

  const fail = (fuzz: FuzzCase, via: Via, failure: CaseFailure) => {
    const failed: FailedCase = { case: fuzz, via, failure };
    if (options.save) failed.file = saveRegression({ case: fuzz, via, failure });
    summary.failures.push(failed);
  };

  const runOne = async (fuzz: FuzzCase, via: Via) => {
    const stats = summary.perApi[fuzz.api]!;
    const flight: InFlight = { id: `${fuzz.id} via ${via}`, start: Date.now() };
    flights.push(flight);
    const current = target;
    const result = await Promise.race([sendTo(current, agent, fuzz, via), current.onExit.then((reason): SendResult => ({ ok: false, error: `crash: ${reason}` }))]);
    flight.end = Date.now();
    stats.requests++;
    if (result.ok) {
      const bucket = `${Math.floor(result.answer.status / 100)}xx`;
      stats.statuses[bucket] = (stats.statuses[bucket] ?? 0) + 1;
    }
    let failure = judge(fuzz, result);
    if (current.exited) failure = { kind: 'crash', reason: `the process under fuzz died (${current.exited}) with this case in flight: ${current.stderr().slice(-1500)}` };
    if (failure) {
      stats.failures++;
      fail(fuzz, via, failure);
    }
  };

  let restarting: Promise<void> | undefined;
  const ensureTarget = async () => {
    if (!target.exited) return;
    restarting ??= start().then((fresh) => {
      summary.crashes++;
      target = fresh;
      restarting = undefined;
    });
    await restarting;
  };

  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const job = jobs[next++]!;
      const { fuzz, validatorFailures } = await caseThread.prepare({ api: job.api, seed: options.seed, index: job.index, validators: options.validators === true });
      (summary.perApi[job.api] ??= { cases: 0, requests: 0, statuses: {}, failures: 0 }).cases++;
      if (options.validators) {
        summary.validators.cases++;
        summary.validators.failures.push(...validatorFailures);
      }
      await cli.get(job.api)?.add(fuzz, job.index);
      // Every case to the server and through one proxy, plain and strict in turn: a proxied case also
      // reaches the server, so the server sees each case twice and each proxy half of them; a third
      // send would cost half as much time again on two cores for what the server already answered.
      const vias: Via[] = options.proxy === false ? ['server'] : ['server', job.index % 2 ? 'proxy' : 'strict-proxy'];
      for (const via of vias) {
        await ensureTarget();
        await runOne(fuzz, via);
      }
      done++;
      options.onProgress?.({ done, total: jobs.length, failures: summary.failures.length + summary.validators.failures.length });
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
    await collectLoop();
    for (const [api, batches] of cli) {
      const outcome = await batches.finish();
      summary.cli.files += outcome.files;
      summary.cli.failures.push(...outcome.failures.map((f) => `${api} ${f}`));
    }
  } finally {
    clearInterval(loopTimer);
    runnerLoop.stop();
    agent.destroy();
    await caseThread.close();
    await target.close();
  }
  summary.durationMs = Date.now() - started;
  return summary;
}

/** The outcomes the dedicated command asserts; `npm test` asserts all but timing. */
export function failedOutcomes(summary: FuzzSummary, { timing }: { timing: boolean }): string[] {
  const out: string[] = [];
  if (summary.failures.length) out.push(`${summary.failures.length} failing case(s)`);
  if (summary.crashes) out.push(`${summary.crashes} crash(es)`);
  if (summary.validators.failures.length) out.push(`${summary.validators.failures.length} validator check(s) threw or gave no verdict`);
  if (summary.cli.failures.length) out.push(`${summary.cli.failures.length} CLI problem(s)`);
  if (timing && summary.loop.maxBlockMs > maxBlockMs) out.push(`the event loop was blocked for ${summary.loop.maxBlockMs} ms (limit ${maxBlockMs} ms)`);
  return out;
}
