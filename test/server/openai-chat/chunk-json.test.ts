/**
 * A streamed chat chunk carries its JSON text (`json`), written in place of `JSON.stringify(value)`
 * (src/server/operations/openai-chat/chunks.ts writes the envelope's text once per stream): the text
 * must be that exactly, in every API's style and variant, for content, reasoning, logprobs, tool
 * calls and several choices, with the envelope's fields in their order.
 */
import { describe, expect, it } from 'vitest';
import { chatOperation } from '../../../src/server/operations/openai-chat/handler.js';
import { cloudChatProfile } from '../../../src/server/operations/openai-chat/profiles/cloud.js';
import { lmiChatProfile } from '../../../src/server/operations/openai-chat/profiles/lmi.js';
import { sambaStudioChatProfile } from '../../../src/server/operations/openai-chat/profiles/sambastudio.js';
import type { ChatProfile } from '../../../src/server/operations/openai-chat/profile.js';
import type { OperationRequest, PacedProducer } from '../../../src/server/operations/types.js';
import { resolveServerOptions } from '../../../src/server/options.js';
import type { OutgoingStreamItem } from '../../../src/streams/index.js';
import { chatBody, weatherTool } from './helpers.js';

/** The operation's request as the pipeline hands it over, with no pace (every chunk due at once). */
function requestOf(body: Record<string, unknown>, variant: string | undefined, accept = 'text/event-stream'): OperationRequest {
  return {
    body,
    variant,
    headers: new Headers({ accept }),
    params: {},
    files: [],
    requestId: 'req-1',
    arrival: { monotonicMs: performance.now(), epochMs: Date.now() },
    signal: new AbortController().signal,
    pacing: { ttftMs: 0, tokensPerSecond: 0 },
    options: resolveServerOptions({ seed: 7 }),
  } as unknown as OperationRequest;
}

async function streamedItems(profile: ChatProfile, body: Record<string, unknown>, variant: string | undefined): Promise<OutgoingStreamItem<unknown>[]> {
  const result = await chatOperation(profile).handle(requestOf(body, variant));
  if (result.kind !== 'stream') throw new Error(`expected a stream, got ${JSON.stringify(result)}`);
  const producer = result.produce as PacedProducer;
  const items: OutgoingStreamItem<unknown>[] = [];
  for (let next = producer.next(); next !== undefined; next = producer.next()) {
    if (typeof next === 'number') throw new Error('a chunk was not due at once');
    items.push(next);
  }
  return items;
}

const bodies: Array<[string, Record<string, unknown>]> = [
  ['content and usage', chatBody({ stream: true, max_tokens: 12, stream_options: { include_usage: true } })],
  ['two choices, logprobs', chatBody({ stream: true, max_tokens: 6, n: 2, logprobs: true, top_logprobs: 2 })],
  ['a tool call', chatBody({ stream: true, tools: [weatherTool], tool_choice: 'required' })],
  ['reasoning', chatBody({ stream: true, max_tokens: 30, reasoning_effort: 'high' })],
];

const styles: Array<[string, ChatProfile, Array<string | undefined>]> = [
  ['Cloud', cloudChatProfile, [undefined, ...Object.keys(cloudChatProfile.variants ?? {})]],
  ['SambaStudio', sambaStudioChatProfile, [undefined, ...Object.keys(sambaStudioChatProfile.variants ?? {})]],
  ['LMI', lmiChatProfile, [undefined, ...Object.keys(lmiChatProfile.variants ?? {})]],
];

describe('a streamed chat chunk written from its JSON text', () => {
  for (const [name, profile, variants] of styles) {
    it(`${name}, every variant: the text is JSON.stringify of the chunk`, async () => {
      let chunks = 0;
      for (const variant of variants) {
        for (const [what, body] of bodies) {
          for (const item of await streamedItems(profile, body, variant)) {
            if (item.json === undefined) continue;
            chunks++;
            const where = `${name} ${variant ?? 'default'}, ${what}`;
            expect(item.json, where).toBe(JSON.stringify(item.value));
            // The envelope's fields in the order they have always gone out.
            expect(Object.keys(item.value as object).join(','), where).toMatch(/^id,object,created(,model)?(,system_fingerprint)?,choices(,usage)?$/);
          }
        }
      }
      // Every variant's content chunks came with their text.
      expect(chunks).toBeGreaterThan(variants.length * bodies.length * 3);
    });
  }
});
