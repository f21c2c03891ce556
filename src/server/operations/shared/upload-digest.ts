/**
 * @module The SHA-256 digest of an uploaded file, hashed a piece at a time with a turn of the event
 * loop once a slice of work is spent: hashing 25 MB at once is a long turn by itself. The digest is
 * the same as hashing the whole file in one call.
 */
import { createHash } from 'node:crypto';
import { TurnBudget } from '../../../event-loop/turn-budget.js';

/** Bytes hashed per call: well under a millisecond. */
const pieceBytes = 256 * 1024;

export async function uploadDigest(bytes: Uint8Array): Promise<Buffer> {
  const hash = createHash('sha256');
  const budget = new TurnBudget();
  for (let offset = 0; offset < bytes.byteLength; offset += pieceBytes) {
    hash.update(bytes.subarray(offset, offset + pieceBytes));
    if (budget.spent()) await budget.nextTurn();
  }
  return hash.digest();
}
