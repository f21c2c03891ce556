/**
 * @module Random (version 4) UUIDs as flat strings. Node builds `randomUUID()` from some twenty
 * joined pieces, which V8 keeps as a chain of string cells until something flattens it: a request
 * id and an answer id live as long as their stream, and flattening the chain (`toLowerCase`) made
 * about 700 bytes of garbage per id, two ids per streamed request in a burst of thousands. Here the
 * 36 characters are written into one buffer and read out as one flat string. The randomness is
 * Node's (`randomFillSync`), drawn for 128 ids at a time as `randomUUID` draws it.
 */
import { randomFillSync } from 'node:crypto';

const IDS_PER_DRAW = 128;
const entropy = Buffer.allocUnsafe(16 * IDS_PER_DRAW);
let used = entropy.length;
const hexDigits = Buffer.from('0123456789abcdef', 'latin1');
const text = Buffer.allocUnsafe(36);

export function uuid(): string {
  if (used === entropy.length) {
    randomFillSync(entropy);
    used = 0;
  }
  let at = 0;
  for (let i = 0; i < 16; i++) {
    let byte = entropy[used + i]!;
    // RFC 9562: the version (4) in the high nibble of byte 6, the variant (10) in the top bits of byte 8.
    if (i === 6) byte = (byte & 0x0f) | 0x40;
    else if (i === 8) byte = (byte & 0x3f) | 0x80;
    if (i === 4 || i === 6 || i === 8 || i === 10) text[at++] = 0x2d;
    text[at++] = hexDigits[byte >> 4]!;
    text[at++] = hexDigits[byte & 0x0f]!;
  }
  used += 16;
  return text.toString('latin1', 0, 36);
}
