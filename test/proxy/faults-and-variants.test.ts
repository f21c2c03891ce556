/**
 * The proxy in front of the reference server through everything the server can emit: every fault
 * (`x-sambakit-fault`) on streams of each framing and on a JSON answer, and every variant
 * (`x-sambakit-variant`) of every operation. A variant is a form the spec documents: no record.
 * A fault that breaks the spec (a cut stream, a broken or invalid item) is recorded; one that is
 * in the spec (429, 5xx, an in-stream error) is recorded as an upstream fault, not a violation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiName } from '../../src/contract/apis.js';
import { contracts, type OperationInfo } from '../../src/contract/index.js';
import { faults, type FaultName } from '../../src/server/faults.js';
import { operationTable } from '../../src/server/operations/index.js';
import { buildRoutes } from '../../src/server/routes.js';
import { errorStyleFor } from '../../src/server/error-styles.js';
import { useServer, withServer, type TestServer } from '../helpers/server.js';
import { settled, withProxy, type TestProxy } from './helpers.js';
import { calls, send, type Call } from './traffic.js';

// In check mode for the variants: the server itself holds each variant to the spec.
const server = useServer();
// As a real target, for the faults: some deliberately break the spec, which check mode would turn into 500s.
let faulty: TestServer;
const proxies = new Map<ApiName, TestProxy>();
const faultProxies = new Map<ApiName, TestProxy>();
// A short wait for the target's head, for the headers that come too late.
const upstreamTimeoutMs = 250;
const timeoutProxies = new Map<ApiName, TestProxy>();

beforeAll(async () => {
  faulty = await withServer({ checkResponses: 'off' });
  for (const api of ['sambastudio', 'sambanova-cloud', 'lmi'] as const) {
    proxies.set(api, await withProxy(api, server.url));
    faultProxies.set(api, await withProxy(api, faulty.url));
    timeoutProxies.set(api, await withProxy(api, faulty.url, { upstreamTimeoutMs }));
  }
});
afterAll(async () => {
  for (const proxy of [...proxies.values(), ...faultProxies.values(), ...timeoutProxies.values()]) await proxy.close();
  await faulty.close();
});

function operationInfo(call: Call): OperationInfo {
  return (contracts[call.api].operationTable as Readonly<Record<string, OperationInfo>>)[call.operationId]!;
}

/** Sends `call` through its API's proxy, reads the whole answer (a cut one too), and returns the records it caused. */
async function through(call: Call, headers: Record<string, string>, via = proxies) {
  const proxy = via.get(call.api)!;
  const before = proxy.records.length;
  const response = await send(proxy.url, call, headers);
  let text = '';
  let cut = false;
  try {
    text = await response.text();
  } catch {
    cut = true;
  }
  await settled(proxy);
  const records = proxy.records.slice(before);
  return {
    status: response.status,
    text,
    cut,
    records,
    violations: records.filter((r) => r.kind === 'violation'),
    faults: records.filter((r) => r.kind === 'upstream-fault'),
  };
}

const label = (call: Call) => `${call.api} ${call.operationId}${call.stream ? ' (stream)' : ''}`;

