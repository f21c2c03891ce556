/** The real reference server on a random loopback port, in check mode: every response it emits is validated against the spec. */
import { afterAll, beforeAll, expect } from 'vitest';
import { startServer, type RunningServer, type ServeOptions } from '../../src/server/index.js';
import type { ResponseViolationReport } from '../../src/server/options.js';

export interface TestServer extends RunningServer {
  /** Log lines, one per request. */
  lines: string[];
  /** Responses or stream items the server emitted that break the spec (should stay empty). */
  violations: ResponseViolationReport[];
}

export async function withServer(options: ServeOptions = {}): Promise<TestServer> {
  const lines: string[] = [];
  const violations: ResponseViolationReport[] = [];
  const server = await startServer({
    host: '127.0.0.1',
    port: 0,
    ttftMs: 0,
    tokensPerSecond: 100_000,
    checkResponses: 'throw',
    log: (line) => lines.push(line),
    onResponseViolation: (report) => violations.push(report),
    ...options,
  });
  return Object.assign(server, { lines, violations });
}

/**
 * A server for the enclosing suite: started before its tests, stopped after them, and the suite
 * fails if the server emitted anything the spec does not allow. The returned object stands for the
 * server once it is up.
 */
export function useServer(options: ServeOptions = {}): TestServer {
  let server: TestServer | undefined;
  beforeAll(async () => {
    server = await withServer(options);
  });
  afterAll(async () => {
    if (!server) return;
    expect(server.violations).toEqual([]);
    await server.close();
  });
  return new Proxy({} as TestServer, {
    get(_target, property) {
      if (!server) throw new Error('useServer: the server is used before the suite started it');
      const value = Reflect.get(server, property) as unknown;
      return typeof value === 'function' ? value.bind(server) : value;
    },
  });
}
