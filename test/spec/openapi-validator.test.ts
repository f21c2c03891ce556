import { readFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { apiNames, repoRoot } from '../helpers/spec.js';

// An OpenAPI validator independent of Redocly, checking each bundled document against the official
// OpenAPI 3.1 schema, and the generated 3.2 twin against the 3.2 schema.
describe.each(apiNames)('%s bundled documents pass @seriousme/openapi-schema-validator', (api) => {
  it.each(['openapi.json', 'openapi-3.2.json'])('%s', async (file) => {
    const doc = JSON.parse(readFileSync(`${repoRoot}generated/${api}/${file}`, 'utf8'));
    const validator = new Validator();
    const result = await validator.validate(doc);
    expect(result.errors ?? [], JSON.stringify(result.errors, null, 1)?.slice(0, 2000)).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe(file === 'openapi.json' ? '3.1' : '3.2');
  });
});