describe('every variant of every operation goes through without a record', () => {
  const cases: Array<{ call: Call; variant: string; headers: Record<string, string> }> = [];
  const styles = new Map(buildRoutes().map((route) => [`${route.api} ${route.operationId}`, errorStyleFor(route)]));
  for (const call of calls) {
    for (const variant of Object.keys(operationTable[call.api]?.[call.operationId]?.variants ?? {})) {
      cases.push({ call, variant, headers: { 'x-sambakit-variant': variant } });
      // Variants of the in-stream error show only when there is one.
      if (call.stream) cases.push({ call, variant, headers: { 'x-sambakit-variant': variant, 'x-sambakit-fault': 'error-event' } });
    }
    // Variants of the error body show on an error.
    for (const variant of Object.keys(styles.get(`${call.api} ${call.operationId}`)?.variants ?? {})) {
      cases.push({ call, variant, headers: { 'x-sambakit-variant': variant, 'x-sambakit-fault': 'server-error' } });
    }
  }

  it('covers every variant the server has', () => {
    const covered = new Set(cases.map((c) => `${c.call.api} ${c.call.operationId} ${c.variant}`));
    const all = Object.entries(operationTable).flatMap(([api, ops]) => Object.entries(ops).flatMap(([id, op]) => Object.keys(op.variants ?? {}).map((v) => `${api} ${id} ${v}`)));
    expect(all.filter((v) => !covered.has(v))).toEqual([]);
    expect(cases.some((c) => c.variant === 'detail-error')).toBe(true);
  });

  // An in-stream error sent as a plain data event (SambaStudio's `error-data-event`, LMI's `sse`
  // framing) ends the stream without `[DONE]`: the spec's `errorProperty` makes it an error item,
  // which may end a stream, so it is no violation either.
  it.each(cases.map((c) => [`${label(c.call)} ${c.variant}${c.headers['x-sambakit-fault'] ? ` + ${c.headers['x-sambakit-fault']}` : ''}`, c] as const))('%s', async (_name, { call, headers }) => {
    const result = await through(call, headers);
    expect(result.cut).toBe(false);
    expect(result.violations).toEqual([]);
    if (!headers['x-sambakit-fault']) {
      expect(result.status).toBe(200);
      expect(result.records).toEqual([]);
    }
  });
});

/** One stream of each framing (SSE with a terminator, SSE with named events, JSON lines) and a JSON answer. */
const streams = calls.filter((c) => c.stream && ['sambanova-cloud createChatCompletion', 'sambanova-cloud createMessage', 'lmi createChatCompletion', 'sambastudio genericV2PredictStream', 'sambastudio createChatCompletion'].includes(`${c.api} ${c.operationId}`));
const answers = calls.filter((c) => !c.stream && ['sambanova-cloud createChatCompletion', 'sambastudio genericV2Predict', 'lmi createChatCompletion'].includes(`${c.api} ${c.operationId}`));

