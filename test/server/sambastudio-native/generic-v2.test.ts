/**
 * Generic API v2 over real HTTP: `items` answered under their ids (position when absent), plain
 * JSON parameters honoured, the stream's interleaved `result.items` lines, `ss-sn-options`, the
 * variants and the in-stream error line.
 */
import { describe, expect, it } from 'vitest';
import { call, jsonlFraming, nativeServer, postJson, streamItems, values } from './helpers.js';

const predict = '/api/v2/predict/generic/proj-1/ep-1';
const stream = '/api/v2/predict/generic/stream/proj-1/ep-1';
const conversation = (content: string) => JSON.stringify({ conversation_id: 'c-1', messages: [{ message_id: 0, role: 'user', content }] });

describe('Generic API v2', () => {
  const server = nativeServer();

  describe('genericV2Predict', () => {
    it('answers every item under its id, or its position when it has none', async () => {
      const body = await call(server(), predict, { items: [{ id: 'item1', value: 'Hello' }, { value: 'Second' }, { value: 'Third' }], params: { max_tokens_to_generate: 5 } });
      expect(body.items.map((item: any) => item.id)).toEqual(['item1', 1, 2]);
      for (const item of body.items) {
        expect(item).toMatchObject({ partial: false, params: {}, status: null });
        expect(item.value.tokens).toHaveLength(5);
        expect(item.value.stop_reason).toBe('max_len_reached');
      }
      expect(body.items.map((item: any) => item.value.prompt)).toEqual(['Hello', 'Second', 'Third']);
    });

    it('plain parameters are honoured: budget, stop_sequences list, greedy by default, top_logprobs', async () => {
      const full = (await call(server(), predict, { items: [{ value: 'Tell me a story.' }], params: { max_tokens_to_generate: 50 } })).items[0].value;
      expect(full.tokens).toHaveLength(50);
      const stopText = full.tokens.slice(8, 10).join('');
      const stopped = (await call(server(), predict, { items: [{ value: 'Tell me a story.' }], params: { max_tokens_to_generate: 50, stop_sequences: ['never-there', stopText] } })).items[0].value;
      expect(stopped.completion).toBe(full.completion.slice(0, full.completion.indexOf(stopText)));
      expect(stopped.stop_reason).toBe('stop_sequence_hit');
      const greedy = (await call(server(), predict, { items: [{ value: 'Tell me a story.' }], params: { max_tokens_to_generate: 50, do_sample: false, temperature: 0.2, top_k: 3 } })).items[0].value;
      expect(greedy.completion).toBe(full.completion);
      const sampled = (await call(server(), predict, { items: [{ value: 'Tell me a story.' }], params: { max_tokens_to_generate: 50, do_sample: true, temperature: 0.2 } })).items[0].value;
      expect(sampled.completion).not.toBe(full.completion);
      const logprobs = (await call(server(), predict, { items: [{ value: 'Hi' }], params: { max_tokens_to_generate: 4, top_logprobs: 2 } })).items[0].value.logprobs;
      expect(logprobs.top_logprobs).toHaveLength(4);
      expect(logprobs.text_offset).toHaveLength(4);
    });

    it('process_prompt templates each conversation; a value that is not one is a 422 naming its item', async () => {
      const body = await call(server(), predict, { items: [{ id: 'a', value: conversation('Hi') }, { id: 'b', value: conversation('What is 7 x 6?') }], params: { process_prompt: true, select_expert: 'Meta-Llama-3-70B-Instruct', max_tokens_to_generate: 4 } });
      expect(body.items[1].value.prompt).toContain('What is 7 x 6?<|eot_id|>');
      const bad = await call(server(), predict, { items: [{ value: conversation('Hi') }, { value: '[1, 2]' }], params: { process_prompt: true } }, {}, 422);
      expect(bad.error.violations[0]).toMatchObject({ path: '/body/items/1', received: 'JSON a list, not an object' });
    });

    it('select_expert chooses the model: another expert, another answer', async () => {
      const answer = async (expert: string) => (await call(server(), predict, { items: [{ value: 'Hi' }], params: { select_expert: expert, max_tokens_to_generate: 12 } })).items[0].value.completion;
      expect(await answer('Meta-Llama-3-8B-Instruct')).not.toBe(await answer('Mistral-7B-Instruct-v0.2'));
    });

    it('a tool offered in the conversation can be called: tool_calls in the OpenAI shape', async () => {
      const withTools = JSON.stringify({
        conversation_id: 'c-2',
        messages: [{ message_id: 0, role: 'user', content: 'What is the weather in Paris? Use get_weather.' }],
        tools: [{ type: 'function', function: { name: 'get_weather', description: 'Current weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } }],
      });
      const value = (await call(server(), predict, { items: [{ value: withTools }], params: { process_prompt: true } })).items[0].value;
      expect(value.tool_calls).toHaveLength(1);
      expect(value.tool_calls[0]).toMatchObject({ type: 'function', function: { name: 'get_weather' } });
      expect(JSON.parse(value.tool_calls[0].function.arguments)).toHaveProperty('city');
    });

    it('parameters outside the documented ranges are a 422 from the spec', async () => {
      const body = await call(server(), predict, { items: [{ value: 'Hi' }], params: { temperature: 1.5, max_tokens_to_generate: 0 } }, {}, 422);
      const paths = body.error.violations.map((v: any) => v.path);
      expect(paths).toContain('/body/params/temperature');
      expect(paths).toContain('/body/params/max_tokens_to_generate');
    });

    it('variants: string-default-ids, total-count-only, logprobs-empty-lists', async () => {
      const body = { items: [{ value: 'a' }, { id: 'x', value: 'b' }], params: { max_tokens_to_generate: 2 } };
      const strings = await call(server(), predict, body, { 'x-sambakit-variant': 'string-default-ids' });
      expect(strings.items.map((item: any) => item.id)).toEqual(['0', 'x']);
      const total = await call(server(), predict, body, { 'x-sambakit-variant': 'total-count-only' });
      expect(total.items[0].value).not.toHaveProperty('completion_tokens_count');
      const lists = await call(server(), predict, body, { 'x-sambakit-variant': 'logprobs-empty-lists' });
      expect(lists.items[0].value.logprobs).toEqual({ top_logprobs: [], text_offset: [] });
    });
  });

  describe('genericV2PredictStream', () => {
    it('interleaves the items\' lines, told apart by id; each item ends with its last object', async () => {
      const body = { items: [{ id: 'short', value: 'Hello' }, { value: 'Tell me more' }], params: { max_tokens_to_generate: 6 } };
      const predicted = await call(server(), predict, body);
      const lines = values<any>(await streamItems(await postJson(server(), stream, body), jsonlFraming));
      const entries = lines.map((line) => {
        expect(line.result.items).toHaveLength(1);
        return line.result.items[0];
      });
      // Token by token, side by side; at the sixth token each item's last object follows its own token.
      expect(entries.map((entry) => entry.id)).toEqual([...Array(5).fill(['short', 1]).flat(), 'short', 'short', 1, 1]);
      for (const [index, id] of (['short', 1] as const).entries()) {
        const mine = entries.filter((entry) => entry.id === id).map((entry) => entry.value);
        expect(mine).toHaveLength(7);
        for (const object of mine.slice(0, -1)) expect(Object.keys(object).sort()).toEqual(['is_last_response', 'stream_token']);
        const last = mine.at(-1);
        expect(last).toMatchObject({ is_last_response: true, stream_token: '', batch_size_used: 2, completion: predicted.items[index].value.completion });
        expect(mine.slice(0, -1).map((o: any) => o.stream_token).join('')).toBe(last.completion);
      }
    });

    it('answers of different lengths: the shorter one ends first and the longer one goes on alone', async () => {
      // No budget: each answer ends naturally, at its own length (60 to a few hundred tokens).
      const lines = values<any>(await streamItems(await postJson(server(), stream, { items: [{ id: 'a', value: 'Hi' }, { id: 'b', value: 'Write a long essay.' }] }), jsonlFraming));
      const entries = lines.map((line) => line.result.items[0]);
      const counts = { a: entries.filter((e) => e.id === 'a').length, b: entries.filter((e) => e.id === 'b').length };
      expect(counts.a).not.toBe(counts.b);
      const shorter = counts.a < counts.b ? 'a' : 'b';
      const shorterEnd = entries.findIndex((entry) => entry.id === shorter && entry.value.is_last_response);
      expect(shorterEnd).toBeGreaterThan(0);
      expect(entries.slice(shorterEnd + 1).every((entry) => entry.id !== shorter)).toBe(true);
      expect(entries.at(-1).value.is_last_response).toBe(true);
    });

    it('ss-sn-options: disable-dynamic-batch runs the items unbatched (batch_size_used 1)', async () => {
      const lines = values<any>(await streamItems(await postJson(server(), stream, { items: [{ value: 'a' }, { value: 'b' }], params: { max_tokens_to_generate: 2 } }, { 'ss-sn-options': 'disable-dynamic-batch' }), jsonlFraming));
      const lasts = lines.map((line) => line.result.items[0].value).filter((value) => value.is_last_response);
      expect(lasts.map((value) => value.batch_size_used)).toEqual([1, 1]);
    });

    it('variants: string-default-ids, alternate-metric-names', async () => {
      const body = { items: [{ value: 'a' }], params: { max_tokens_to_generate: 2 } };
      const ids = values<any>(await streamItems(await postJson(server(), stream, body, { 'x-sambakit-variant': 'string-default-ids' }), jsonlFraming));
      expect(new Set(ids.map((line) => line.result.items[0].id))).toEqual(new Set(['0']));
      const names = values<any>(await streamItems(await postJson(server(), stream, body, { 'x-sambakit-variant': 'alternate-metric-names' }), jsonlFraming));
      expect(names.at(-1).result.items[0].value).toHaveProperty('completion_tokens_per_sec_after_first_response');
    });

    it('the error-event fault sends the error line after two lines and ends', async () => {
      const items = await streamItems<any>(await postJson(server(), stream, { items: [{ value: 'a' }], params: { max_tokens_to_generate: 8 } }, { 'x-sambakit-fault': 'error-event' }), jsonlFraming);
      expect(items).toHaveLength(3);
      expect(items[2]!.value).toMatchObject({ error: { code: 'internal_error' }, status_code: 500 });
    });
  });
});
