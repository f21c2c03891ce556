/**
 * What all three chat APIs share, checked on each: exact max_tokens, stop sequences, determinism,
 * greedy decoding, streams that add up to the whole answer, pacing measured from the wire and
 * reported consistently in usage, and a client that leaves mid-stream stopping the generation.
 */
import { encode } from 'gpt-tokenizer/encoding/cl100k_base';
import { describe, expect, it } from 'vitest';
import { pendingStepTimers } from '../../../src/server/pacing/wait-until.js';
import { useServer } from '../../helpers/server.js';
import { chatBody, contentByChoice, key, parseJsonLines, parseSse, paths, post, postJson, postSse, readTimed, withoutVolatile } from './helpers.js';

const server = useServer({ apiKey: key, seed: 11 });

interface Api {
  name: string;
  path: string;
  headers: Record<string, string>;
  /** Completion tokens of a whole answer's usage. */
  completionTokens(usage: any): number;
  promptTokens(usage: any): number;
  totalTokens(usage: any): number;
  ttftS(usage: any): number;
  throughput(usage: any): number;
  stopReason: string;
}

const apis: Api[] = [
  {
    name: 'SambaStudio',
    path: paths.studio,
    headers: {},
    completionTokens: (u) => u.output_tokens_count,
    promptTokens: (u) => u.input_tokens_count,
    totalTokens: (u) => u.total_tokens_count,
    ttftS: (u) => u.time_to_first_token,
    throughput: (u) => u.throughput_after_first_token,
    stopReason: 'stop',
  },
  {
    name: 'SambaNova Cloud',
    path: paths.cloud,
    headers: {},
    completionTokens: (u) => u.completion_tokens,
    promptTokens: (u) => u.prompt_tokens,
    totalTokens: (u) => u.total_tokens,
    ttftS: (u) => u.time_to_first_token,
    throughput: (u) => u.completion_tokens_after_first_per_sec,
    stopReason: 'stop',
  },
  {
    name: 'LMI (vllm-async, for usage in streams)',
    path: paths.lmi,
    headers: { 'x-sambakit-variant': 'vllm-async', accept: 'text/event-stream' },
    completionTokens: (u) => u.completion_tokens,
    promptTokens: (u) => u.prompt_tokens,
    totalTokens: (u) => u.total_tokens,
    ttftS: () => Number.NaN,
    throughput: () => Number.NaN,
    stopReason: 'stop',
  },
];

for (const api of apis) {
  describe(`${api.name}: generation`, () => {
    it('max_tokens is honoured exactly, whole and streamed, in real tokenizer tokens', async () => {
      for (const maxTokens of [1, 2, 17, 60]) {
        const body = await postJson(server, api.path, chatBody({ max_tokens: maxTokens }), api.headers);
        expect(api.completionTokens(body.usage)).toBe(maxTokens);
        expect(body.choices[0].finish_reason).toBe('length');
        expect(encode(body.choices[0].message.content)).toHaveLength(maxTokens);
        const { chunks } = await postSse(server, api.path, chatBody({ max_tokens: maxTokens, stream: true }), api.headers);
        expect(chunks.filter((c) => c.choices[0]?.delta.content).length).toBe(maxTokens);
        expect(contentByChoice(chunks).get(0)).toBe(body.choices[0].message.content);
      }
    });

    it('a stop sequence ends the content right before it, finish_reason stop; the stream agrees', async () => {
      const natural = await postJson(server, api.path, chatBody({ temperature: 0 }), api.headers);
      const text: string = natural.choices[0].message.content;
      const words = text.split(' ');
      const stop = words.slice(5, 7).join(' ');
      const expected = text.slice(0, text.indexOf(stop));
      const body = await postJson(server, api.path, chatBody({ temperature: 0, stop: ['never-there', stop] }), api.headers);
      expect(body.choices[0].message.content).toBe(expected);
      expect(body.choices[0].finish_reason).toBe(api.stopReason);
      const { chunks } = await postSse(server, api.path, chatBody({ temperature: 0, stop, stream: true }), api.headers);
      expect(contentByChoice(chunks).get(0)).toBe(expected);
    });

    it('is deterministic: the same request and seed give the same body apart from ids, times and timing', async () => {
      const request = chatBody({ seed: 42, temperature: 0.8, max_tokens: 40, logprobs: true, top_logprobs: 2 });
      const [a, b] = await Promise.all([postJson(server, api.path, request, api.headers), postJson(server, api.path, request, api.headers)]);
      expect(withoutVolatile(a)).toEqual(withoutVolatile(b));
      expect(a.id).not.toBe(b.id);
      const other = await postJson(server, api.path, { ...request, seed: 43 }, api.headers);
      expect(other.choices[0].message.content).not.toBe(a.choices[0].message.content);
    });

    it('temperature 0 is greedy: the seed does not matter, and do_sample false means the same', async () => {
      const greedy = await postJson(server, api.path, chatBody({ temperature: 0, seed: 1, max_tokens: 30 }), api.headers);
      const otherSeed = await postJson(server, api.path, chatBody({ temperature: 0, seed: 2, max_tokens: 30 }), api.headers);
      const noSample = await postJson(server, api.path, chatBody({ do_sample: false, seed: 3, max_tokens: 30 }), api.headers);
      expect(otherSeed.choices).toEqual(greedy.choices);
      expect(noSample.choices).toEqual(greedy.choices);
    });

    it('usage totals add up and prompt tokens grow with the prompt', async () => {
      const short = await postJson(server, api.path, chatBody({ max_tokens: 3 }), api.headers);
      const long = await postJson(server, api.path, chatBody({ max_tokens: 3, messages: [{ role: 'user', content: 'Tell me about rivers. '.repeat(20) }] }), api.headers);
      for (const body of [short, long]) expect(api.totalTokens(body.usage)).toBe(api.promptTokens(body.usage) + api.completionTokens(body.usage));
      expect(api.promptTokens(long.usage)).toBeGreaterThan(api.promptTokens(short.usage) + 60);
    });
  });
}

