/**
 * The token counter remembers the counts of the prompt lines it meets (clients resend the same system
 * prompt), up to a budget of characters. A remembered line must be only its own characters: V8 makes
 * a slice of a string a view of the whole, so a line kept as sliced would hold the whole prompt of a
 * request long answered (megabytes each, a heap every major GC then carries: the fuzz's server held
 * 12 MB of old prompts after 10,000 cases). Over real HTTP, the heap after a full GC, not timings.
 */
import { request } from 'node:http';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { useServer } from '../helpers/server.js';

setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;
const heapAfterGc = () => {
  collect();
  collect();
  return getHeapStatistics().used_heap_size;
};

const headers = { authorization: 'Bearer sk-memo', 'content-type': 'application/json' };
const model = 'Meta-Llama-3.3-70B-Instruct'; // context_length 131072: the prompt is counted past it, its lines remembered
/** Two-byte text (two bytes a character in memory): the same line over and over, or one line too long to remember, of one word. */
const line = 'The 日本語 line, counted once and remembered.\n';
const word = ' Supercalifragilistic日本語';

const promptBody = (chars: number, text: string) => JSON.stringify({ model, messages: [{ role: 'user', content: text.repeat(Math.ceil(chars / text.length)) }] });

/** The answer's status to a prompt of `chars`. node:http, and the body made out of any closure's reach: nothing of it stays in this process. */
function sendPrompt(url: string, chars: number, text: string): Promise<number> {
  const sent = request(`${url}/cloud/v1/chat/completions`, { method: 'POST', headers, agent: false });
  const status = new Promise<number>((done, fail) => {
    sent.on('response', (response) => response.resume().on('end', () => done(response.statusCode!))).on('error', fail);
  });
  sent.end(promptBody(chars, text));
  return status;
}

describe("the token counter's memos", () => {
  const server = useServer();

  it.each([
    ['lines', line],
    ['pieces of a long line', word],
  ])('keeps no part of a long prompt past its answer but the %s it remembers', async (_, text) => {
    // The code and caches are warm before the heap is read; the long prompt's text is new to the memo.
    await sendPrompt(server.url, 1000, 'A warm-up line.\n');
    const before = heapAfterGc();
    const chars = 4_000_000;
    expect(await sendPrompt(server.url, chars, text)).toBe(400);
    const held = heapAfterGc() - before;
    // The prompt was 8 MB in memory; what is remembered of it, some bytes.
    expect(held).toBeLessThan(chars / 2);
  });
});
