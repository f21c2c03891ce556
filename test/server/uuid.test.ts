/** The server's ids: version 4 UUIDs in their canonical lower-case form, each new. */
import { describe, expect, it } from 'vitest';
import { uuid } from '../../src/server/uuid.js';

describe('uuid', () => {
  it('makes version 4, variant 10 UUIDs in lower case, all different, across several draws of randomness', () => {
    const ids = Array.from({ length: 1000 }, uuid);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('uses every hex digit in every free position (the randomness reaches each nibble)', () => {
    const seen = Array.from({ length: 36 }, () => new Set<string>());
    for (let i = 0; i < 4000; i++) [...uuid()].forEach((char, at) => seen[at]!.add(char));
    const fixed = new Set([8, 13, 14, 18, 19, 23]);
    seen.forEach((chars, at) => {
      if (!fixed.has(at)) expect(chars.size, `position ${at}`).toBe(16);
    });
    expect([...seen[14]!]).toEqual(['4']);
    expect([...seen[19]!].sort()).toEqual(['8', '9', 'a', 'b']);
  });
});
