/**
 * Whole streams through `validateStream`, read from the real reference server (with its faults for
 * the broken cases) and from transcripts: framing (terminator, data after it, malformed items),
 * items that break their schema, in-stream errors, and chunks of any size.
 */
import { describe, expect, it } from 'vitest';
import { createChatCompletion } from '../../src/contract/sambanova-cloud.js';
import { createChatCompletion as sambaStudioChat, genericPredictStream } from '../../src/contract/sambastudio.js';
import { createMessage } from '../../src/contract/sambanova-cloud.js';
import { createStreamValidator, validateStream, validateWebResponse } from '../../src/validate/index.js';
import { useServer } from '../helpers/server.js';

const server = useServer();

function cloudChat(fault?: string) {
  return fetch(`${server.url}/cloud/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: 'Bearer k', 'content-type': 'application/json', ...(fault ? { 'x-sambakit-fault': fault } : {}) },
    body: JSON.stringify({ model: 'Meta-Llama-3.3-70B-Instruct', messages: [{ role: 'user', content: 'Tell me about rivers' }], max_tokens: 12, stream: true }),
  });
}

function genericStream(fault?: string) {
  return fetch(`${server.url}/api/predict/generic/stream/p/e`, {
    method: 'POST',
    headers: { key: 'k', 'content-type': 'application/json', ...(fault ? { 'x-sambakit-fault': fault } : {}) },
    body: JSON.stringify({ instance: 'Tell me about rivers', params: { max_tokens_to_generate: { type: 'int', value: '12' } } }),
  });
}

describe('validateStream over the reference server', () => {
  it('passes a whole SSE chat stream read from fetch, terminator included', async () => {
    const result = await validateStream(createChatCompletion, (await cloudChat()).body!);
    expect(result.violations).toEqual([]);
    expect(result.valid).toBe(true);
    expect(result.terminated).toBe(true);
    expect(result.items).toBeGreaterThan(2);
  });

  it('passes a JSON-lines stream (SambaStudio Generic), which has no terminator', async () => {
    const result = await validateStream(genericPredictStream, (await genericStream()).body!);
    expect(result.violations).toEqual([]);
    expect(result.terminated).toBe(false);
    expect(result.items).toBeGreaterThan(1);
  });

  it('a stream cut before [DONE] (the connection dropped) is a terminator violation after the items it carried, and the read error', async () => {
    const result = await validateStream(createChatCompletion, (await cloudChat('disconnect')).body!);
    expect(result.valid).toBe(false);
    expect(result.violations.map((v) => [v.path, v.rule])).toEqual([
      ['/items/2', 'terminator'],
      ['', 'read'],
    ]);
    expect(result.violations[0]!.message).toBe('/items/2: expected the terminator "[DONE]" to end the stream, received "the end of the stream" (terminator)');
  });

  it('a malformed item is a json violation at its index (and the cut stream is said too)', async () => {
    const result = await validateStream(createChatCompletion, (await cloudChat('malformed-item')).body!);
    expect(result.violations.map((v) => v.rule)).toContain('json');
    const json = result.violations.find((v) => v.rule === 'json')!;
    expect(json.path).toBe('/items/2');
    expect(json.expected).toBe('an item of JSON text');
  });

  it('an item that breaks its schema is named by its index and field; the stream goes on to the end', async () => {
    const result = await validateStream(createChatCompletion, (await cloudChat('invalid-item')).body!);
    expect(result.valid).toBe(false);
    expect(result.violations.every((v) => v.path.startsWith('/items/2'))).toBe(true);
    expect(result.terminated).toBe(true);
  });

  it('recognises an in-stream error event as such: valid framing, the error item kept', async () => {
    const result = await validateStream(createChatCompletion, (await cloudChat('error-event')).body!);
    expect(result.violations).toEqual([]);
    expect(result.errorItems).toHaveLength(1);
    expect(result.errorItems[0]!.index).toBe(2);
    expect(['error', 'error_event']).toContain(result.errorItems[0]!.event);
  });

  it("recognises an error sent as a plain data event by the spec's errorProperty: no missing [DONE], the error item kept without an event name", async () => {
    // SambaStudio's error-data-event variant: `data: {"error": {...}}`, then the stream ends without [DONE].
    const response = await fetch(`${server.url}/v1/p/e/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer k', 'content-type': 'application/json', 'x-sambakit-fault': 'error-event', 'x-sambakit-variant': 'error-data-event' },
      body: JSON.stringify({ model: 'Meta-Llama-3.3-70B-Instruct', messages: [{ role: 'user', content: 'Tell me about rivers' }], max_tokens: 12, stream: true }),
    });
    const text = await response.text();
    expect(text).not.toMatch(/^event:/m);
    expect(text).not.toContain('[DONE]');
    const result = await validateStream(sambaStudioChat, text);
    expect(result.violations).toEqual([]);
    expect(result.terminated).toBe(false);
    expect(result.errorItems).toHaveLength(1);
    expect(result.errorItems[0]).not.toHaveProperty('event');
    expect(result.errorItems[0]!.value).toMatchObject({ error: { message: expect.any(String) } });
  });

  it('validateWebResponse reads a streamed Response (a clone: the body stays readable)', async () => {
    const response = await cloudChat();
    const result = await validateWebResponse(createChatCompletion, response);
    expect(result.valid).toBe(true);
    expect((await response.text()).endsWith('data: [DONE]\n\n')).toBe(true);
  });
});

