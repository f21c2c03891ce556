import { describe, expect, it } from 'vitest';
import { operationTable } from '../../src/server/operations/index.js';
import { buildRoutes } from '../../src/server/routes.js';

describe('the operation table', () => {
  const routes = buildRoutes();

  it('has a handler for every operation of the three specs (none answers 501)', () => {
    const missing = routes.filter((r) => !operationTable[r.api]?.[r.operationId]).map((r) => `${r.api} ${r.operationId}`);
    expect(missing).toEqual([]);
  });

  it('has no handler for an operation the spec does not have', () => {
    const known = new Set(routes.map((r) => `${r.api} ${r.operationId}`));
    const extra = Object.entries(operationTable).flatMap(([api, ops]) => Object.keys(ops).map((id) => `${api} ${id}`)).filter((id) => !known.has(id));
    expect(extra).toEqual([]);
  });

  it('describes every variant in words', () => {
    for (const [api, ops] of Object.entries(operationTable)) {
      for (const [id, op] of Object.entries(ops)) {
        for (const [name, description] of Object.entries(op.variants ?? {})) {
          expect(name, `${api} ${id}`).toMatch(/^[a-z0-9]+(?:[-_][a-z0-9]+)*$/);
          expect(description.length, `${api} ${id} ${name}`).toBeGreaterThan(10);
        }
      }
    }
  });
});
