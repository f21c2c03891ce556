/**
 * Every example and every negative case of the spec through `sambakit/validate` (not the raw
 * generated validators): examples pass, each negative case fails with a violation at the field it
 * breaks, and the first violation (the server's headline) is the one at that field.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { getOperation, validateRequest, validateResponse, validateStreamItem, type ValidationResult } from '../../src/validate/index.js';
import { apiNames, applyPatch, deref, examplesOf, operations, repoRoot, requestExample, type ApiName } from '../helpers/spec.js';

const someParams = { project_id: 'p1', endpoint_id: 'e1', model_id: 'Meta-Llama-3.3-70B-Instruct' };
const someHeaders = { 'anthropic-version': '2023-06-01' };

const show = (r: ValidationResult) => r.violations.map((v) => v.message).join('\n');

describe.each(apiNames)('%s examples pass through sambakit/validate', (api) => {
  for (const op of operations(api)) {
    it(op.operationId, () => {
      const validators = getOperation(api, op.operationId);
      let checked = 0;
      for (const [mediaType, media] of Object.entries<any>(deref(api, op.operation.requestBody)?.content ?? {})) {
        for (const [name, value] of examplesOf(api, media)) {
          const result = validateRequest(validators, { body: value, mediaType, params: someParams, headers: someHeaders });
          expect(result.valid, `request example "${name}": ${show(result)}`).toBe(true);
          checked++;
        }
      }
      for (const [status, raw] of Object.entries<any>(op.operation.responses)) {
        for (const [mediaType, media] of Object.entries<any>(deref(api, raw).content ?? {})) {
          for (const [name, value] of examplesOf(api, media)) {
            const streamed = validators.operation.streams[mediaType] !== undefined;
            const result = streamed ? validateStreamItem(validators, value, { mediaType }) : validateResponse(validators, { status: Number(status), mediaType, body: value });
            expect(result.valid, `${status} ${mediaType} example "${name}": ${show(result)}`).toBe(true);
            checked++;
          }
        }
      }
      expect(checked).toBeGreaterThan(0);
    });
  }
});

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

function cases(api: ApiName): NegativeCase[] {
  return JSON.parse(readFileSync(`${repoRoot}test/fixtures/negative/${api}.json`, 'utf8')) as NegativeCase[];
}

describe.each(apiNames)('%s negative cases fail through sambakit/validate, first naming the broken field', (api) => {
  it.each(cases(api).map((c) => [`${c.operationId}: ${c.name}`, c] as const))('%s', (_name, c) => {
    const validators = getOperation(api, c.operationId);
    const mediaType = c.mediaType ?? ('example' in c.base ? c.base.mediaType : undefined) ?? 'application/json';
    const base = 'example' in c.base ? requestExample(api, c.operationId, c.base.example, mediaType) : c.base.value;
    const payload = applyPatch(base, c.patch ?? []);
    const target = c.target ?? 'request';
    const result =
      target === 'request'
        ? validateRequest(validators, { body: payload, mediaType, params: someParams, headers: someHeaders })
        : target === 'response'
          ? validateResponse(validators, { status: c.status!, mediaType, body: payload })
          : validateStreamItem(validators, payload, { mediaType });
    expect(result.valid).toBe(false);
    const prefix = target === 'request' || target === 'response' ? '/body' : '';
    const first = result.violations[0]!;
    const at = (path: string) => path === `${prefix}${c.expectPath}` || path.startsWith(`${prefix}${c.expectPath}/`);
    expect(at(first.path), `first violation should be at ${c.expectPath}; got:\n${show(result)}`).toBe(true);
    for (const v of result.violations) {
      expect(v.message.startsWith(`${v.path || '/'}: expected ${v.expected}, received `) && v.message.endsWith(` (${v.rule})`), v.message).toBe(true);
      // A oneOf is told by the branch meant, never by a dump of every branch.
      expect(v.expected).not.toBe('one of the allowed shapes');
    }
  });
});
