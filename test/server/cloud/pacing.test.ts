/**
 * The Cloud streams beyond chat are paced like chat: the envelope events (`response.created`,
 * `message_start`) go out at once, the first token at the time to first token, the others one per
 * `1 / tokens per second`; the usage reports what was sent; and a client that leaves stops the run
 * with no timer left behind.
 * @module
 */
import { describe, expect, it } from 'vitest';
import { pendingStepTimers } from '../../../src/server/pacing/wait-until.js';
import { useServer } from '../../helpers/server.js';
import { parseSse } from '../openai-chat/helpers.js';
import { wav } from '../../helpers/audio.js';
import { chatModel, key, post, speechModel } from './helpers.js';

const server = useServer({ apiKey: key });

const TTFT = 200;
const TPS = 50;
const pacing = { 'x-sambakit-ttft-ms': String(TTFT), 'x-sambakit-tokens-per-second': String(TPS) };

interface TimedEvent {
  atMs: number;
  event?: string;
  data: string;
}

/** The events of a stream with the time (ms since `start`) each was complete on the client. */
async function timedEvents(response: Response, start: number): Promise<TimedEvent[]> {
  const out: TimedEvent[] = [];
  const decoder = new TextDecoder();
  const reader = response.body!.getReader();
  let buffer = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    const end = buffer.lastIndexOf('\n\n');
    if (end < 0) continue;
    const atMs = performance.now() - start;
    for (const event of parseSse(buffer.slice(0, end + 2))) out.push({ atMs, ...event });
    buffer = buffer.slice(end + 2);
  }
  return out;
}

async function stream(path: string, body: unknown): Promise<TimedEvent[]> {
  const start = performance.now();
  const response = await post(server, path, body, pacing);
  expect(response.status).toBe(200);
  return timedEvents(response, start);
}

/** The first token at TTFT, then one every 1000 / TPS ms (allowing for timer granularity). */
function expectPaced(tokenEvents: TimedEvent[]): void {
  const interval = 1000 / TPS;
  expect(tokenEvents[0]!.atMs).toBeGreaterThanOrEqual(TTFT - 5);
  const last = tokenEvents.at(-1)!;
  // From the request: a late read of the first token on the client cannot make this look too fast.
  expect(last.atMs).toBeGreaterThanOrEqual(TTFT + (tokenEvents.length - 1) * interval * 0.8);
  // Only lower bounds: the server never sends early; how late a shared machine delivers is not its to promise.
}

describe('pacing', () => {
  it('completions: one chunk per token at the pace asked for; the usage agrees', async () => {
    const events = await stream('/completions', { model: chatModel, prompt: 'Rivers', max_tokens: 8, stream: true, stream_options: { include_usage: true } });
    const chunks = events.filter((e) => e.data !== '[DONE]');
    expectPaced(chunks.slice(0, -1));
    const usage = JSON.parse(chunks.at(-1)!.data).usage;
    expect(usage.time_to_first_token).toBeGreaterThanOrEqual(TTFT / 1000);
    expect(usage.completion_tokens_after_first_per_sec).toBeLessThanOrEqual(TPS * 1.2);
  });

  it('responses: created and in_progress at once, text deltas paced, usage at the end', async () => {
    const events = await stream('/responses', { model: chatModel, input: 'Rivers', max_output_tokens: 8, stream: true });
    expect(events[0]!.event).toBe('response.created');
    const deltas = events.filter((e) => e.event === 'response.output_text.delta');
    // The time to first token counts from when the request arrived (the envelope leaves at once).
    expect(deltas[0]!.atMs).toBeGreaterThanOrEqual(TTFT - 5);
    expectPaced(deltas);
    const last = JSON.parse(events.at(-1)!.data);
    expect(last.type).toBe('response.incomplete');
    expect(last.response.usage.time_to_first_token).toBeGreaterThanOrEqual(TTFT / 1000);
  });

  it('messages: message_start at once, text deltas paced', async () => {
    const events = await stream('/messages', { model: chatModel, max_tokens: 8, stream: true, messages: [{ role: 'user', content: 'Rivers' }] });
    expect(events[0]!.event).toBe('message_start');
    const deltas = events.filter((e) => e.event === 'content_block_delta');
    expect(deltas[0]!.atMs).toBeGreaterThanOrEqual(TTFT - 5);
    expectPaced(deltas);
  });

  it('transcriptions: one word per chunk at the pace of its tokens', async () => {
    const form = new FormData();
    form.set('file', new File([wav(16_000, 2)], 'a.wav'));
    form.set('model', speechModel);
    form.set('stream', 'true');
    const start = performance.now();
    const response = await fetch(`${server.url}/cloud/v1/audio/transcriptions`, { method: 'POST', headers: { authorization: `Bearer ${key}`, ...pacing }, body: form });
    const events = (await timedEvents(response, start)).filter((e) => e.data !== '[DONE]');
    expect(events[0]!.atMs).toBeGreaterThanOrEqual(TTFT - 5);
    expect(events.at(-1)!.atMs).toBeGreaterThanOrEqual(TTFT + (((events.length - 2) * 1000) / TPS) * 0.8);
  });

  it('a client that leaves mid-stream stops the run: no step timer is left waiting', async () => {
    const controller = new AbortController();
    const response = await fetch(`${server.url}/cloud/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': key, 'content-type': 'application/json', 'x-sambakit-ttft-ms': '0', 'x-sambakit-tokens-per-second': '5' },
      body: JSON.stringify({ model: chatModel, max_tokens: 100, stream: true, messages: [{ role: 'user', content: 'Rivers' }] }),
      signal: controller.signal,
    });
    const reader = response.body!.getReader();
    let seen = '';
    while (!seen.includes('content_block_delta')) seen += new TextDecoder().decode((await reader.read()).value);
    expect(pendingStepTimers()).toBe(1);
    controller.abort();
    await reader.closed.catch(() => {});
    const deadline = Date.now() + 2000;
    while (pendingStepTimers() > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(pendingStepTimers()).toBe(0);
  });
});
