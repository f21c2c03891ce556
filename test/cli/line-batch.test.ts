/** The serve command's request log: the lines of one turn of the event loop leave in one write, in order. */
import { describe, expect, it } from 'vitest';
import { LineBatch } from '../../src/cli/line-batch.js';

describe('LineBatch', () => {
  it('writes the lines of a turn at once, in order, after the turn', async () => {
    const writes: string[] = [];
    const batch = new LineBatch({ write: (text: string) => writes.push(text) });
    batch.add('GET /a 200');
    batch.add('GET /b 404');
    expect(writes).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toEqual(['GET /a 200\nGET /b 404\n']);
    batch.add('GET /c 200');
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toEqual(['GET /a 200\nGET /b 404\n', 'GET /c 200\n']);
  });

  it('flush writes what is queued now, and nothing when nothing is', () => {
    const writes: string[] = [];
    const batch = new LineBatch({ write: (text: string) => writes.push(text) });
    batch.flush();
    expect(writes).toEqual([]);
    batch.add('last line');
    batch.flush();
    expect(writes).toEqual(['last line\n']);
  });
});
