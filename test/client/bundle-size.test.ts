/**
 * The browser bundle of a chat-only page (`new SambaNovaCloudChat()`, then chat whole and streamed,
 * esbuild, minified): the chat operation's table entry and no other operation, no validators, no
 * other API's contract, no parameter serializers or upload encoders, no JSON-lines decoder, and a
 * gzip size within the goal of 8 kB (bench/RESULTS.md has the figures).
 */
import { describe, expect, it } from 'vitest';
import { operationTable } from '../../src/contract/sambanova-cloud.js';
import { bundleSize, chatOnlyPages } from '../../bench/client-bundle-build.js';

const budgetBytes = 8 * 1024;

describe('chat-only browser bundle', () => {
  it(`holds only what Cloud chat needs, within ${budgetBytes / 1024} kB gzip`, async () => {
    const size = await bundleSize(chatOnlyPages.sambakit);
    const paths = size.inputs.map(([path]) => path);
    expect(paths.filter((path) => path.startsWith('generated/'))).toEqual(['generated/sambanova-cloud/operations.js']);
    const otherOperations = Object.keys(operationTable).filter((id) => id !== 'createChatCompletion' && size.code.includes(`"${id}"`));
    expect(otherOperations).toEqual([]);
    expect(paths.filter((path) => /validat|ajv|contract\/(lmi|sambastudio)|uploads|request-encoders|openapi-fetch|jsonl|line-decoder|chunk-source|eventsource/.test(path))).toEqual([]);
    expect(size.gzipBytes).toBeLessThanOrEqual(budgetBytes);
  });
});