describe('pacing, measured from the wire', () => {
  const slow = { 'x-sambakit-ttft-ms': '100', 'x-sambakit-tokens-per-second': '20' };

  for (const api of apis.slice(0, 2)) {
    it(`${api.name}: first token after >= 100 ms, then 20 tokens/s; usage reports the same`, async () => {
      const start = performance.now();
      const response = await post(server, api.path, chatBody({ max_tokens: 6, stream: true, stream_options: { include_usage: true } }), { ...api.headers, ...slow });
      const pieces = await readTimed(response, start);
      // When each content chunk arrived: the SSE text of a network read can hold several events.
      const arrivals: number[] = [];
      let usage: any;
      for (const piece of pieces) {
        for (const event of parseSse(piece.text)) {
          if (event.data === '[DONE]') continue;
          const chunk = JSON.parse(event.data);
          if (chunk.usage) usage = chunk.usage;
          if (chunk.choices[0]?.delta.content) arrivals.push(piece.atMs);
        }
      }
      expect(arrivals).toHaveLength(6);
      expect(arrivals[0]).toBeGreaterThanOrEqual(100);
      // The first token at 100 ms, then 5 intervals of 50 ms; from the request, so that a late read
      // of the first token on a busy client cannot shrink the spread.
      expect(arrivals[5]!).toBeGreaterThanOrEqual(100 + 245);
      expect(api.ttftS(usage)).toBeGreaterThanOrEqual(0.1);
      expect(api.ttftS(usage)).toBeLessThanOrEqual(arrivals[0]! / 1000 + 0.005);
      expect(api.throughput(usage)).toBeGreaterThan(15);
      expect(api.throughput(usage)).toBeLessThanOrEqual(20.01);
    });

    it(`${api.name}: a whole answer takes as long as its stream would, and says so in usage`, async () => {
      const start = performance.now();
      const body = await postJson(server, api.path, chatBody({ max_tokens: 5 }), { ...api.headers, ...slow });
      const elapsed = performance.now() - start;
      expect(elapsed).toBeGreaterThanOrEqual(300);
      expect(api.ttftS(body.usage)).toBeGreaterThanOrEqual(0.1);
      expect(api.throughput(body.usage)).toBeGreaterThan(15);
      expect(api.throughput(body.usage)).toBeLessThanOrEqual(20.01);
    });
  }

  it('Cloud figures agree with one another, the first-ten rate included, whole and streamed', async () => {
    // Every check relates figures of the same usage object, or bounds them by the pace asked for
    // from the side a busy machine cannot cross (it only makes tokens later): none depends on how fast
    // this machine happens to run.
    const ttftS = 0.05;
    const rate = 40;
    const maxTokens = 40;
    const pace = { 'x-sambakit-ttft-ms': String(ttftS * 1000), 'x-sambakit-tokens-per-second': String(rate) };
    const whole = await postJson(server, paths.cloud, chatBody({ max_tokens: maxTokens }), pace);
    const streamed = await postSse(server, paths.cloud, chatBody({ max_tokens: maxTokens, stream: true, stream_options: { include_usage: true } }), pace);
    for (const u of [whole.usage, streamed.chunks.at(-1).usage]) {
      expect(u.completion_tokens).toBe(maxTokens);
      expect(u.stop_reason).toBe('length');
      expect(u.total_tokens).toBe(u.prompt_tokens + u.completion_tokens);
      // Times: the first token after the wait asked for and within the whole; the whole no shorter
      // than the wait plus the gaps between tokens, and the same span as start_time to end_time.
      expect(u.time_to_first_token).toBeGreaterThanOrEqual(ttftS - 0.005);
      expect(u.time_to_first_token).toBeLessThanOrEqual(u.total_latency);
      expect(u.total_latency).toBeGreaterThanOrEqual(ttftS + (maxTokens - 1) / rate - 0.005);
      expect(u.end_time - u.start_time).toBeCloseTo(u.total_latency, 2);
      // Rates over the whole: tokens over total latency.
      expect(u.completion_tokens_per_sec).toBeCloseTo(u.completion_tokens / u.total_latency, 6);
      expect(u.total_tokens_per_sec).toBeCloseTo(u.total_tokens / u.total_latency, 6);
      // After the first token: the tokens after it over the time from it to the last, which lies
      // within the time from the first token to the end, so at least (tokens - 1) / (latency - TTFT);
      // the first ten after it took no longer than all of them. Neither rate above the one asked for.
      const afterFirstS = u.total_latency - u.time_to_first_token;
      expect(u.completion_tokens_after_first_per_sec * afterFirstS).toBeGreaterThanOrEqual((u.completion_tokens - 1) * (1 - 1e-9));
      expect(u.completion_tokens_after_first_per_sec_first_ten * afterFirstS).toBeGreaterThanOrEqual(10 * (1 - 1e-9));
      expect(u.completion_tokens_after_first_per_sec_first_ten).toBeGreaterThanOrEqual(10 / afterFirstS - 1e-9);
      for (const after of [u.completion_tokens_after_first_per_sec, u.completion_tokens_after_first_per_sec_first_ten]) expect(after).toBeLessThanOrEqual(rate + 0.01);
      // The accelerator's figures repeat the wire's on the reference server.
      expect(u.completion_tokens_after_first_per_sec_graph).toBe(u.completion_tokens_after_first_per_sec);
      expect(u.time_to_first_token_graph).toBe(u.time_to_first_token);
    }
  });
});

