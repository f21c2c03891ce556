import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatErrors, repoRoot, validatorsOf, type ApiName } from '../helpers/spec.js';

interface SeedEntry {
  file: string;
  api: ApiName;
  operationId: string;
  kind: 'request' | 'response' | 'stream';
  status?: number;
  mediaType?: string;
  seed?: string;
  fixed?: string | null;
}

const dir = `${repoRoot}test/fixtures/seeds/`;
const manifest: SeedEntry[] = readdirSync(dir)
  .filter((f) => /^manifest.*\.json$/.test(f))
  .flatMap((f) => JSON.parse(readFileSync(dir + f, 'utf8')) as SeedEntry[]);

/** The items of a stored stream transcript: JSON lines, or the data of each SSE event. */
function streamItems(text: string): unknown[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const data = lines.some((l) => l.startsWith('data:')) ? lines.filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()) : lines;
  return data.filter((d) => d !== '[DONE]').map((d) => JSON.parse(d));
}

describe('every JSON payload in the vendor documents validates against its operation', () => {
  it('covers every API', () => {
    expect(new Set(manifest.map((e) => e.api))).toEqual(new Set(['sambastudio', 'sambanova-cloud', 'lmi']));
  });

  it.each(manifest.map((e) => [e.file, e] as const))('%s', async (_file, entry) => {
    const validators = (await validatorsOf(entry.api))[entry.operationId];
    expect(validators, `operation ${entry.operationId} exists in ${entry.api}`).toBeDefined();
    const text = readFileSync(dir + entry.file, 'utf8');
    if (entry.kind === 'request') {
      const validate = validators!.request[entry.mediaType ?? 'application/json']!;
      expect(validate(JSON.parse(text)), formatErrors(validate.errors)).toBe(true);
    } else if (entry.kind === 'response') {
      const validate = validators!.responses[String(entry.status)]![entry.mediaType ?? 'application/json']!;
      expect(validate(JSON.parse(text)), formatErrors(validate.errors)).toBe(true);
    } else {
      const validate = Object.values(validators!.responses).find((r) => r[entry.mediaType!])![entry.mediaType!]!;
      const items = streamItems(text);
      expect(items.length).toBeGreaterThan(0);
      items.forEach((item, i) => expect(validate(item), `item ${i}: ${formatErrors(validate.errors)}`).toBe(true));
    }
  });
});
