import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { apiNames, applyPatch, buildVerdicts, errorPath, formatErrors, operations, repoRoot, requestExample, validatorsOf, type ApiName } from '../helpers/spec.js';

interface NegativeCase {
  operationId: string;
  name: string;
  base: { example: string; mediaType?: string } | { value: unknown };
  patch?: Array<{ op: 'add' | 'replace' | 'remove'; path: string; value?: unknown }>;
  expectPath: string;
  target?: 'request' | 'stream' | 'response';
  mediaType?: string;
  status?: number;
}

function load(api: ApiName): NegativeCase[] {
  return JSON.parse(readFileSync(`${repoRoot}test/fixtures/negative/${api}.json`, 'utf8')) as NegativeCase[];
}

describe.each(apiNames)('payloads that break a documented constraint of %s are rejected, naming the field', (api) => {
  const cases = load(api);

  it('has cases for every operation', () => {
    const covered = new Set(cases.map((c) => c.operationId));
    const missing = operations(api).map((o) => o.operationId).filter((id) => !covered.has(id));
    expect(missing).toEqual([]);
  });

  it.each(cases.map((c) => [`${c.operationId}: ${c.name}`, c] as const))('%s', async (_name, c) => {
    const validators = (await validatorsOf(api))[c.operationId]!;
    const mediaType = c.mediaType ?? ('example' in c.base ? c.base.mediaType : undefined) ?? 'application/json';
    const base = 'example' in c.base ? requestExample(api, c.operationId, c.base.example, mediaType) : c.base.value;
    const target = c.target ?? 'request';
    const validate =
      target === 'request'
        ? validators.request[mediaType]!
        : target === 'response'
          ? validators.responses[String(c.status)]![mediaType]!
          : Object.values(validators.responses).find((r) => r[mediaType])![mediaType]!;
    // A patched base must itself be valid, so that the rejection is due to the patch alone.
    if (c.patch?.length) expect(validate(base), `base is valid: ${formatErrors(validate.errors)}`).toBe(true);
    const payload = applyPatch(base, c.patch ?? []);
    expect(validate(payload)).toBe(false);
    expect(await buildVerdicts(api, validate, payload)).toEqual({ accept: false, explain: false });
    const paths = (validate.errors ?? []).map(errorPath);
    expect(paths.some((p) => p === c.expectPath || p.startsWith(`${c.expectPath}/`)), `expected an error at ${c.expectPath}, got ${formatErrors(validate.errors)}`).toBe(true);
  });
});
