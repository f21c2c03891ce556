/**
 * The NLP API over real HTTP: `{"inputs", "params": {typed}}` answered under `data`, and the SSE
 * stream; typed parameters honoured (exact token budget, stop sequences in their three encodings,
 * greedy determinism, both boolean spellings, logprobs, process_prompt), its variants and its
 * in-stream error event.
 */
import { describe, expect, it } from 'vitest';
import { call, nativeServer, postJson, sseFraming, streamItems, typed, values } from './helpers.js';

const predict = '/api/predict/nlp/proj-1/ep-1';
const stream = '/api/predict/nlp/stream/proj-1/ep-1';
const prompt = 'Write a haiku about the sea.';

describe('NLP API', () => {
  const server = nativeServer();

  describe('nlpPredict', () => {
    it('answers every prompt under data, in order, with exactly max_tokens_to_generate tokens', async () => {
      for (const budget of [1, 7, 33]) {
        const body = await call(server(), predict, { inputs: [prompt, 'Name three rivers.'], params: { max_tokens_to_generate: typed.int(budget) } });
        expect(body.data).toHaveLength(2);
        expect(body.data.map((answer: any) => answer.prompt)).toEqual([prompt, 'Name three rivers.']);
        for (const answer of body.data) {
          expect(answer.tokens).toHaveLength(budget);
          expect(answer.tokens.join('')).toBe(answer.completion);
          expect(answer.stop_reason).toBe('max_len_reached');
          expect(answer.completion_tokens_count).toBe(budget);
          expect(answer.total_tokens_count).toBe(answer.prompt_tokens_count + budget);
          expect(answer.logprobs).toEqual({ top_logprobs: null, text_offset: null });
        }
      }
    });

    it('without a budget the answer ends on its own (end_of_text)', async () => {
      const body = await call(server(), predict, { inputs: [prompt] });
      expect(body.data[0].stop_reason).toBe('end_of_text');
      expect(body.data[0].tokens.length).toBeGreaterThanOrEqual(60);
    });

    it('do_sample false is greedy: repeatable, and temperature, top_k and top_p do not change it', async () => {
      const greedy = { max_tokens_to_generate: typed.int(24), do_sample: typed.bool('false') };
      const first = await call(server(), predict, { inputs: [prompt], params: greedy });
      const again = await call(server(), predict, { inputs: [prompt], params: greedy });
      const knobs = await call(server(), predict, { inputs: [prompt], params: { ...greedy, temperature: typed.float('0.3'), top_k: typed.int(5), top_p: typed.float('0.5') } });
      const absent = await call(server(), predict, { inputs: [prompt], params: { max_tokens_to_generate: typed.int(24) } });
      expect(again.data[0].completion).toBe(first.data[0].completion);
      expect(knobs.data[0].completion).toBe(first.data[0].completion);
      expect(absent.data[0].completion).toBe(first.data[0].completion); // do_sample defaults to false
    });

    it('booleans are read in both spellings (true/false and Python\'s True/False)', async () => {
      const answer = async (doSample: string) =>
        (await call(server(), predict, { inputs: [prompt], params: { max_tokens_to_generate: typed.int(20), do_sample: typed.bool(doSample) } })).data[0].completion as string;
      const [lower, title, sampledLower, sampledTitle] = [await answer('false'), await answer('False'), await answer('true'), await answer('True')];
      expect(title).toBe(lower);
      expect(sampledTitle).toBe(sampledLower);
      expect(sampledLower).not.toBe(lower); // sampling is on: another answer than greedy decoding
    });

    it('with do_sample true, temperature, top_k and top_p are honoured (they change the sample)', async () => {
      const sampled = (extra: object) =>
        call(server(), predict, { inputs: [prompt], params: { max_tokens_to_generate: typed.int(20), do_sample: typed.bool(true), ...extra } }).then((b) => b.data[0].completion as string);
      const base = await sampled({ temperature: typed.float('0.7') });
      expect(await sampled({ temperature: typed.float('0.7') })).toBe(base);
      expect(await sampled({ temperature: typed.float('0.2') })).not.toBe(base);
      expect(await sampled({ temperature: typed.float('0.7'), top_k: typed.float('40.0') })).not.toBe(base);
      expect(await sampled({ temperature: typed.float('0.7'), top_p: typed.float('0.9') })).not.toBe(base);
    });

    it('stop_sequences ends the completion before the stop text, in its three encodings', async () => {
      const params = { max_tokens_to_generate: typed.int(60) };
      const full = (await call(server(), predict, { inputs: [prompt], params })).data[0];
      // A stop text from the middle of the unstopped answer: the stopped one is the text before it.
      const stopText = full.tokens.slice(10, 12).join('');
      const expected = full.completion.slice(0, full.completion.indexOf(stopText));
      const encodings = [typed.str(stopText), typed.str(`"zzzq-never","${stopText}"`), typed.list(`['zzzq-never', '${stopText}']`)];
      for (const stop_sequences of encodings) {
        const answer = (await call(server(), predict, { inputs: [prompt], params: { ...params, stop_sequences } })).data[0];
        expect(answer.completion, JSON.stringify(stop_sequences)).toBe(expected);
        expect(answer.stop_reason).toBe('stop_sequence_hit');
        expect(answer.completion).not.toContain(stopText);
      }
      const none = (await call(server(), predict, { inputs: [prompt], params: { ...params, stop_sequences: typed.str('') } })).data[0];
      expect(none.completion).toBe(full.completion);
    });

    it('a list-form stop_sequences that is not a Python list is a 422 naming the value', async () => {
      // Bracketed (so the spec's pattern passes) but an unquoted item: only a real parse can tell.
      const body = await call(server(), predict, { inputs: [prompt], params: { stop_sequences: typed.list("['###', User:]") } }, {}, 422);
      expect(body.error.message).toContain('/body/params/stop_sequences/value');
      expect(body.error.violations[0]).toMatchObject({ path: '/body/params/stop_sequences/value', rule: 'pattern' });
    });

    it('top_logprobs fills logprobs: per token its top candidates, and the tokens\' offsets', async () => {
      const body = await call(server(), predict, { inputs: [prompt], params: { max_tokens_to_generate: typed.int(12), top_logprobs: typed.int(3) } });
      const { tokens, completion, logprobs } = body.data[0];
      expect(logprobs.top_logprobs).toHaveLength(tokens.length);
      logprobs.top_logprobs.forEach((candidates: Record<string, number>, i: number) => {
        expect(Object.keys(candidates)).toHaveLength(3);
        // The chosen token is the most likely candidate (key order is not kept: JSON objects put numeric keys first).
        expect(candidates[tokens[i]]).toBe(Math.max(...Object.values(candidates)));
        for (const logprob of Object.values(candidates)) expect(logprob).toBeLessThanOrEqual(0);
      });
      logprobs.text_offset.forEach((offset: number, i: number) => expect(completion.slice(offset, offset + tokens[i].length)).toBe(tokens[i]));
    });

    it('process_prompt templates a JSON conversation, and a prompt that is not one is a 422', async () => {
      const conversation = JSON.stringify({ conversation_id: 'c-1', messages: [{ message_id: 0, role: 'user', content: 'What is 7 x 6?' }] });
      const body = await call(server(), predict, { inputs: [conversation], params: { process_prompt: typed.bool('True'), max_tokens_to_generate: typed.int(5) } });
      expect(body.data[0].prompt).toContain('<|start_header_id|>user<|end_header_id|>\n\nWhat is 7 x 6?<|eot_id|>');
      expect(body.data[0].prompt).toMatch(/assistant<\|end_header_id\|>\n\n$/);
      const bad = await call(server(), predict, { inputs: [prompt, '{"messages": '], params: { process_prompt: typed.bool('true') } }, {}, 422);
      expect(bad.error.message).toMatch(/^\/body\/inputs\/0: not valid JSON/);
      const noMessages = await call(server(), predict, { inputs: ['{"conversation_id": "c"}'], params: { process_prompt: typed.bool('true') } }, {}, 422);
      expect(noMessages.error.violations[0].received).toMatch(/without a "messages" list/);
    });

    it('a prompt plus max_tokens_to_generate at 2048 tokens or more is a 422 naming both counts and the limit', async () => {
      const long = 'word '.repeat(1500);
      const body = await call(server(), predict, { inputs: [long], params: { max_tokens_to_generate: typed.int(1000) } }, {}, 422);
      expect(body.error.message).toMatch(/1000 tokens to generate after a prompt of at least \d+ tokens.*under the context length of 2048/);
      expect(body.error.violations[0]).toMatchObject({ path: '/body/params/max_tokens_to_generate', rule: 'maximum' });
      const fits = await call(server(), predict, { inputs: [long], params: { max_tokens_to_generate: typed.int(500) } });
      expect(fits.data[0].prompt_tokens_count + 500).toBeLessThan(2048);
      const alone = await call(server(), predict, { inputs: ['word '.repeat(3000)], params: {} }, {}, 422);
      expect(alone.error.violations[0]).toMatchObject({ path: '/body/inputs/0', rule: 'maxLength' });
    });

    it('variants: logprobs-empty-lists and total-count-only', async () => {
      const params = { max_tokens_to_generate: typed.int(4) };
      const lists = await call(server(), predict, { inputs: [prompt], params }, { 'x-sambakit-variant': 'logprobs-empty-lists' });
      expect(lists.data[0].logprobs).toEqual({ top_logprobs: [], text_offset: [] });
      const total = await call(server(), predict, { inputs: [prompt], params }, { 'x-sambakit-variant': 'total-count-only' });
      expect(total.data[0]).not.toHaveProperty('prompt_tokens_count');
      expect(total.data[0]).not.toHaveProperty('completion_tokens_count');
      expect(total.data[0].total_tokens_count).toBeGreaterThan(4);
    });
  });

  describe('nlpPredictStream', () => {
    it('sends one event per token, then the last object with everything, and no terminator', async () => {
      const response = await postJson(server(), stream, { inputs: [prompt], params: { max_tokens_to_generate: typed.int(9) } });
      const text = await response.clone().text();
      expect(text).not.toMatch(/^event:/m); // regular events carry no name
      expect(text).not.toContain('[DONE]');
      const objects = values<any>(await streamItems(response, sseFraming));
      expect(objects).toHaveLength(10);
      const last = objects.at(-1)!;
      for (const object of objects.slice(0, -1)) {
        expect(object).toMatchObject({ is_last_response: false, completion: '', prompt: '', tokens: null, stop_reason: '', total_tokens_count: 0 });
        expect(object.stream_token.length).toBeGreaterThan(0);
      }
      expect(last).toMatchObject({ is_last_response: true, stream_token: '', prompt, stop_reason: 'max_len_reached', completion_tokens_count: 9 });
      expect(objects.slice(0, -1).map((o) => o.stream_token).join('')).toBe(last.completion);
      expect(last.tokens).toEqual(objects.slice(0, -1).map((o) => o.stream_token));
      expect(last.total_tokens_count).toBe(last.prompt_tokens_count + 9);
      for (const metric of ['time_to_first_token', 'throughput_after_first_token', 'model_execution_time', 'start_time', 'end_time', 'total_tokens_per_sec']) {
        expect(typeof last[metric], metric).toBe('number');
      }
      expect(last.end_time).toBeGreaterThanOrEqual(last.start_time);
    });

    it('streams the same text as the predict call, and several prompts one after another', async () => {
      const params = { max_tokens_to_generate: typed.int(6) };
      const predicted = await call(server(), predict, { inputs: [prompt, 'Second prompt'], params });
      const objects = values<any>(await streamItems(await postJson(server(), stream, { inputs: [prompt, 'Second prompt'], params }), sseFraming));
      expect(objects).toHaveLength(14);
      const lastIndexes = objects.flatMap((o, i) => (o.is_last_response ? [i] : []));
      expect(lastIndexes).toEqual([6, 13]);
      expect(objects[6].completion).toBe(predicted.data[0].completion);
      expect(objects[13].completion).toBe(predicted.data[1].completion);
      expect(objects[13].prompt).toBe('Second prompt');
    });

    it('the error-event fault sends an `error_event` event in the real form after two objects, and ends', async () => {
      const response = await postJson(server(), stream, { inputs: [prompt], params: { max_tokens_to_generate: typed.int(9) } }, { 'x-sambakit-fault': 'error-event' });
      const raw = await response.clone().text();
      expect(raw).toMatch(/event: error_event\ndata: \{"error":/);
      const items = await streamItems(response, sseFraming);
      expect(items.map((item) => item.kind)).toEqual(['item', 'item', 'error']);
      expect(items[2]).toMatchObject({ event: 'error_event', value: { error: { code: 'internal_error', message: expect.stringContaining('error-event') }, status_code: 500 } });
    });

    it('variants: alternate-metric-names, total-count-only, logprobs-empty-lists', async () => {
      const body = { inputs: [prompt], params: { max_tokens_to_generate: typed.int(3) } };
      const lastOf = async (variant: string) => values<any>(await streamItems(await postJson(server(), stream, body, { 'x-sambakit-variant': variant }), sseFraming));
      const alternate = (await lastOf('alternate-metric-names')).at(-1);
      expect(alternate).toHaveProperty('time_to_first_response');
      expect(alternate).toHaveProperty('completion_tokens_per_sec_after_first_response');
      expect(alternate).not.toHaveProperty('time_to_first_token');
      const total = (await lastOf('total-count-only')).at(-1);
      expect(Object.keys(total).filter((k) => /time|count|throughput|per_sec/.test(k))).toEqual(['total_tokens_count']);
      const lists = await lastOf('logprobs-empty-lists');
      for (const object of lists) expect(object.logprobs).toEqual({ top_logprobs: [], text_offset: [] });
    });
  });
});
