/**
 * Pacing and metrics of the native streams, measured on the wire: the first token after the time
 * to first token, the rest 1/tokensPerSecond apart, and last objects whose timings agree with what
 * the client saw. A client that goes away stops generation at once (the server logs it, and no
 * timer is left behind).
 */
import { describe, expect, it } from 'vitest';
import { withServer } from '../../helpers/server.js';
import { call, jsonlFraming, KEY, nativeServer, postJson, sseFraming, timedStreamItems, typed, type TimedItem } from './helpers.js';

const ttftMs = 100;
const tokensPerSecond = 20;
const pacing = { 'x-sambakit-ttft-ms': String(ttftMs), 'x-sambakit-tokens-per-second': String(tokensPerSecond) };
const intervalMs = 1000 / tokensPerSecond;
const tokens = 5;

const streams = [
  { name: 'nlpPredictStream', path: '/api/predict/nlp/stream/p/e', body: { inputs: ['Hi'], params: { max_tokens_to_generate: typed.int(tokens) } }, framing: sseFraming, object: (v: any) => v },
  { name: 'genericPredictStream', path: '/api/predict/generic/stream/p/e', body: { instance: 'Hi', params: { max_tokens_to_generate: typed.int(tokens) } }, framing: jsonlFraming, object: (v: any) => v.result.responses[0] },
  { name: 'genericV2PredictStream', path: '/api/v2/predict/generic/stream/p/e', body: { items: [{ value: 'Hi' }], params: { max_tokens_to_generate: tokens } }, framing: jsonlFraming, object: (v: any) => v.result.items[0].value },
] as const;

describe('native stream pacing and metrics', () => {
  const server = nativeServer();

  it.each(streams)('$name: ttft 100 ms and 20 tokens/s on the wire and in the metrics', async ({ path, body, framing, object }) => {
    const sentAt = performance.now();
    const timed: TimedItem<any>[] = await timedStreamItems(await postJson(server(), path, body, pacing), framing, sentAt);
    expect(timed).toHaveLength(tokens + 1);
    const arrivals = timed.map((t) => t.atMs);
    // Wire: token i never arrives before ttft + i * interval (the server may be late, never early;
    // a busy client may read two lines at once, so gaps between arrivals prove nothing).
    for (let i = 0; i < tokens; i++) expect(arrivals[i], `token ${i}`).toBeGreaterThanOrEqual(ttftMs + i * intervalMs - 2);

    const last = object(timed.at(-1)!.item.value);
    expect(last.is_last_response).toBe(true);
    // Metrics: measured on the server from its actual sends, so within what the client observed.
    expect(last.time_to_first_token).toBeGreaterThanOrEqual(ttftMs / 1000 - 0.002);
    expect(last.time_to_first_token).toBeLessThanOrEqual(arrivals[0]! / 1000 + 0.002);
    expect(last.throughput_after_first_token).toBeGreaterThan(tokensPerSecond * 0.5);
    // Deadlines are absolute, so a late first token can make the rest look a little faster; never by much.
    expect(last.throughput_after_first_token).toBeLessThanOrEqual(tokensPerSecond * 1.5);
    expect(last.model_execution_time).toBeGreaterThanOrEqual((ttftMs + (tokens - 1) * intervalMs) / 1000 - 0.005);
    expect(last.model_execution_time).toBeLessThanOrEqual(arrivals.at(-1)! / 1000 + 0.002);
    expect(last.end_time - last.start_time).toBeCloseTo(last.model_execution_time, 3);
    expect(Math.abs(last.start_time - Date.now() / 1000)).toBeLessThan(5);
    expect(last.total_tokens_per_sec).toBeCloseTo(last.total_tokens_count / last.model_execution_time, 1);
  });

  it('non-streamed answers come when the batch would be done, and say so in status.elapsedTime', async () => {
    const sentAt = performance.now();
    const body = await call(server(), '/api/predict/generic/p/e', { instances: ['Hi', 'Hello'], params: { max_tokens_to_generate: typed.int(tokens) } }, pacing);
    const wireMs = performance.now() - sentAt;
    const expectedMs = ttftMs + (tokens - 1) * intervalMs;
    expect(wireMs).toBeGreaterThanOrEqual(expectedMs - 5);
    expect(body.status.elapsedTime).toBeGreaterThanOrEqual(expectedMs / 1000 - 0.005);
    expect(body.status.elapsedTime).toBeLessThanOrEqual(wireMs / 1000 + 0.002);
  });

  it('a client that aborts mid-stream stops generation at once, and no timer is left behind', async () => {
    const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
    const before = timers();
    const controller = new AbortController();
    // One token every 2 s, 50 of them: after the first line the producer waits 2 s for the next one.
    // Only a wait that listens to the abort ends sooner; the assertions below need it to.
    const response = await postJson(server(), '/api/predict/generic/stream/p/e', { instance: 'Tell me a story.', params: { max_tokens_to_generate: typed.int(50) } }, { 'x-sambakit-ttft-ms': '0', 'x-sambakit-tokens-per-second': '0.5' }, controller.signal);
    const reader = response.body!.getReader();
    const { value } = await reader.read();
    expect(new TextDecoder().decode(value)).toContain('"stream_token"');
    const abortedAt = performance.now();
    controller.abort();
    let logged: string | undefined;
    while (!logged && performance.now() - abortedAt < 3000) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      logged = server().lines.find((line) => line.startsWith('genericPredictStream ') && line.includes('generation stopped'));
    }
    expect(logged).toMatch(/stream ended after 1 of 51 items; generation stopped$/);
    expect(performance.now() - abortedAt).toBeLessThan(500);
    expect(timers()).toBeLessThanOrEqual(before);
  });
});

describe('native streams at server shutdown', () => {
  it('an open stream ends with the in-stream error line, not as if it were complete', async () => {
    const server = await withServer({ apis: ['sambastudio'], apiKey: KEY });
    try {
      const response = await postJson(server, '/api/predict/generic/stream/p/e', { instance: 'Hi', params: { max_tokens_to_generate: typed.int(40) } }, { 'x-sambakit-ttft-ms': '0', 'x-sambakit-tokens-per-second': '5' });
      const reader = response.body!.getReader();
      let text = new TextDecoder().decode((await reader.read()).value);
      const closed = server.close();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
      await closed;
      const lines = text.trim().split('\n').map((line) => JSON.parse(line));
      expect(lines.length).toBeLessThan(41);
      expect(lines.some((line) => line.result?.responses?.[0]?.is_last_response)).toBe(false);
      expect(lines.at(-1)).toEqual({ error: { code: 'internal_error', details: expect.any(String), message: 'The server is shutting down; the answer was cut.' }, status_code: 500 });
      expect(server.violations).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
