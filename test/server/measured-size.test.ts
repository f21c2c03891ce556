/**
 * A body parsed in slices is measured as it is parsed (depth and members, as the validators' size
 * check counts them), and the request's size check reads that measure instead of walking the body
 * again: a walk of 100,000 members, mostly the enumeration of wide objects' keys, held the event
 * loop for tens of milliseconds. The measure gives what the walk gives, and is read once.
 */
import { describe, expect, it } from 'vitest';
import { parseJsonBody, syncParseBytes } from '../../src/server/json-body.js';
import { checkSize, nodesOfLastCheck, type SizeLimits } from '../../src/validate/limits.js';

const pad = 'p'.repeat(syncParseBytes);

/** The value of `text` parsed in slices (it is padded past the size parsed at once). */
async function parsedInSlices(text: string): Promise<unknown> {
  const padded = `{"pad":"${pad}",${text.slice(1)}`;
  const parsed = await parseJsonBody([Buffer.from(padded)]);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed));
  return parsed.value;
}

const sized = (value: unknown, limits?: SizeLimits) => ({ violation: checkSize(value, '/body', limits), nodes: nodesOfLastCheck() });

describe('the size of a body parsed in slices', () => {
  const bodies = {
    wide: JSON.stringify({ schema: { properties: Object.fromEntries(Array.from({ length: 9_000 }, (_, i) => [`p${i}`, {}])) } }),
    arrays: JSON.stringify({ a: [[], [[1, 2], { b: [null, true] }], {}], c: 'x' }),
    deep: JSON.stringify({ d: JSON.parse(`${'['.repeat(40)}1${']'.repeat(40)}`) }),
    protoKey: '{"__proto__":{"x":[1,2]},"y":{"z":1}}',
  };

  it('is what a walk of the same value finds, under every limit', async () => {
    for (const [name, text] of Object.entries(bodies)) {
      for (const limits of [undefined, { maxDepth: 64, maxNodes: 100_000, maxMembers: 10_000 }, { maxDepth: 3, maxNodes: 1_000_000 }, { maxDepth: 64, maxNodes: 5 }, { maxDepth: 2, maxNodes: 3 }, { maxMembers: 2 }, { maxDepth: 2, maxMembers: 2 }]) {
        // A copy has no measure: it is walked.
        const walked = sized(structuredClone(await parsedInSlices(text)), limits);
        expect(sized(await parsedInSlices(text), limits), `${name} ${JSON.stringify(limits)}`).toEqual(walked);
      }
    }
  });

  it('is read instead of walking, once', async () => {
    const value = (await parsedInSlices(bodies.arrays)) as Record<string, unknown>;
    const measured = sized(structuredClone(value)).nodes;
    // Changed after its parse: the first check reads the measure taken then, the next walks it.
    value.more = [1, 2, 3];
    expect(sized(value).nodes).toBe(measured);
    expect(sized(value).nodes).toBe(measured + 4);
  });

  it('walks a body in which a key came twice: the member it replaced may have held more', async () => {
    const value = await parsedInSlices('{"a":[1,2,3],"a":1}');
    expect(sized(value).nodes).toBe(2);
  });
});