describe('a client that leaves mid-stream stops the generation', () => {
  const activeTimers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
  const waitFor = async (check: () => boolean, ms = 3000) => {
    const until = performance.now() + ms;
    while (!check() && performance.now() < until) await new Promise((resolve) => setTimeout(resolve, 10));
    return check();
  };

  for (const [name, path, headers] of [
    ['SambaStudio', paths.studio, {}],
    ['SambaNova Cloud', paths.cloud, {}],
    ['LMI (JSON lines)', paths.lmi, {}],
  ] as const) {
    it(`${name}: the producer ends (log line) and no timer is left`, async () => {
      const baseline = activeTimers();
      const controller = new AbortController();
      // 200 tokens at 4 tokens/s would take 50 s.
      const response = await post(server, path, chatBody({ max_tokens: 200, stream: true }), { ...headers, 'x-sambakit-ttft-ms': '0', 'x-sambakit-tokens-per-second': '4' }, controller.signal);
      const requestId = response.headers.get('x-request-id')!;
      const reader = response.body!.getReader();
      const first = await reader.read();
      expect(first.done).toBe(false);
      expect(pendingStepTimers()).toBe(1); // the producer is waiting for the next token
      controller.abort();
      await reader.cancel().catch(() => {});
      const line = () => server.lines.find((l) => l.includes(requestId) && l.includes('stopped after'));
      expect(await waitFor(() => line() !== undefined)).toBe(true);
      expect(line()).toMatch(/stopped after [12] chunks: generation cancelled/);
      expect(pendingStepTimers()).toBe(0);
      // And from Node's side: the process holds no more timers than before the request.
      expect(await waitFor(() => activeTimers() <= baseline)).toBe(true);
    });
  }

  it('a whole answer still being paced is dropped when the client leaves', async () => {
    const controller = new AbortController();
    const pending = post(server, paths.cloud, chatBody({ max_tokens: 100 }), { 'x-sambakit-ttft-ms': '0', 'x-sambakit-tokens-per-second': '4' }, controller.signal).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 100));
    controller.abort();
    expect(await pending).toBeInstanceOf(Error);
    expect(await waitFor(() => server.lines.some((l) => /sambanova-cloud chat .* stopped: the client went away/.test(l)))).toBe(true);
  });
});

describe('JSON lines and SSE carry the same answer', () => {
  it('LMI rolling batch: the lines add up to the whole answer', async () => {
    const request = chatBody({ max_tokens: 25, temperature: 0 });
    const whole = await postJson(server, paths.lmi, request);
    const response = await post(server, paths.lmi, { ...request, stream: true });
    const lines = parseJsonLines(await response.text()) as any[];
    expect(lines.map((l) => l.choices[0].delta.content).join('')).toBe(whole.choices[0].message.content);
  });
});
