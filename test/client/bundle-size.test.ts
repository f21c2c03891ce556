/**
 * The browser bundle of a chat-only page (`new SambaNovaCloud()` then `cloud.chat({ stream: true })`,
 * esbuild, minified): no validators, no other API's contract, openapi-fetch's request building
 * without its client object, and a gzip size under the budget. The goal is 8 kB; the budget
 * holds today's size with a little room so that growth is a decision, not an accident
 * (bench/RESULTS.md has the figures).
 */
import { describe, expect, it } from 'vitest';
import { bundleSize, chatOnlyPages } from '../../bench/client-bundle-build.js';

const budgetBytes = 12 * 1024;

describe('chat-only browser bundle', () => {
  it(`holds only what a Cloud chat stream needs, within ${budgetBytes / 1024} kB gzip`, async () => {
    const size = await bundleSize(chatOnlyPages.sambakit);
    const paths = size.inputs.map(([path]) => path);
    expect(paths.filter((path) => path.startsWith('generated/'))).toEqual(['generated/sambanova-cloud/operations.js']);
    expect(paths.filter((path) => /validat|ajv|contract\/(lmi|sambastudio)/.test(path))).toEqual([]);
    // createClient's middleware machinery stays out: openapi-fetch contributes its serializers only.
    const openapiFetch = size.inputs.find(([path]) => path.includes('openapi-fetch'));
    expect(openapiFetch?.[1]).toBeLessThan(4000);
    expect(size.gzipBytes).toBeLessThanOrEqual(budgetBytes);
  });
});
