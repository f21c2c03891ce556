/** The fuzz run's summary for people. @module */
import type { FuzzSummary } from './run-fuzz.js';

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
  lines.push(`  event loop: max delay ${summary.loop.maxDelayMs.toFixed(1)} ms (wall clock), max block ${summary.loop.maxBlockMs} ms (the process computing)`);
  for (const stall of summary.loop.stalls.slice(0, 5)) {
    lines.push(`    stall ${stall.stallMs} ms (${stall.cpuMs} ms CPU) during ${stall.inFlight.slice(0, 4).join(', ')}${stall.inFlight.length > 4 ? ', ...' : ''}`);
  }
  for (const failed of summary.failures.slice(0, 30)) {
    lines.push(`  FAIL ${failed.case.id} via ${failed.via} ${failed.case.operationId} [${failed.case.detail.slice(0, 100)}]: ${failed.failure.kind}: ${failed.failure.reason.slice(0, 200)}${failed.file ? `\n       saved: ${failed.file}` : ''}`);
  }
  if (summary.failures.length > 30) lines.push(`  ... ${summary.failures.length - 30} more failing cases (--format json lists all)`);
  for (const v of summary.validators.failures.slice(0, 30)) lines.push(`  VALIDATOR ${v.id} ${v.operationId} ${v.check}: ${v.reason}`);
  for (const c of summary.cli.failures.slice(0, 30)) lines.push(`  CLI ${c.slice(0, 300)}`);
  lines.push(failedOutcomes.length ? `FAILED: ${failedOutcomes.join('; ')}` : 'ok: no 5xx, crash, hang or unclear 4xx; the event loop never blocked over the limit; the validators and the CLI held');
  return `${lines.join('\n')}\n`;
}
