/** Counts of what went through the proxy, for the summary written on exit. @module */
import type { ProxyRecord, SummaryRecord } from './records.js';

export class TrafficSummary {
  #requests = 0;
  #completed = 0;
  #byOperation: Record<string, number> = {};
  #violations = 0;
  #violationsByOperation: Record<string, Record<string, number>> = {};
  #faults: Record<string, number> = {};
  #rejected = 0;
  #unchecked = 0;

  constructor(private readonly api: string, private readonly target: string) {}

  request(operation: string | null): void {
    this.#requests++;
    const key = operation ?? '(no operation)';
    this.#byOperation[key] = (this.#byOperation[key] ?? 0) + 1;
  }

  /** An exchange is over: its answer ended or was cut, and its checks are done. */
  completed(): void {
    this.#completed++;
  }

  rejected(): void {
    this.#rejected++;
  }

  /** Counts a record as it is reported. */
  count(record: ProxyRecord): void {
    if (record.kind === 'violation') {
      this.#violations++;
      const rules = (this.#violationsByOperation[record.operation ?? '(no operation)'] ??= {});
      rules[record.rule] = (rules[record.rule] ?? 0) + 1;
    } else if (record.kind === 'upstream-fault') {
      const key = record.fault === 'status' ? `status ${record.status}` : record.fault;
      this.#faults[key] = (this.#faults[key] ?? 0) + 1;
    } else if (record.kind === 'unchecked') {
      this.#unchecked++;
    }
  }

  snapshot(): SummaryRecord {
    return {
      kind: 'summary',
      time: new Date().toISOString(),
      api: this.api,
      target: this.target,
      requests: this.#requests,
      completed: this.#completed,
      requestsByOperation: { ...this.#byOperation },
      violations: this.#violations,
      violationsByOperation: structuredClone(this.#violationsByOperation),
      upstreamFaults: { ...this.#faults },
      rejected: this.#rejected,
      unchecked: this.#unchecked,
    };
  }
}

/** The summary for a person: a few lines, most frequent first. */
export function formatSummary(s: SummaryRecord): string {
  const sorted = (counts: Record<string, number>) => Object.entries(counts).sort((a, b) => b[1] - a[1]);
  const lines = [`sambakit proxy summary (${s.api} -> ${s.target}): ${s.requests} request(s), ${s.violations} violation(s), ${s.rejected} rejected (--strict), ${s.unchecked} unchecked`];
  for (const [operation, count] of sorted(s.requestsByOperation)) lines.push(`  ${operation}: ${count} request(s)`);
  for (const [operation, rules] of Object.entries(s.violationsByOperation)) {
    lines.push(`  violations in ${operation}: ${sorted(rules).map(([rule, n]) => `${rule} ${n}`).join(', ')}`);
  }
  const faults = sorted(s.upstreamFaults);
  lines.push(faults.length ? `  upstream faults: ${faults.map(([fault, n]) => `${fault} ${n}`).join(', ')}` : '  upstream faults: none');
  return lines.join('\n');
}
