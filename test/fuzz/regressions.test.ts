/**
 * Every failing case the fuzzer saved (test/fuzz/regressions/*.json) replayed as it was sent, to
 * where it was sent, and judged by the same outcome checks.
 */
import { Agent } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { judge } from '../../scripts/fuzz/outcome.js';
import { loadRegressions } from '../../scripts/fuzz/regressions.js';
import { sendTo } from '../../scripts/fuzz/run-fuzz.js';
import { startTarget, type FuzzTarget } from '../../scripts/fuzz/target.js';

const regressions = loadRegressions();
let target: FuzzTarget;
const agent = new Agent({ keepAlive: false });

describe.runIf(regressions.length > 0)('fuzz regressions', () => {
  // Generous: three processes start (server, plain and strict proxies, each proxy loading its check workers) on shared cores.
  beforeAll(async () => {
    target = await startTarget();
  }, 300_000);
  afterAll(async () => {
    agent.destroy();
    await target?.close();
  });

  for (const { file, regression } of regressions) {
    const title = `${file}: ${regression.case.operationId} [${regression.case.detail.slice(0, 80)}] via ${regression.via}`;
    it(title, async () => {
      const result = await sendTo(target, agent, regression.case, regression.via);
      expect(target.exited).toBeUndefined();
      expect(judge(regression.case, result)).toBeUndefined();
    }, 120_000);
  }
});
