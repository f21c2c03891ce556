/**
 * The browser bundle of a chat-only page (`new SambaNovaCloudChat()`, then chat whole and streamed,
 * esbuild, minified): the chat operation's table entry and no other operation, no validators, no
 * other API's contract, no parameter serializers or upload encoders, and a gzip size under the
 * budget. The goal is 8 kB; the budget holds today's size with a little room so that growth
 * is a decision, not an accident (bench/RESULTS.md has the figures and what the rest is).
 */
import { describe, expect, it } from 'vitest';
import { operationTable } from '../../src/contract/sambanova-cloud.js';
import { bundleSize, chatOnlyPages } from '../../bench/client-bundle-build.js';

const budgetBytes = 10.5 * 1024;

describe('chat-only browser bundle', () => {
  it(`holds only what Cloud chat needs, within ${budgetBytes / 1024} kB gzip`, async () => {
    const size = await bundleSize(chatOnlyPages.sambakit);
    const paths = size.inputs.map(([path]) => path);
    expect(paths.filter((path) => path.startsWith('generated/'))).toEqual(['generated/sambanova-cloud/operations.js']);
    const otherOperations = Object.keys(operationTable).filter((id) => id !== 'createChatCompletion' && size.code.includes(`"${id}"`));
    expect(otherOperations).toEqual([]);
    expect(paths.filter((path) => /validat|ajv|contract\/(lmi|sambastudio)|uploads|request-encoders/.test(path))).toEqual([]);
    // Neither createClient's middleware machinery nor the parameter serializers: openapi-fetch's URL and body helpers only.
    const openapiFetch = size.inputs.find(([path]) => path.includes('openapi-fetch'));
    expect(openapiFetch?.[1]).toBeLessThan(1000);
    expect(size.gzipBytes).toBeLessThanOrEqual(budgetBytes);
  });
});
