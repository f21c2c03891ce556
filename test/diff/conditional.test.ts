/**
 * A body told apart by `if`/`then`/`else` (LMI's `/invocations`: `messages` -> chat, else LMI's own
 * schema) is compared branch by branch, as a union is: narrowing the chat request breaks both
 * operations that take it.
 */
import { describe, expect, it } from 'vitest';
import { diffDocuments } from '../../src/diff/diff.js';
import { loadSpec } from '../../src/diff/load.js';
import { repoRoot } from '../helpers/spec.js';

type Doc = { components: { schemas: Record<string, { properties: Record<string, Record<string, unknown>>; then?: unknown; else?: unknown }> } };

describe('diff: if/then/else bodies', { timeout: 120_000 }, () => {
  it("reports a narrowed chat request (the then branch) under /invocations too", async () => {
    const before = (await loadSpec(`${repoRoot}spec/lmi.yaml`)).document;
    const after = structuredClone(before) as unknown as Doc;
    after.components.schemas.LmiChatRequest!.properties.frequency_penalty!.maximum = 1;
    const findings = diffDocuments(before, after as never).findings.filter((f) => f.rule === 'request-range-narrowed');
    expect(findings.map((f) => f.operation?.operationId).sort()).toEqual(['createChatCompletion', 'invoke']);
    expect(findings.every((f) => f.breaking)).toBe(true);
  });

  it("reports a narrowed LMI request (the else branch), and nothing for an unchanged document", async () => {
    const before = (await loadSpec(`${repoRoot}spec/lmi.yaml`)).document;
    expect(diffDocuments(before, structuredClone(before)).findings).toEqual([]);
    const after = structuredClone(before) as unknown as Doc;
    after.components.schemas.LmiGenerateRequest!.properties.inputs!.maxLength = 10;
    const invoke = diffDocuments(before, after as never).findings.filter((f) => f.operation?.operationId === 'invoke');
    expect(invoke.map((f) => f.rule)).toContain('request-range-narrowed');
  });
});
