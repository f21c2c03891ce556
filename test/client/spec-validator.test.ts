/**
 * `specValidator`: the spec's validator of each target (operation, status, media type), however
 * the targets of the calls it serves alternate; it keeps the last target's validator, so a change
 * in any one of the three must be seen.
 */
import { describe, expect, it } from 'vitest';
import { specValidator } from '../../src/client/validation.js';

const chunk = { id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm', system_fingerprint: 'f', choices: [{ index: 0, delta: { content: 'hi' }, logprobs: null, finish_reason: null }] };
const stream = { operationId: 'createChatCompletion', status: 200, mediaType: 'text/event-stream' };

describe('specValidator', () => {
  it('checks each value against its own target as targets alternate', () => {
    const validator = specValidator('sambanova-cloud');
    for (let i = 0; i < 2; i++) {
      expect(validator(stream, chunk)).toBeUndefined();
      // A chunk is not a whole answer (its choices hold no message), nor an error body, nor a Messages event.
      expect(validator({ ...stream, mediaType: 'application/json' }, chunk)?.join('; ')).toMatch(/\/choices\/0\/message/);
      expect(validator({ ...stream, status: 400, mediaType: 'application/json' }, chunk)?.length).toBeGreaterThan(0);
      expect(validator({ ...stream, operationId: 'createMessage' }, chunk)?.join('; ')).toMatch(/\/type/);
      // No validator for the target: nothing to report.
      expect(validator({ ...stream, status: 299 }, chunk)).toBeUndefined();
    }
    expect(validator(stream, { ...chunk, created: 'yesterday' })?.join('; ')).toMatch(/\/created/);
  });
});
