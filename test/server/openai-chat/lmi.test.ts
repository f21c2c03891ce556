/**
 * DJL LMI chat over real HTTP, at `/lmi/v1/chat/completions` and `/lmi/invocations`: the rolling-batch
 * shapes by default (JSON lines, LMI finish reasons, the logprobs quirks, no usage line), the framing
 * rule for SSE, the `vllm-async` shapes, and the in-stream error line.
 */
import { describe, expect, it } from 'vitest';
import { useServer } from '../../helpers/server.js';
import { chatBody, contentByChoice, key, parseJsonLines, parseSse, paths, post, postJson, postSse, responseValidator, weatherTool } from './helpers.js';

const server = useServer({ apiKey: key, apis: ['lmi'] });

const vllm = { 'x-sambakit-variant': 'vllm-async' };

async function jsonLines(path: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await post(server, path, body, headers);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('application/jsonlines');
  const text = await response.text();
  return { text, lines: parseJsonLines(text) as any[] };
}

describe('LMI chat: whole answers (rolling batch)', () => {
  for (const path of [paths.lmi, paths.lmiInvoke]) {
    it(`${path}: chatcmpl-<n> id, integer created, no model, LMI finish reason, three-count usage`, async () => {
      const body = await postJson(server, path, chatBody({ max_tokens: 10 }));
      expect(body.id).toMatch(/^chatcmpl-\d+$/);
      expect(Number.isInteger(body.created)).toBe(true);
      expect(body).not.toHaveProperty('model');
      expect(body.choices[0]).toMatchObject({ index: 0, message: { role: 'assistant' }, finish_reason: 'length', logprobs: null });
      expect(body.usage).toEqual({ prompt_tokens: expect.any(Number), completion_tokens: 10, total_tokens: body.usage.prompt_tokens + 10 });
    });
  }

  it('says eos_token for a natural end and stop_sequence for a stop string', async () => {
    const natural = await postJson(server, paths.lmi, chatBody({ temperature: 0 }));
    expect(natural.choices[0].finish_reason).toBe('eos_token');
    const text: string = natural.choices[0].message.content;
    const stop = text.split(' ').slice(3, 5).join(' ');
    const stopped = await postJson(server, paths.lmi, chatBody({ temperature: 0, stop: [stop] }));
    expect(stopped.choices[0].finish_reason).toBe('stop_sequence');
    expect(stopped.choices[0].message.content).toBe(text.slice(0, text.indexOf(stop)));
  });

  it('returns one choice whatever n says (rolling batch); vllm-async honours n', async () => {
    expect((await postJson(server, paths.lmi, chatBody({ n: 3, max_tokens: 3 }))).choices).toHaveLength(1);
    const body = await postJson(server, paths.lmi, chatBody({ n: 3, max_tokens: 3 }), vllm);
    expect(body.choices.map((c: any) => c.index)).toEqual([0, 1, 2]);
    expect(body.usage.completion_tokens).toBe(9);
  });

  it('logprobs: a proper object, code points in bytes and only the chosen token as alternative', async () => {
    const body = await postJson(server, paths.lmi, chatBody({ max_tokens: 4, logprobs: true, top_logprobs: 5 }));
    const content = body.choices[0].logprobs.content;
    expect(content).toHaveLength(4);
    for (const entry of content) {
      expect(entry.top_logprobs).toEqual([{ token: entry.token, logprob: entry.logprob, bytes: Array.from(entry.token as string, (c) => c.codePointAt(0)) }]);
    }
  });

  it('reasoning_effort gives reasoning_content apart from the content', async () => {
    const body = await postJson(server, paths.lmi, chatBody({ reasoning_effort: 'low' }));
    const message = body.choices[0].message;
    expect(typeof message.reasoning_content).toBe('string');
    expect(message.reasoning_content.length).toBeGreaterThan(0);
    expect(message).not.toHaveProperty('reasoning');
  });

  it('tool calls: content null, finish_reason tool_calls', async () => {
    const body = await postJson(server, paths.lmi, chatBody({ tools: [weatherTool], tool_choice: 'required' }));
    expect(body.choices[0].finish_reason).toBe('tool_calls');
    expect(body.choices[0].message.content).toBeNull();
    expect(JSON.parse(body.choices[0].message.tool_calls[0].function.arguments)).toHaveProperty('city');
  });

  it('an unknown tool in tool_choice is refused the LMI way: 424 {code, error}', async () => {
    const response = await post(server, paths.lmi, chatBody({ tools: [weatherTool], tool_choice: { type: 'function', function: { name: 'missing_tool' } } }));
    expect(response.status).toBe(424);
    const body = (await response.json()) as any;
    expect(body.code).toBe(424);
    expect(body.error).toContain('missing_tool');
  });

  it('a tool_choice name of megabytes is quoted cut short in the refusal, with its length', async () => {
    const name = '{'.repeat(2_000_000);
    const response = await post(server, paths.lmi, chatBody({ tools: [weatherTool], tool_choice: { type: 'function', function: { name } } }));
    expect(response.status).toBe(424);
    const body = (await response.json()) as any;
    expect(body.error).toBe(`tool_choice names "${'{'.repeat(200)}…" (2000000 characters), which is not in tools; declared tools: "get_weather".`);
  });
});

