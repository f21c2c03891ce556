/**
 * The lean stream writer (src/server/paced-stream-body.ts), which a server without response checks
 * uses for chat streams that carry no fault: the same bytes as the general writer (which check mode
 * and faults use), pacing, a client that leaves, backpressure and shutdown, on real HTTP.
 */
import { describe, expect, it } from 'vitest';
import { iterateStreamItems } from '../../src/streams/index.js';
import { pendingStepTimers } from '../../src/server/pacing/wait-until.js';
import { useServer, withServer, type TestServer } from '../helpers/server.js';
import { chatBody, key, paths, post, readTimed, weatherTool } from './openai-chat/helpers.js';

const lean = useServer({ apiKey: key, seed: 11, checkResponses: 'off' });
const checked = useServer({ apiKey: key, seed: 11 });

/** Keys whose values differ between two runs of one request: ids, clocks and timing figures. */
const volatile = /^(id|created|.*time.*|.*latency.*|.*per_sec.*|.*throughput.*|.*_per_second)$/;

function scrub(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(scrub);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, volatile.test(k) ? `<${typeof v}>` : scrub(v)]));
}

/** The body with the volatile values replaced by their type; framing, key order and everything else as sent. */
function normalised(text: string): string {
  return text
    .split('\n')
    .map((line) => {
      const json = line.startsWith('data: {') ? line.slice(6) : line.startsWith('{') ? line : undefined;
      return json === undefined ? line : `${line.slice(0, line.length - json.length)}${JSON.stringify(scrub(JSON.parse(json)))}`;
    })
    .join('\n');
}

async function streamText(server: TestServer, path: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; contentType: string | null; text: string }> {
  const response = await post(server, path, body, headers);
  return { status: response.status, contentType: response.headers.get('content-type'), text: await response.text() };
}

describe('the lean stream writer', () => {
  const cases: Array<[string, string, Record<string, unknown>]> = [
    ['Cloud, usage chunk', paths.cloud, chatBody({ stream: true, max_tokens: 12, stream_options: { include_usage: true } })],
    ['Cloud, two choices and logprobs', paths.cloud, chatBody({ stream: true, max_tokens: 6, n: 2, logprobs: true, top_logprobs: 2 })],
    ['Cloud, a tool call', paths.cloud, chatBody({ stream: true, tools: [weatherTool], tool_choice: 'required' })],
    ['SambaStudio', paths.studio, chatBody({ stream: true, max_tokens: 9, stream_options: { include_usage: true } })],
    ['LMI (JSON lines)', paths.lmi, chatBody({ stream: true, max_tokens: 9 })],
  ];
  for (const [name, path, body] of cases) {
    it(`${name}: the same bytes as the general writer, ids and clocks aside`, async () => {
      const fast = await streamText(lean, path, body);
      const general = await streamText(checked, path, body);
      expect(fast.status).toBe(200);
      expect(fast.contentType).toBe(general.contentType);
      expect(normalised(fast.text)).toBe(normalised(general.text));
      // The normalising kept the substance: items and the end of the stream.
      expect(fast.text.split('\n').filter((line) => line.trim() !== '').length).toBeGreaterThanOrEqual(3);
    });
  }

  it('paces: the first token after the TTFT, the rest no faster than the rate', async () => {
    const start = performance.now();
    const response = await post(lean, paths.cloud, chatBody({ stream: true, max_tokens: 6 }), { 'x-sambakit-ttft-ms': '150', 'x-sambakit-tokens-per-second': '20' });
    const parts = await readTimed(response, start);
    const text = parts.map((part) => part.text).join('');
    expect(text).toMatch(/data: \[DONE\]\n\n$/);
    const first = parts.find((part) => part.text.includes('"content":"') && !part.text.includes('"content":""'))!;
    const last = parts.find((part) => part.text.includes('[DONE]'))!;
    expect(first.atMs).toBeGreaterThanOrEqual(150);
    // Six tokens: the last (sent with the end) no sooner than five intervals after the first.
    expect(last.atMs - first.atMs).toBeGreaterThanOrEqual(5 * 50 * 0.8);
  });

  it('a client that leaves stops the run: the log says so and no step timer is left', async () => {
    const controller = new AbortController();
    const response = await post(lean, paths.cloud, chatBody({ stream: true, max_tokens: 200 }), { 'x-sambakit-ttft-ms': '0', 'x-sambakit-tokens-per-second': '4' }, controller.signal);
    const requestId = response.headers.get('x-request-id')!;
    const reader = response.body!.getReader();
    expect((await reader.read()).done).toBe(false);
    expect(pendingStepTimers()).toBe(1);
    controller.abort();
    await reader.cancel().catch(() => {});
    const line = () => lean.lines.find((l) => l.includes(requestId) && l.includes('stopped after'));
    const until = performance.now() + 3000;
    while ((line() === undefined || pendingStepTimers() > 0) && performance.now() < until) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(line()).toMatch(/stopped after [12] chunks: generation cancelled/);
    expect(pendingStepTimers()).toBe(0);
  });

  it('an answer due all at once waits for a reader that does not read, then arrives whole', async () => {
    // No pace: four choices of up to 4,096 tokens are due at once, written in 16 KiB writes, each
    // waiting for the socket to drain (Node's buffer is past its high-water mark after each).
    const response = await post(lean, paths.cloud, chatBody({ stream: true, n: 4, max_tokens: 4096, stream_options: { include_usage: true } }), { 'x-sambakit-ttft-ms': '0', 'x-sambakit-tokens-per-second': '1000000000' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    let chunks = 0;
    let usage: { completion_tokens: number } | undefined;
    for await (const item of iterateStreamItems(response.body!, { framing: 'sse', terminator: '[DONE]', errorEvents: ['error'] })) {
      expect(item.kind).toBe('item');
      const value = item.value as { choices: unknown[]; usage?: { completion_tokens: number } };
      if (value.usage) usage = value.usage;
      else chunks++;
    }
    expect(usage?.completion_tokens).toBeGreaterThan(300);
    // One chunk per token of every choice, and each choice's closing chunk.
    expect(chunks).toBeGreaterThanOrEqual(usage!.completion_tokens);
  });
});
