import { describe, expect, it } from 'vitest';
import { pendingStepTimers } from '../../src/server/pacing/wait-until.js';
import { iterateStreamItems } from '../../src/streams/index.js';
import { withServer } from '../helpers/server.js';

const request = { model: 'Meta-Llama-3.3-70B-Instruct', messages: [{ role: 'user', content: 'Tell me a long story' }], stream: true, max_tokens: 500 };

describe('shutting down with streams open', () => {
  // Checked, a stream goes through the general writer; unchecked (serve's default), the lean one.
  it.each(['throw', 'off'] as const)('ends each open stream with the API\'s in-stream error, and close() resolves (response checks %s)', async (checkResponses) => {
    const server = await withServer({ ttftMs: 0, tokensPerSecond: 5, checkResponses });
    const response = await fetch(`${server.url}/cloud/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer k', 'content-type': 'application/json' },
      body: JSON.stringify(request),
    });
    expect(response.status).toBe(200);
    const items = iterateStreamItems(response.body!, { framing: 'sse', terminator: '[DONE]', errorEvents: ['error'] });
    const first = await items.next();
    expect(first.value?.kind).toBe('item');

    const closed = server.close();
    const rest = [];
    for await (const item of items) rest.push(item);
    await closed;

    const last = rest.at(-1)!;
    expect(last.kind).toBe('error');
    expect(last.event).toBe('error');
    expect((last.value as { error: { message: string } }).error.message).toMatch(/shutting down/);
    expect(server.violations).toEqual([]);
    expect(pendingStepTimers()).toBe(0);
  });
});
