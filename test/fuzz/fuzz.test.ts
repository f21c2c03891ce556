/**
 * The fuzz suite's seeded share of `npm test` (the dedicated `npm run fuzz` runs 10,000 cases per
 * API): cases generated from the spec and mutated, sent to the reference server in its own process
 * and through the proxy; the validators and `sambakit validate` on the same inputs. Timing is
 * reported, not asserted (the machine is shared).
 */
import { describe, expect, it } from 'vitest';
import { apiNames } from '../../src/contract/apis.js';
import { fuzzCase } from '../../scripts/fuzz/cases.js';
import { fuzzCli } from '../../scripts/fuzz/fuzz-cli.js';
import { fuzzValidators } from '../../scripts/fuzz/fuzz-validators.js';
import { judge } from '../../scripts/fuzz/outcome.js';
import { failedOutcomes, runFuzz, type FuzzSummary } from '../../scripts/fuzz/run-fuzz.js';
import { fuzzReport, type FuzzReport } from '../../scripts/fuzz/summary.js';
import { runTs } from '../helpers/run.js';
import { repoRoot } from '../helpers/spec.js';

const seed = 20261205;
const casesPerApi = 40;
// Generous: the process under fuzz shares two cores with the rest of the suite.
const timeout = 400_000;

describe.each(apiNames)('fuzz: %s', (api) => {
  it(`${casesPerApi} seeded cases to the server and through the proxy (plain and strict in turn): no 5xx, crash, hang or 4xx that names nothing`, async () => {
    const summary = await runFuzz({ apis: [api], cases: casesPerApi, seed, save: false });
    console.info(`fuzz ${api}: ${summary.perApi[api]!.requests} requests in ${summary.durationMs} ms, ${JSON.stringify(summary.perApi[api]!.statuses)}, event loop max delay ${summary.loop.maxDelayMs.toFixed(0)} ms, max block ${summary.loop.maxBlockMs} ms`);
    expect(summary.failures.map((f) => `${f.case.id} via ${f.via} ${f.case.operationId} [${f.case.detail.slice(0, 100)}]: ${f.failure.reason.slice(0, 300)}`)).toEqual([]);
    expect(failedOutcomes(summary, { timing: false })).toEqual([]);
    expect(summary.perApi[api]!.requests).toBe(casesPerApi * 2);
    // The seeded share reaches past validation: some cases are answered.
    expect(summary.perApi[api]!.statuses['2xx']).toBeGreaterThan(0);
  }, timeout);

  it('sambakit/validate returns a verdict on every case body and on arbitrary values, never throws', () => {
    expect(fuzzValidators(api, seed, 200)).toEqual([]);
  }, timeout);
});

describe('fuzz: values JSON cannot write', () => {
  it('a BigInt or a cycle in a payload gets a violation, not a TypeError from describing it (found by the validator fuzz, seed 5)', async () => {
    const { validateRequest } = await import('../../src/validate/index.js');
    const { createChatCompletion } = await import('../../src/contract/sambanova-cloud.js');
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    for (const value of [10n, { n: 10n }, cyclic]) {
      const result = validateRequest(createChatCompletion, { body: { model: 'm', messages: value } });
      expect(result.valid).toBe(false);
      expect(result.violations[0]!.path).toMatch(/^\/body/);
    }
  });
});

describe('fuzz: the CLI', () => {
  it('sambakit validate on malformed files: exit 1, a line per file, no stack trace', async () => {
    const outcome = await fuzzCli('sambanova-cloud', seed, 30);
    expect(outcome.failures).toEqual([]);
    expect(outcome.files).toBeGreaterThan(15);
    expect(outcome.exitCode).toBe(1);
  }, timeout);
});

