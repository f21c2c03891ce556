/**
 * Generic API v1 (text) over real HTTP: `instances` answered with `{status, predictions}`, the
 * vendor's `inputs` form with `{data}`; the JSON-lines stream wrapped in `result.responses` for an
 * `instance` request and bare for `inputs`; the variants that force either form; the in-stream
 * error line.
 */
import { describe, expect, it } from 'vitest';
import { call, jsonlFraming, nativeServer, postJson, streamItems, typed, values } from './helpers.js';

const predict = '/api/predict/generic/proj-1/ep-1';
const stream = '/api/predict/generic/stream/proj-1/ep-1';
const prompt = '[INST] Name three rivers in Europe. [/INST]';
const params = { max_tokens_to_generate: typed.int(8), do_sample: typed.bool('false') };

describe('Generic API v1', () => {
  const server = nativeServer();

  describe('genericPredict', () => {
    it('instances -> {status, predictions}, one per instance, in order', async () => {
      const body = await call(server(), predict, { instances: [prompt, 'Say hi.'], params });
      expect(Object.keys(body).sort()).toEqual(['predictions', 'status']);
      expect(body.status).toMatchObject({ complete: true, exitCode: 0, message: '', progress: 1, progressMessage: '', reason: '' });
      expect(body.status.elapsedTime).toBeGreaterThanOrEqual(0);
      expect(body.predictions.map((p: any) => p.prompt)).toEqual([prompt, 'Say hi.']);
      for (const prediction of body.predictions) {
        expect(prediction.tokens).toHaveLength(8);
        expect(prediction.stop_reason).toBe('max_len_reached');
      }
    });

    it('the vendor\'s inputs form -> {data}, with the same answers', async () => {
      const instances = await call(server(), predict, { instances: [prompt], params });
      const inputs = await call(server(), predict, { inputs: [prompt], params });
      expect(Object.keys(inputs)).toEqual(['data']);
      expect(inputs.data[0]).toEqual(instances.predictions[0]);
    });

    it('the vendor template request (typed params of every kind) is answered', async () => {
      const template = {
        inputs: ['Whats the capital of Austria?'],
        params: {
          do_sample: typed.bool('false'),
          max_tokens_to_generate: typed.int(100),
          repetition_penalty: typed.float(1),
          temperature: typed.float(1),
          top_k: typed.int(50),
          top_logprobs: typed.int(0),
          top_p: typed.float(1),
        },
      };
      const body = await call(server(), predict, template);
      expect(body.data[0].tokens.length).toBeGreaterThan(0);
      expect(body.data[0].tokens.length).toBeLessThanOrEqual(100);
    });

    it('variants: data-response, predictions-response, vendor-status', async () => {
      const data = await call(server(), predict, { instances: [prompt], params }, { 'x-sambakit-variant': 'data-response' });
      expect(Object.keys(data)).toEqual(['data']);
      const predictions = await call(server(), predict, { inputs: [prompt], params }, { 'x-sambakit-variant': 'predictions-response' });
      expect(Object.keys(predictions).sort()).toEqual(['predictions', 'status']);
      expect(predictions.predictions[0]).toEqual(data.data[0]);
      const vendor = await call(server(), predict, { instances: [prompt], params }, { 'x-sambakit-variant': 'vendor-status' });
      expect(Object.keys(vendor.status).sort()).toEqual(['complete', 'elapsedTime', 'exitCode']);
    });

    it('variants: logprobs-empty-lists, total-count-only', async () => {
      const lists = await call(server(), predict, { instances: [prompt], params }, { 'x-sambakit-variant': 'logprobs-empty-lists' });
      expect(lists.predictions[0].logprobs).toEqual({ text_offset: [], top_logprobs: [] });
      const total = await call(server(), predict, { instances: [prompt], params }, { 'x-sambakit-variant': 'total-count-only' });
      expect(total.predictions[0]).not.toHaveProperty('prompt_tokens_count');
      expect(total.predictions[0].total_tokens_count).toBe(lists.predictions[0].total_tokens_count);
    });

    it('the detail-error variant answers a 4xx as {"detail": ...}', async () => {
      const bad = { instances: ['not a conversation'], params: { process_prompt: typed.bool('true') } };
      const envelope = await call(server(), predict, bad, {}, 422);
      expect(envelope.error).toMatchObject({ code: 422, message: expect.stringContaining('/body/instances/0') });
      const detail = await call(server(), predict, bad, { 'x-sambakit-variant': 'detail-error' }, 422);
      expect(detail.detail).toBe(envelope.error.message);
      expect(detail).not.toHaveProperty('error');
      const schema = await call(server(), predict, { instances: 'not a list' }, { 'x-sambakit-variant': 'detail-error' }, 422);
      expect(typeof schema.detail).toBe('string');
      expect(schema.violations.length).toBeGreaterThan(0);
    });
  });

  describe('genericPredictStream', () => {
    it('instance -> JSON lines wrapped as {"result": {"responses": [...]}}, last with completion and metrics', async () => {
      const lines = values<any>(await streamItems(await postJson(server(), stream, { instance: prompt, params }), jsonlFraming));
      expect(lines).toHaveLength(9);
      for (const line of lines) {
        expect(Object.keys(line)).toEqual(['result']);
        expect(line.result.responses).toHaveLength(1);
      }
      const objects = lines.map((line) => line.result.responses[0]);
      expect(objects.slice(0, -1).every((o) => o.is_last_response === false && o.stream_token !== '')).toBe(true);
      const last = objects.at(-1);
      expect(last).toMatchObject({ is_last_response: true, stream_token: '', prompt, stop_reason: 'max_len_reached', completion_tokens_count: 8, batch_size_used: 1 });
      expect(objects.slice(0, -1).map((o) => o.stream_token).join('')).toBe(last.completion);
      const predicted = await call(server(), predict, { instances: [prompt], params });
      expect(last.completion).toBe(predicted.predictions[0].completion);
    });

    it('the vendor\'s inputs form -> bare stream objects', async () => {
      const objects = values<any>(await streamItems(await postJson(server(), stream, { inputs: [prompt], params }), jsonlFraming));
      expect(objects).toHaveLength(9);
      expect(objects.every((o) => !('result' in o) && typeof o.is_last_response === 'boolean')).toBe(true);
      expect(objects.at(-1).is_last_response).toBe(true);
    });

    it('variants force either line form whatever the request form', async () => {
      const wrapped = values<any>(await streamItems(await postJson(server(), stream, { inputs: [prompt], params }, { 'x-sambakit-variant': 'result-wrapper' }), jsonlFraming));
      expect(wrapped.every((line) => Array.isArray(line.result?.responses))).toBe(true);
      const bare = values<any>(await streamItems(await postJson(server(), stream, { instance: prompt, params }, { 'x-sambakit-variant': 'bare-stream-objects' }), jsonlFraming));
      expect(bare.every((o) => !('result' in o))).toBe(true);
      expect(bare.at(-1).completion).toBe(wrapped.at(-1).result.responses[0].completion);
    });

    it('variant alternate-metric-names renames the last object\'s timings', async () => {
      const lines = values<any>(await streamItems(await postJson(server(), stream, { instance: prompt, params }, { 'x-sambakit-variant': 'alternate-metric-names' }), jsonlFraming));
      const last = lines.at(-1).result.responses[0];
      expect(last.time_to_first_response).toBeGreaterThanOrEqual(0);
      expect(last).not.toHaveProperty('time_to_first_token');
    });

    it('the error-event fault sends an {"error": {code, details, message}, "status_code"} line and ends', async () => {
      const response = await postJson(server(), stream, { instance: prompt, params }, { 'x-sambakit-fault': 'error-event' });
      const items = await streamItems<any>(response, jsonlFraming);
      expect(items).toHaveLength(3);
      expect(items[2]!.value).toEqual({
        error: { code: 'internal_error', details: expect.any(String), message: 'Generation failed (x-sambakit-fault: error-event).' },
        status_code: 500,
      });
    });

    it('the error line keeps its form under the detail-error variant (a {"detail"} line is not a stream item)', async () => {
      const response = await postJson(server(), stream, { instance: prompt, params }, { 'x-sambakit-fault': 'error-event', 'x-sambakit-variant': 'detail-error' });
      const items = await streamItems<any>(response, jsonlFraming);
      expect(items.at(-1)!.value.error.code).toBe('internal_error');
    });
  });
});
