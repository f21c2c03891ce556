/**
 * Work a route's first request would do in its own turn is done when the server is made, before it
 * listens: the sliceable arrays of every route, read from the bundled documents (50-120 ms an API),
 * which the first request with a long array paid in one turn (the fuzz runs' one block, in their
 * first cases). Shown by what is read, never by timings.
 */
import { describe, expect, it } from 'vitest';
import { sliceableDocumentReads } from '../../src/server/sliceable-arrays.js';
import { useServer } from '../helpers/server.js';

describe('the server at start', () => {
  const server = useServer();

  it('has read the bundled documents before serving, so a first long array reads none', async () => {
    const readsAtStart = sliceableDocumentReads();
    // Each API's document was read, once (another server of this run may have read them before).
    expect(readsAtStart).toBeGreaterThanOrEqual(3);
    const messages = Array.from({ length: 2000 }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: `turn ${i}` }));
    for (const [path, body] of [
      ['/cloud/v1/chat/completions', { model: 'Meta-Llama-3.3-70B-Instruct', messages, max_tokens: 'x' }],
      ['/v1/p/e/chat/completions', { model: 'Meta-Llama-3.3-70B-Instruct', messages, max_tokens: 'x' }],
      ['/lmi/v1/chat/completions', { model: 'm', messages, max_tokens: 'x' }],
    ] as const) {
      const answer = await fetch(`${server.url}${path}`, { method: 'POST', headers: { authorization: 'Bearer k', 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect(answer.status, path).toBeGreaterThanOrEqual(400);
      expect((await answer.text()).includes('max_tokens'), path).toBe(true);
    }
    expect(sliceableDocumentReads()).toBe(readsAtStart);
  });
});