describe('LMI chat: streams', () => {
  it('rolling batch: one JSON line per token, role on the first, finish_reason on the last, no usage, no end marker', async () => {
    const { text, lines } = await jsonLines(paths.lmi, chatBody({ max_tokens: 7, stream: true, stream_options: { include_usage: true } }));
    expect(text.endsWith('}\n')).toBe(true);
    expect(text).not.toContain('data:');
    expect(text).not.toContain('[DONE]');
    expect(lines).toHaveLength(7);
    expect(lines[0].choices[0].delta.role).toBe('assistant');
    expect(lines.at(-1).choices[0].finish_reason).toBe('length');
    expect(lines.slice(0, -1).every((l) => l.choices[0].finish_reason === null)).toBe(true);
    expect(lines.every((l) => !('usage' in l) && !('model' in l) && Number.isInteger(l.created))).toBe(true);
    expect(new Set(lines.map((l) => l.id)).size).toBe(1);
  });

  it('rolling batch logprobs: an array around the object, the log probability in top_logprobs[].token', async () => {
    const { lines } = await jsonLines(paths.lmi, chatBody({ max_tokens: 3, stream: true, logprobs: true }));
    for (const line of lines) {
      const logprobs = line.choices[0].logprobs;
      expect(Array.isArray(logprobs)).toBe(true);
      const [entry] = logprobs[0].content;
      expect(entry.token).toBe(line.choices[0].delta.content);
      expect(entry.top_logprobs).toHaveLength(1);
      expect(entry.top_logprobs[0].token).toBe(entry.logprob);
    }
  });

  it('streams tool calls as a header then argument pieces that join into valid JSON', async () => {
    const { lines } = await jsonLines(paths.lmi, chatBody({ stream: true, tools: [weatherTool], tool_choice: 'required' }));
    const deltas = lines.flatMap((l) => l.choices[0].delta.tool_calls ?? []);
    expect(deltas[0]).toMatchObject({ index: 0, type: 'function', function: { name: 'get_weather', arguments: '' } });
    const args = deltas.map((d: any) => d.function.arguments).join('');
    expect(JSON.parse(args)).toHaveProperty('city');
    expect(lines.at(-1).choices[0].finish_reason).toBe('tool_calls');
  });

  describe('framing rule', () => {
    const request = chatBody({ max_tokens: 3, stream: true });
    it.each([
      ['no Accept header', undefined, 'application/jsonlines'],
      ['*/*', '*/*', 'application/jsonlines'],
      ['application/jsonlines', 'application/jsonlines', 'application/jsonlines'],
      ['JSON lines preferred over JSON', 'application/json, application/jsonl', 'application/jsonlines'],
      ['text/event-stream', 'text/event-stream', 'text/event-stream'],
      ['application/json alone (the OpenAI SDKs)', 'application/json', 'text/event-stream'],
      ['text/event-stream refused with q=0', 'text/event-stream;q=0, */*', 'application/jsonlines'],
    ])('%s -> %s', async (_name, accept, expected) => {
      const response = await fetch(`${server.url}${paths.lmi}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...(accept === undefined ? {} : { accept }) },
        body: JSON.stringify(request),
      });
      expect(response.headers.get('content-type')).toBe(expected);
      const text = await response.text();
      if (expected === 'text/event-stream') expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
      else expect(parseJsonLines(text)).toHaveLength(3);
    });

    it('variant sse: the rolling-batch lines as server-sent events ending with [DONE], even when JSON lines are accepted', async () => {
      const { chunks, done, response } = await postSse(server, paths.lmiInvoke, request, { 'x-sambakit-variant': 'sse', accept: 'application/jsonlines' });
      expect(response.headers.get('content-type')).toBe('text/event-stream');
      expect(done).toBe(true);
      expect(chunks).toHaveLength(3);
      expect(chunks.at(-1).choices[0].finish_reason).toBe('length');
    });
  });

  it('vllm-async: model present, OpenAI finish reasons, one id and created, a usage line when asked', async () => {
    const { lines } = await jsonLines(paths.lmi, chatBody({ max_tokens: 5, stream: true, stream_options: { include_usage: true }, logprobs: true, top_logprobs: 2 }), vllm);
    expect(lines).toHaveLength(6);
    expect(lines[0].id).toMatch(/^chatcmpl-[0-9a-f]{32}$/);
    expect(lines.every((l) => l.model === 'Meta-Llama-3.1-8B-Instruct' && l.created === lines[0].created)).toBe(true);
    expect(lines[4].choices[0].finish_reason).toBe('length');
    expect(lines[0].choices[0].logprobs.content[0].top_logprobs).toHaveLength(2);
    expect(lines[5]).toMatchObject({ choices: [], usage: { completion_tokens: 5 } });
    const { lines: withoutUsage } = await jsonLines(paths.lmi, chatBody({ max_tokens: 5, stream: true }), vllm);
    expect(withoutUsage).toHaveLength(5);
  });

  it('vllm-async with n interleaves the choices and every choice finishes', async () => {
    const { chunks } = await postSse(server, paths.lmi, chatBody({ max_tokens: 4, n: 2, stream: true }), { ...vllm, accept: 'text/event-stream' });
    expect(contentByChoice(chunks).size).toBe(2);
    expect(chunks.filter((c) => c.choices[0]?.finish_reason === 'length').map((c) => c.choices[0].index).sort()).toEqual([0, 1]);
  });

  it('error-event fault: a {"code": 424, "error"} line in either framing, valid against the item schema', async () => {
    const validate = await responseValidator('lmi', 'createChatCompletion', 'application/jsonlines');
    const request = chatBody({ max_tokens: 20, stream: true });
    const { lines } = await jsonLines(paths.lmi, request, { 'x-sambakit-fault': 'error-event' });
    expect(lines).toHaveLength(3);
    expect(lines[2]).toEqual({ code: 424, error: expect.stringContaining('error-event') });
    expect(validate(lines[2])).toBe(true);

    const response = await post(server, paths.lmi, request, { 'x-sambakit-fault': 'error-event', accept: 'text/event-stream' });
    const events = parseSse(await response.text());
    expect(events).toHaveLength(3);
    expect(events[2]!.event).toBeUndefined();
    expect(JSON.parse(events[2]!.data)).toMatchObject({ code: 424 });
  });

  it('an unknown variant is a 400... in LMI words, naming sse and vllm-async', async () => {
    const response = await post(server, paths.lmi, chatBody(), { 'x-sambakit-variant': 'tool-args-object' });
    expect(response.status).toBe(400);
    const body = (await response.json()) as any;
    expect(body.error).toContain('sse');
    expect(body.error).toContain('vllm-async');
  });
});
