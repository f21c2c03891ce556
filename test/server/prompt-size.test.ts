/**
 * No prompt stalls the server: long runs of one character (quadratic in the library's BPE) are
 * answered within a few seconds while another request on the same server still answers about as
 * fast as on an idle one. Latency is compared with a baseline taken on the same server, with a wide
 * margin (the machine is shared): before the fix a 2 MB run held the event loop for many minutes.
 */
import { describe, expect, it } from 'vitest';
import { TurnBudget } from '../../src/event-loop/turn-budget.js';
import { countTokens, countTokensUpTo } from '../../src/server/fake-model/index.js';
import { useServer } from '../helpers/server.js';

const headers = { authorization: 'Bearer sk-size', 'content-type': 'application/json' };
const bigModel = 'Meta-Llama-3.3-70B-Instruct'; // context_length 131072

describe('prompt size', () => {
  const server = useServer();

  const post = (body: unknown) => fetch(`${server.url}/cloud/v1/chat/completions`, { method: 'POST', headers, body: JSON.stringify(body) });
  const small = { model: bigModel, messages: [{ role: 'user', content: 'hello' }], max_tokens: 3 };

  async function latency(): Promise<number> {
    const start = performance.now();
    const response = await post(small);
    expect(response.status).toBe(200);
    await response.arrayBuffer();
    return performance.now() - start;
  }

  /** The big request's answer, and the worst latency of small requests sent while it was being handled. */
  async function whileBig(content: string): Promise<{ status: number; body: any; worst: number }> {
    let done = false;
    const big = post({ model: bigModel, messages: [{ role: 'user', content }], max_tokens: 5 }).then(async (response) => {
      const body = await response.json();
      done = true;
      return { status: response.status, body };
    });
    let worst = 0;
    while (!done) worst = Math.max(worst, await latency());
    return { ...(await big), worst };
  }

  it('2 MB and 8 MB runs of one character are answered while another request answers at once', async () => {
    const baseline = Math.max(...(await Promise.all([latency(), latency(), latency()])));
    // 2 MB of spaces fits the 128k context (a run of spaces is a few long tokens): a real answer.
    const spaces = await whileBig(' '.repeat(2 << 20));
    expect(spaces.status).toBe(200);
    expect(spaces.body.usage.prompt_tokens).toBeGreaterThan(10_000);
    expect(spaces.body.choices[0].message.content.length).toBeGreaterThan(0);
    // 8 MB of one letter does not fit: refused with the context error, not counted to its end.
    const letters = await whileBig('x'.repeat(8 << 20));
    expect(letters.status).toBe(400);
    expect(letters.body.error.code).toBe('context_length_exceeded');
    // Generous: the body of the big request itself takes time to send and parse.
    expect(spaces.worst).toBeLessThan(baseline * 20 + 2000);
    expect(letters.worst).toBeLessThan(baseline * 20 + 2000);
  });
});

describe('token counting of long runs', () => {
  it('cuts runs longer than 256 characters into pieces of 256, so a run costs its length', () => {
    expect(countTokens('x'.repeat(1000))).toBe(3 * countTokens('x'.repeat(256)) + countTokens('x'.repeat(232)));
    expect(countTokens('日'.repeat(600))).toBe(countTokens('日'.repeat(256)) * 2 + countTokens('日'.repeat(88)));
  });

  it('stops once past the limit, and answers a text too long to fit from its length alone', async () => {
    const counted = await countTokensUpTo('word '.repeat(100_000), 5000, new TurnBudget());
    expect(counted).toBeGreaterThan(5000);
    expect(counted).toBeLessThan(5100);
    expect(countTokensUpTo('x'.repeat(1 << 20), 1000, new TurnBudget())).toBe(8192);
  });

  const textOfLines = 'A line of text, with punctuation; and numbers 12345.\n'.repeat(40_000) + 'y'.repeat(10_000);

  it('counts a long text in slices to the same total as at once', async () => {
    const sliced = countTokensUpTo(textOfLines, Infinity, new TurnBudget());
    expect(sliced).toBeInstanceOf(Promise);
    expect(await sliced).toBe(countTokens(textOfLines));
  });

  it('counts in the caller\'s turn budget: with its slice used up, the count waits for the next turn of the event loop', async () => {
    const budget = new TurnBudget();
    while (!budget.spent()) {
      // the caller's own work uses up the slice
    }
    const order: string[] = [];
    setImmediate(() => order.push('next turn'));
    const counted = countTokensUpTo('A short prompt of a few words.', Infinity, budget);
    expect(counted).toBeInstanceOf(Promise);
    expect(await counted).toBe(countTokens('A short prompt of a few words.'));
    order.push('counted');
    expect(order).toEqual(['next turn', 'counted']);
  });
});