describe('validateStream over transcripts', () => {
  const chunk = (content: string) => JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm', system_fingerprint: 'fp', choices: [{ index: 0, delta: { content }, finish_reason: null, logprobs: null }] });
  const transcript = `data: ${chunk('Hel')}\n\ndata: ${chunk('lo')}\n\ndata: [DONE]\n\n`;

  it('a valid transcript as text, as bytes, and pushed one byte at a time give the same verdict', async () => {
    expect((await validateStream(createChatCompletion, transcript)).violations).toEqual([]);
    expect((await validateStream(createChatCompletion, new TextEncoder().encode(transcript))).valid).toBe(true);
    const validator = createStreamValidator(createChatCompletion);
    for (const byte of new TextEncoder().encode(transcript)) validator.push(new Uint8Array([byte]));
    const result = validator.end();
    expect(result.violations).toEqual([]);
    expect(result.items).toBe(2);
  });

  it('stop() gives the verdict on the items read so far, without the checks of an end', () => {
    const validator = createStreamValidator(createChatCompletion);
    validator.push(`data: ${chunk('Hel')}\n\ndata: {"sambakit_fault": 1}\n\ndata: {"choi`);
    const result = validator.stop();
    expect(result.items).toBe(2);
    expect(result.violations.length).toBeGreaterThan(0);
    expect(result.violations.every((v) => v.path.startsWith('/items/1') && v.rule !== 'terminator')).toBe(true);
  });

  it('a transcript cut before [DONE] is one terminator violation', async () => {
    const result = await validateStream(createChatCompletion, transcript.replace('data: [DONE]\n\n', ''));
    expect(result.violations.map((v) => [v.path, v.rule])).toEqual([['/items/2', 'terminator']]);
  });

  it('an errorProperty error item is checked against the item schema, and a stream cut before any error still misses [DONE]', async () => {
    const broken = await validateStream(createChatCompletion, `data: ${chunk('Hel')}\n\ndata: {"error": 42}\n\n`);
    expect(broken.errorItems.map((e) => e.index)).toEqual([1]);
    expect(broken.violations.map((v) => v.path.startsWith('/items/1'))).toEqual(broken.violations.map(() => true));
    expect(broken.violations.length).toBeGreaterThan(0);
    expect(broken.violations.some((v) => v.rule === 'terminator')).toBe(false);
    // `"error": null` is no error: the item is a chunk (here an invalid one), and the cut stream is said.
    const notAnError = await validateStream(createChatCompletion, `data: ${chunk('Hel')}\n\ndata: {"error": null}\n\n`);
    expect(notAnError.errorItems).toEqual([]);
    expect(notAnError.violations.map((v) => v.rule)).toContain('terminator');
  });

  it('data after the terminator is a violation at the index it would have had', async () => {
    const result = await validateStream(createChatCompletion, `${transcript}data: ${chunk('late')}\n\n`);
    expect(result.violations.map((v) => [v.path, v.rule])).toEqual([['/items/2', 'afterTerminator']]);
  });

  it('reads an async iterable of chunks, and names the field of a bad item in it', async () => {
    async function* chunks() {
      yield `data: ${chunk('ok')}\n\n`;
      yield `data: ${JSON.stringify({ ...JSON.parse(chunk('x')), created: 'yesterday' })}\n\n`;
      yield 'data: [DONE]\n\n';
    }
    const result = await validateStream(createChatCompletion, chunks());
    expect(result.violations.map((v) => [v.path, v.rule])).toEqual([['/items/1/created', 'type']]);
  });

  it('an SSE event name that is not the item type is a violation on streams that name events by type (Messages)', async () => {
    const ping = JSON.stringify({ type: 'ping' });
    const stop = JSON.stringify({ type: 'message_stop' });
    const result = await validateStream(createMessage, `event: ping\ndata: ${ping}\n\nevent: ping\ndata: ${stop}\n\n`);
    expect(result.violations.map((v) => [v.path, v.rule])).toEqual([['/items/1/type', 'event']]);
  });

  it('keeps at most maxViolations and says the list was cut', async () => {
    const bad = `data: ${JSON.stringify({ id: 1 })}\n\n`.repeat(20);
    const result = await validateStream(createChatCompletion, `${bad}data: [DONE]\n\n`, { maxViolations: 3 });
    expect(result.violations).toHaveLength(3);
    expect(result.truncated).toBe(true);
    expect(result.items).toBe(20);
  });
});