describe('fuzz: the outcome checks themselves', () => {
  const one = fuzzCase('sambanova-cloud', seed, 0);
  const answer = (status: number, body: string) => ({ ok: true as const, answer: { status, contentType: 'application/json', body } });
  it('fail a 5xx, a missing answer, a 4xx without message, and a 4xx that names none of the fields', () => {
    expect(judge(one, answer(500, '{}'))?.kind).toBe('server-error');
    expect(judge(one, { ok: false, error: 'socket hang up' })?.kind).toBe('no-answer');
    expect(judge(one, answer(400, 'Bad Request'))?.kind).toBe('unclear-4xx');
    expect(judge({ ...one, names: ['temperature'] }, answer(400, '{"error":{"message":"Invalid request."}}'))?.kind).toBe('unclear-4xx');
  });
  it('fail a 4xx to a case left valid, however clear its message (the base of every mutation must be answerable)', () => {
    expect(judge({ ...one, kind: 'valid', names: [] }, answer(400, '{"error":{"message":"/body/tool_choice names no declared tool"}}'))?.kind).toBe('refused-valid');
    expect(judge({ ...one, kind: 'valid', names: [] }, answer(200, '{}'))).toBeUndefined();
  });
  it('pass a 2xx and a 4xx that names the field', () => {
    expect(judge(one, answer(200, '{}'))).toBeUndefined();
    expect(judge({ ...one, names: ['temperature'] }, answer(400, '{"error":{"message":"/body/temperature expected a number <= 2"}}'))).toBeUndefined();
  });
});

describe('fuzz: the command\'s JSON report', () => {
  it('stays small when hundreds of failing cases carry megabytes each (the 10,000-case report outgrew one string and printed nothing)', () => {
    // One 4.5 MB body (6 M base64 characters) shared by 300 failures: a report holding the bodies would be one string of 1.8 G characters.
    const body = Buffer.alloc(4_500_000, 'a').toString('base64');
    const one = fuzzCase('sambanova-cloud', seed, 0);
    const summary: FuzzSummary = {
      seed,
      durationMs: 1,
      perApi: {},
      failures: Array.from({ length: 300 }, (_, i) => ({ case: { ...one, id: `sambanova-cloud/${seed}/${i}`, bodyBase64: body, names: ['x'.repeat(5000)] }, via: 'server' as const, failure: { kind: 'unclear-4xx' as const, reason: 'names none' } })),
      crashes: 0,
      validators: { cases: 0, failures: [] },
      cli: { files: 0, failures: [] },
      loop: { maxDelayMs: 0, maxBlockMs: 0, maxBlockMsBy: {}, stalls: [], runnerStalls: [], heapMBBy: {} },
    };
    const text = JSON.stringify(fuzzReport(summary, failedOutcomes(summary, { timing: true })), null, 2);
    expect(text.length).toBeLessThan(300 * 1_000);
    const report = JSON.parse(text) as FuzzReport;
    expect(report.ok).toBe(false);
    expect(report.failedOutcomes).toEqual(['300 failing case(s)']);
    expect(report.failures).toHaveLength(300);
    expect(report.failures[299]).toMatchObject({ id: `sambanova-cloud/${seed}/299`, via: 'server', operationId: one.operationId, bodyBytes: 4_500_000, failure: { kind: 'unclear-4xx' } });
    expect(report.failures[0]!.names[0]).toHaveLength(80);
  });

  it('npm run fuzz -- --format json prints one JSON document on stdout whose verdict matches the exit code', async () => {
    const result = await runTs(`${repoRoot}scripts/fuzz.ts`, ['--api', 'lmi', '--cases', '6', '--seed', String(seed), '--no-save', '--format', 'json'], { timeoutMs: timeout });
    expect([0, 1], result.stderr).toContain(result.code);
    const report = JSON.parse(result.stdout) as FuzzReport;
    expect(report.seed).toBe(seed);
    expect(report.perApi.lmi!.cases).toBe(6);
    expect(result.code).toBe(report.ok ? 0 : 1);
    expect(result.stderr).not.toMatch(/unexpected error|^\s+at /m);
  }, timeout);
});
