/**
 * The fuzz run's summary: for people (text), and for machines (one JSON document).
 * @module
 */
import { gcTotalMs } from './loop-watch.js';
import { blockMs, maxBlockMs, type FailedCase, type FuzzSummary, type StallReport } from './run-fuzz.js';

/**
 * A failing case in the JSON report: what it was, where it went and why it failed, without its
 * body. Bodies run to megabytes (huge strings), and hundreds of them in one document outgrew the
 * largest string V8 can hold: the 10,000-case run's report threw and printed nothing. The body is in
 * the saved regression file, and the id rebuilds the case (same seed, same case).
 */
export interface ReportedFailure {
  id: string;
  via: FailedCase['via'];
  operationId: string;
  kind: string;
  detail: string;
  /** What a 4xx had to name (each cut to 80 characters: an extra field's name can be thousands). */
  names: string[];
  bodyBytes: number;
  failure: FailedCase['failure'];
  /** The saved regression (the whole case), unless the run was --no-save. */
  file?: string;
}

export interface FuzzReport extends Omit<FuzzSummary, 'failures'> {
  ok: boolean;
  failedOutcomes: string[];
  failures: ReportedFailure[];
}

export function fuzzReport(summary: FuzzSummary, failedOutcomes: string[]): FuzzReport {
  const failures = summary.failures.map(({ case: c, via, failure, file }): ReportedFailure => ({
    id: c.id,
    via,
    operationId: c.operationId,
    kind: c.kind,
    detail: c.detail,
    names: c.names.map((n) => n.slice(0, 80)),
    bodyBytes: c.bodyBase64 === undefined ? 0 : Buffer.byteLength(c.bodyBase64, 'base64'),
    failure,
    ...(file === undefined ? {} : { file }),
  }));
  return { ...summary, ok: failedOutcomes.length === 0, failedOutcomes, failures };
}

export function formatSummary(summary: FuzzSummary, failedOutcomes: string[]): string {
  const lines = [`fuzz seed ${summary.seed}: ${(summary.durationMs / 1000).toFixed(1)} s`];
  for (const [api, stats] of Object.entries(summary.perApi)) {
    const statuses = Object.entries(stats.statuses)
      .sort()
      .map(([bucket, count]) => `${bucket} ${count}`)
      .join(', ');
    lines.push(`  ${api}: ${stats.cases} cases, ${stats.requests} requests (${statuses}), ${stats.failures} failing`);
  }
  lines.push(`  crashes: ${summary.crashes}`);
  lines.push(`  sambakit/validate: ${summary.validators.cases} cases, ${summary.validators.failures.length} failing; sambakit validate: ${summary.cli.files} files, ${summary.cli.failures.length} problems`);
  const by = Object.entries(summary.loop.maxBlockMsBy)
    .map(([process, ms]) => `${process} ${ms}`)
    .join(', ');
  lines.push(`  event loop: max delay ${summary.loop.maxDelayMs.toFixed(1)} ms (wall clock), max block ${summary.loop.maxBlockMs} ms (the loop computing)${by ? `; by process: ${by} ms (the runner's is not held to the limit)` : ''}`);
  const heap = Object.entries(summary.loop.heapMBBy)
    .map(([process, mb]) => `${process} ${mb.first} -> ${mb.last} (max ${mb.max})`)
    .join(', ');
  if (heap) lines.push(`  heap in use (MB, first -> last sample): ${heap}`);
  // Every stall over the limit of a process under fuzz is listed: those are the ones to act on.
  const over = summary.loop.stalls.filter((stall) => blockMs(stall) > maxBlockMs);
  const shown = [...over.slice(0, 30), ...summary.loop.stalls.slice(over.length, over.length + Math.max(0, 8 - over.length)), ...summary.loop.runnerStalls.slice(0, 3)];
  for (const stall of shown) lines.push(`    ${blockMs(stall) > maxBlockMs && stall.process !== 'runner' ? 'BLOCK ' : ''}${stallLine(stall)}`);
  if (over.length > 30) lines.push(`    ... ${over.length - 30} more stalls over the limit (--format json lists all)`);
  for (const failed of summary.failures.slice(0, 30)) {
    lines.push(`  FAIL ${failed.case.id} via ${failed.via} ${failed.case.operationId} [${failed.case.detail.slice(0, 100)}]: ${failed.failure.kind}: ${failed.failure.reason.slice(0, 200)}${failed.file ? `\n       saved: ${failed.file}` : ''}`);
  }
  if (summary.failures.length > 30) lines.push(`  ... ${summary.failures.length - 30} more failing cases (--format json lists all)`);
  for (const v of summary.validators.failures.slice(0, 30)) lines.push(`  VALIDATOR ${v.id} ${v.operationId} ${v.check}: ${v.reason}`);
  for (const c of summary.cli.failures.slice(0, 30)) lines.push(`  CLI ${c.slice(0, 300)}`);
  lines.push(failedOutcomes.length ? `FAILED: ${failedOutcomes.join('; ')}` : 'ok: no 5xx, crash, hang or unclear 4xx; the event loop never blocked over the limit; the validators and the CLI held');
  return `${lines.join('\n')}\n`;
}

function stallLine(stall: StallReport): string {
  const gc = Object.entries(stall.gcMs).map(([kind, ms]) => `${kind} ${ms}`);
  const gcText = gc.length ? `GC ${gcTotalMs(stall)} ms: ${gc.join(', ')}` : 'no GC';
  const inFlight = `${stall.inFlight.slice(0, 4).join(', ')}${stall.inFlight.length > 4 ? ', ...' : ''}`;
  const thread = stall.loopThread ? `loop thread ran ${stall.loopThread.runMs} ms, waited ${stall.loopThread.waitMs} ms for a core; ` : '';
  return `${stall.process} stalled ${stall.stallMs} ms (${thread}${stall.cpuMs} ms CPU, all threads; ${gcText}; heap ${stall.heapMB} MB) during ${inFlight || 'no case'}`;
}
