/**
 * LMI's own schema on `/lmi/invocations` over real HTTP: `{"inputs", "parameters"}` answered with
 * `generated_text` (+ `details`), streamed as token lines (JSON lines, or SSE without an end marker),
 * the async vLLM engine's variant, the documented failure forms, and every fault. The server runs in
 * check mode, so every answer and line it sends is also held to the spec.
 */
import { describe, expect, it } from 'vitest';
import { iterateStreamItems, StreamEndedEarlyError, StreamParseError, type StreamFramingSpec } from '../../../src/streams/index.js';
import { useServer } from '../../helpers/server.js';
import { validatorsOf } from '../../helpers/spec.js';
import { streams as lmiStreams } from '../../../generated/lmi/streams.js';

const server = useServer();
const inputs = 'What is Deep Learning?';

function invoke(body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${server.url}/lmi/invocations`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

async function whole(body: unknown, headers: Record<string, string> = {}): Promise<any> {
  const response = await invoke(body, headers);
  const text = await response.text();
  if (response.status !== 200) throw new Error(`answered ${response.status}: ${text}`);
  expect(response.headers.get('content-type')).toBe('application/json');
  return JSON.parse(text);
}

/** The body as far as it came (a dropped connection ends it early), and whether it was cut. */
async function readBody(response: Response): Promise<{ text: string; cut: boolean }> {
  const decoder = new TextDecoder();
  const reader = response.body!.getReader();
  let text = '';
  try {
    for (let read = await reader.read(); !read.done; read = await reader.read()) text += decoder.decode(read.value, { stream: true });
    return { text, cut: false };
  } catch {
    return { text, cut: true };
  }
}

/** The lines of a stream, decoded with the framing the generated stream map gives for the media type it came in. */
async function lines(body: unknown, headers: Record<string, string> = {}): Promise<{ mediaType: string; text: string; cut: boolean; items: any[]; error?: unknown }> {
  const response = await invoke({ ...(body as object), stream: true }, headers);
  expect(response.status).toBe(200);
  const mediaType = response.headers.get('content-type')!;
  const framing = lmiStreams.invoke[mediaType as keyof typeof lmiStreams.invoke] as StreamFramingSpec;
  const { text, cut } = await readBody(response);
  const items: any[] = [];
  let error: unknown;
  try {
    for await (const item of iterateStreamItems((async function* () { yield text; })(), framing)) items.push(item.value);
  } catch (caught) {
    error = caught;
  }
  return { mediaType, text, cut, items, error };
}

describe('LMI schema: whole answers', () => {
  it('answers generated_text alone by default, 30 new tokens, greedy and repeatable', async () => {
    const body = await whole({ inputs });
    expect(Object.keys(body)).toEqual(['generated_text']);
    expect(body.generated_text.length).toBeGreaterThan(0);
    expect(await whole({ inputs })).toEqual(body);
    const detailed = await whole({ inputs, parameters: { details: true } });
    expect(detailed.details).toMatchObject({ finish_reason: 'length', generated_tokens: 30, inputs });
  });

  it('details: finish reason, token count, the prompt and every token with its id and log probability', async () => {
    const body = await whole({ inputs, parameters: { max_new_tokens: 8, details: true } });
    expect(body.details).toMatchObject({ finish_reason: 'length', generated_tokens: 8, inputs });
    expect(body.details.tokens).toHaveLength(8);
    expect(body.details.tokens.map((t: any) => t.text).join('')).toBe(body.generated_text);
    for (const token of body.details.tokens) {
      expect(Object.keys(token)).toEqual(['id', 'text', 'log_prob']);
      expect(Number.isInteger(token.id)).toBe(true);
      expect(token.log_prob).toBeLessThanOrEqual(0);
    }
    expect(body.details).not.toHaveProperty('prefill');
  });

  it('decoder_input_details (with details): the prompt tokens in prefill, the first without a log probability', async () => {
    const body = await whole({ inputs, parameters: { max_new_tokens: 2, details: true, decoder_input_details: true } });
    const prefill = body.details.prefill as any[];
    expect(prefill.map((t) => t.text).join('')).toBe(inputs);
    expect(prefill[0].log_prob).toBeNull();
    for (const token of prefill.slice(1)) expect(token.log_prob).toBeLessThanOrEqual(0);
  });

  it('return_full_text: the prompt, then the generated text', async () => {
    const plain = await whole({ inputs, parameters: { max_new_tokens: 6 } });
    const full = await whole({ inputs, parameters: { max_new_tokens: 6, return_full_text: true } });
    expect(full.generated_text).toBe(inputs + plain.generated_text);
  });

  it('eos_token for a natural end, stop_sequence (or vLLM\'s own stop) for a stop text', async () => {
    const natural = await whole({ inputs, parameters: { max_new_tokens: 2000, details: true } });
    expect(natural.details.finish_reason).toBe('eos_token');
    const words = natural.generated_text.split(' ');
    const stop = words.slice(4, 6).join(' ');
    for (const parameters of [{ stop_sequences: [stop] }, { stop: stop }]) {
      const stopped = await whole({ inputs, parameters: { max_new_tokens: 2000, details: true, ...parameters } });
      expect(stopped.details.finish_reason).toBe('stop_sequence');
      expect(stopped.generated_text).toBe(natural.generated_text.slice(0, natural.generated_text.indexOf(stop)));
    }
  });

  it('sampling: do_sample with different seeds gives different texts, the same seed the same text', async () => {
    const sampled = (seed: number) => whole({ inputs, parameters: { do_sample: true, seed, max_new_tokens: 12 } });
    const [a, b, again] = await Promise.all([sampled(1), sampled(2), sampled(1)]);
    expect(a.generated_text).not.toBe(b.generated_text);
    expect(again).toEqual(a);
  });

  it('a body with messages is a chat request, even with inputs beside it', async () => {
    const body = await whole({ inputs, messages: [{ role: 'user', content: inputs }], max_tokens: 3 });
    expect(body.object).toBe('chat.completion');
  });

  it('a broken LMI-schema body is 424 naming the field in that schema (not the chat one)', async () => {
    const response = await invoke({ inputs, parameters: { max_new_tokens: 'ten' } });
    expect(response.status).toBe(424);
    const body = (await response.json()) as any;
    expect(body.code).toBe(424);
    expect(body.error).toMatch(/^Invalid request: .*\/body\/parameters\/max_new_tokens expected type integer, got "ten"\.$/);
    expect(body.violations.map((v: any) => v.path)).not.toContain('/body/messages');
  });
});

describe('LMI schema: streams', () => {
  it('JSON lines by default: one token per line, the last adding generated_text (and details only when asked)', async () => {
    const plain = await lines({ inputs, parameters: { max_new_tokens: 5 } });
    expect(plain.mediaType).toBe('application/jsonlines');
    expect(plain.error).toBeUndefined();
    expect(plain.items).toHaveLength(5);
    for (const line of plain.items.slice(0, -1)) expect(Object.keys(line)).toEqual(['token']);
    const last = plain.items.at(-1);
    expect(Object.keys(last)).toEqual(['token', 'generated_text']);
    expect(last.generated_text).toBe(plain.items.map((line) => line.token.text).join(''));
    expect(last.generated_text).toBe((await whole({ inputs, parameters: { max_new_tokens: 5 } })).generated_text);

    const detailed = await lines({ inputs, parameters: { max_new_tokens: 5, details: true } });
    expect(detailed.items.at(-1).details).toEqual({ finish_reason: 'length', generated_tokens: 5, inputs });
  });

  it('variant sse (and Accept: text/event-stream): data lines and no end marker, which the stream map allows', async () => {
    for (const headers of [{ 'x-sambakit-variant': 'sse' }, { accept: 'text/event-stream' }] as Record<string, string>[]) {
      const { mediaType, text, items, error } = await lines({ inputs, parameters: { max_new_tokens: 4 } }, headers);
      expect(mediaType).toBe('text/event-stream');
      expect(error).toBeUndefined();
      expect(items).toHaveLength(4);
      expect(text).not.toContain('[DONE]');
      expect(text.startsWith('data: {"token":')).toBe(true);
    }
  });

  it('chat streams on the same operation and media type still end with [DONE]', async () => {
    const { text, items, error } = await lines({ messages: [{ role: 'user', content: inputs }], max_tokens: 3 }, { 'x-sambakit-variant': 'sse' });
    expect(error).toBeUndefined();
    expect(items.every((item) => item.object === 'chat.completion.chunk')).toBe(true);
    expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
  });
});

describe('LMI schema: the async vLLM engine (variant vllm-async)', () => {
  const vllm = { 'x-sambakit-variant': 'vllm-async' };

  it('whole: vLLM finish reasons, seed, prefill list and tokens with logprob', async () => {
    const body = await whole({ inputs, parameters: { max_new_tokens: 3, details: true, seed: 7 } }, vllm);
    expect(body.details).toMatchObject({ finish_reason: 'length', generated_tokens: 3, seed: 7, prefill: [] });
    expect(Object.keys(body.details.tokens[0])).toEqual(['id', 'text', 'logprob']);
    const natural = await whole({ inputs, parameters: { max_new_tokens: 2000, details: true } }, vllm);
    expect(natural.details.finish_reason).toBe('stop');
  });

  it('stream: index on every line, null text and details until the last, which adds input_length', async () => {
    const { items } = await lines({ inputs, parameters: { max_new_tokens: 3, details: true } }, vllm);
    expect(items.slice(0, -1).every((line) => line.index === 0 && line.generated_text === null && line.details === null)).toBe(true);
    expect(items.at(-1).details).toEqual({ finish_reason: 'length', generated_tokens: 3, seed: null, input_length: expect.any(Number) });
    expect(items.at(-1).token).toHaveProperty('logprob');
  });
});

describe('LMI schema: faults', () => {
  const fault = (name: string) => ({ 'x-sambakit-fault': name });
  const body = { inputs, parameters: { max_new_tokens: 6, details: true } };

  it('error-event, streamed: two lines, then the documented failure line (vllm-async: a {code, error} line)', async () => {
    const { items } = await lines(body, fault('error-event'));
    expect(items).toHaveLength(3);
    expect(items[2]).toEqual({ token: { id: -1, text: '', log_prob: -1, special_token: true }, generated_text: '', details: { finish_reason: 'error', generated_tokens: null, inputs: null } });
    const vllm = await lines(body, { ...fault('error-event'), 'x-sambakit-variant': 'vllm-async' });
    expect(vllm.items[2]).toEqual({ code: 424, error: 'Generation failed (x-sambakit-fault: error-event).' });
  });

  it('error-event, whole: 424 with the documented failed generation', async () => {
    const response = await invoke(body, fault('error-event'));
    expect(response.status).toBe(424);
    expect(await response.json()).toEqual({ generated_text: '', details: { finish_reason: 'error', generated_tokens: null, inputs: null, tokens: null } });
  });

  it('rate-limit, server-error and unavailable answer in LMI\'s {code, error} shape', async () => {
    for (const [name, status] of [['rate-limit=3', 429], ['server-error', 500], ['unavailable', 503]] as const) {
      const response = await invoke(body, fault(name));
      expect(response.status).toBe(status);
      expect(((await response.json()) as any).code).toBe(status);
      if (status === 429) expect(response.headers.get('retry-after')).toBe('3');
    }
  });

  it('slow-headers and stall still deliver the whole answer', async () => {
    expect((await whole(body, fault('slow-headers=50'))).details.generated_tokens).toBe(6);
    const stalled = await lines(body, fault('stall=50'));
    expect(stalled.error).toBeUndefined();
    expect(stalled.items).toHaveLength(6);
  });

  it('disconnect: the body stops after the given number of lines', async () => {
    const { items, cut } = await lines(body, fault('disconnect=2'));
    expect(items).toHaveLength(2);
    expect(cut).toBe(true);
  });

  it('malformed-item: the third line is broken JSON; invalid-item: the third breaks the line schema', async () => {
    const malformed = await lines(body, fault('malformed-item'));
    expect(malformed.items).toHaveLength(2);
    expect(malformed.error).toBeInstanceOf(StreamParseError);
    expect(malformed.error).not.toBeInstanceOf(StreamEndedEarlyError);

    const invalid = await lines(body, fault('invalid-item'));
    expect(invalid.items).toHaveLength(6);
    const validate = (await validatorsOf('lmi')).invoke!.responses['200']!['application/jsonlines']!;
    expect(invalid.items.map((item) => validate(item))).toEqual([true, true, false, true, true, true]);
  });
});
