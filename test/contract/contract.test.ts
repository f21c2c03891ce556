/**
 * The contract layer: browser-safe (a browser bundle of it builds, which fails on any `node:`
 * import), and its operations tables say what the bundled documents say.
 */
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { apiNames, contracts, type OperationInfo } from '../../src/contract/index.js';
import { bundled, deref, operations, repoRoot } from '../helpers/spec.js';

describe('src/contract', () => {
  it.each(['index', ...apiNames])('src/contract/%s.ts bundles for the browser (no node: imports anywhere it reaches)', async (entry) => {
    const result = await build({
      entryPoints: [`${repoRoot}src/contract/${entry}.ts`],
      bundle: true,
      write: false,
      platform: 'browser',
      format: 'esm',
      logLevel: 'silent',
    });
    expect(result.errors).toEqual([]);
    expect(result.outputFiles[0]!.text).not.toMatch(/from\s*["']node:/);
  });

  it('the node-only module is refused by a browser bundle (the check above can fail)', async () => {
    await expect(build({ entryPoints: [`${repoRoot}src/contract/node.ts`], bundle: true, write: false, platform: 'browser', logLevel: 'silent' })).rejects.toThrow(/node:fs/);
  });

  describe.each(apiNames)('%s operations table', (api) => {
    const table: Readonly<Record<string, OperationInfo>> = contracts[api].operationTable;
    it('lists every operation of the bundled document, with its method, path, security, body and 400 error schema', () => {
      const doc = bundled(api);
      const ops = operations(api);
      expect(Object.keys(table).sort()).toEqual(ops.map((o) => o.operationId).sort());
      for (const op of ops) {
        const entry = table[op.operationId]!;
        expect(entry.method).toBe(op.method.toUpperCase());
        expect(entry.path).toBe(op.path);
        const security = (op.operation.security ?? doc.security ?? []) as Array<Record<string, unknown>>;
        expect(entry.security.map((alt) => alt.map((s) => s.name))).toEqual(security.map((req) => Object.keys(req)));
        const body = deref(api, op.operation.requestBody);
        expect(entry.request.required).toBe(body?.required === true);
        expect(entry.request.mediaTypes).toEqual(Object.keys(body?.content ?? {}));
        expect(Object.keys(entry.responses)).toEqual(Object.keys(op.operation.responses));
        const error = deref(api, op.operation.responses['400'])?.content?.['application/json']?.schema?.$ref;
        expect(entry.errorSchema).toBe(error ? error.split('/').pop() : null);
      }
    });
  });
});