describe('every fault', () => {
  it('covers every fault the server has', () => {
    const tested: FaultName[] = ['rate-limit', 'server-error', 'unavailable', 'slow-headers', 'stall', 'disconnect', 'malformed-item', 'error-event', 'invalid-item', 'model-output'];
    expect(Object.keys(faults).sort()).toEqual([...tested].sort());
  });

  describe.each([...streams, ...answers].map((c) => [label(c), c] as const))('%s', (_name, call) => {
    const fault = (headers: Record<string, string>) => through(call, headers, faultProxies);
    const framing = call.stream ? Object.values(operationInfo(call).streams)[0] : undefined;

    it.each([
      ['rate-limit', 429],
      ['server-error', 500],
      ['unavailable', 503],
    ] as const)('%s: passed through as it is, recorded as an upstream fault (and as a violation where the spec has no such status)', async (name, status) => {
      const result = await fault({ 'x-sambakit-fault': name });
      expect(result.status).toBe(status);
      expect(result.faults).toMatchObject([{ fault: 'status', status }]);
      // When to retry is part of the record, as the client got it.
      if (status === 429) expect(result.faults[0]).toMatchObject({ headers: { 'retry-after': '1' } });
      const declared = String(status) in operationInfo(call).responses;
      expect(result.violations).toEqual(declared ? [] : [expect.objectContaining({ direction: 'response', pointer: '/status', rule: 'responses', received: status })]);
    });

    it.each(['slow-headers=20', 'stall=20'])('%s: late but whole, no record', async (name) => {
      const result = await fault({ 'x-sambakit-fault': name });
      expect(result.status).toBe(200);
      expect(result.records).toEqual([]);
    });

    it('slow-headers past the upstream timeout: 504 in the API\'s shape, recorded as a timeout; the proxy goes on', async () => {
      const result = await through(call, { 'x-sambakit-fault': 'slow-headers=10000' }, timeoutProxies);
      expect(result.status).toBe(504);
      expect(result.faults).toMatchObject([{ fault: 'timeout', operation: call.operationId }]);
      expect(result.violations).toEqual([]);
      // The late answer is dropped with its connection; the next exchange is whole.
      const next = await through(call, {}, timeoutProxies);
      expect(next.status).toBe(200);
      expect(next.records).toEqual([]);
    });

    it.each(['disconnect', 'disconnect=0'])('%s: the client\'s answer is cut as the target\'s was, recorded as a cut', async (name) => {
      const result = await fault({ 'x-sambakit-fault': name });
      expect(result.cut).toBe(true);
      expect(result.faults).toMatchObject([{ fault: 'cut', status: 200 }]);
      // A JSON answer cut halfway is no JSON; an SSE stream cut before its terminator breaks its framing.
      if (!call.stream) expect(result.violations).toMatchObject([{ direction: 'response', rule: 'json' }]);
      if (framing?.terminator !== undefined) expect(result.violations).toMatchObject([{ direction: 'stream', rule: 'terminator' }]);
    });

    it('malformed-item: recorded as broken JSON', async () => {
      const result = await fault({ 'x-sambakit-fault': 'malformed-item' });
      expect(result.violations.length).toBeGreaterThan(0);
      expect(result.violations[0]).toMatchObject({ direction: call.stream ? 'stream' : 'response', rule: 'json' });
    });

    it('invalid-item: recorded where the item breaks its schema', async () => {
      const result = await fault({ 'x-sambakit-fault': 'invalid-item' });
      expect(result.status).toBe(200);
      expect(result.violations.length).toBeGreaterThan(0);
      for (const v of result.violations) expect(v.pointer).toMatch(call.stream ? /^\/items\/2(\/|$)/ : /^\/body(\/|$)/);
    });

    if (!call.stream && call.api === 'sambanova-cloud') {
      it('model-output: the vendor\'s model-output error is a documented answer, not a violation', async () => {
        const result = await fault({ 'x-sambakit-fault': 'model-output' });
        expect(result.status).toBe(200);
        expect(result.violations).toEqual([]);
      });
    }

    if (!call.stream) {
      it('error-event: a JSON answer comes whole, as the API sends a failed answer', async () => {
        const result = await fault({ 'x-sambakit-fault': 'error-event' });
        expect(result.cut).toBe(false);
        expect(result.violations).toEqual([]);
      });
    }

    if (call.stream) {
      it('invalid-item, the client leaving right after it: still recorded, and not as a cut', async () => {
        const proxy = faultProxies.get(call.api)!;
        const before = proxy.records.length;
        // Slow enough that the stream is far from its end when the client goes.
        const response = await send(proxy.url, call, { 'x-sambakit-fault': 'invalid-item', 'x-sambakit-ttft-ms': '0', 'x-sambakit-tokens-per-second': '5' });
        const reader = response.body!.getReader();
        let text = '';
        while (!text.includes('sambakit_fault')) text += new TextDecoder().decode((await reader.read()).value);
        await reader.cancel();
        await settled(proxy);
        const records = proxy.records.slice(before);
        expect(records.length).toBeGreaterThan(0);
        for (const r of records) expect(r).toMatchObject({ kind: 'violation', direction: 'stream', pointer: expect.stringMatching(/^\/items\/2(\/|$)/) });
      });

      // An in-stream error is known by its SSE event name (errorEvents) or by its `error` member (errorProperty, JSON lines too).
      const knowsErrors = !!framing?.errorEvents?.length || framing?.errorProperty !== undefined;
      it(`error-event: the in-stream error is in the spec: no violation${knowsErrors ? ', an upstream fault' : ''}`, async () => {
        const result = await fault({ 'x-sambakit-fault': 'error-event' });
        expect(result.cut).toBe(false);
        expect(result.violations).toEqual([]);
        expect(result.faults).toEqual(knowsErrors ? [expect.objectContaining({ fault: 'stream-error', message: expect.stringMatching(/^in-stream error (event "[a-z_]+" )?at item \d+$/) })] : []);
      });
    }
  });
});
