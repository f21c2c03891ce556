/**
 * @module The named event stream of a Messages answer, as Anthropic clients read it: `message_start`
 * (the empty envelope with the prompt's token count) and a `ping` at once, then per block
 * `content_block_start`, its deltas at the run's pace (`thinking_delta`, `text_delta`,
 * `input_json_delta`; a thinking block ends with an empty `signature_delta`) and
 * `content_block_stop`, then `message_delta` with the stop reason and output tokens, and
 * `message_stop`. Every event is named after its `type` (the spec's `eventFromType`); the stop
 * sequence in `message_delta` is null, as the service sends it.
 */
import type { OutgoingStreamItem } from '../../../../streams/index.js';
import { walkBlocks, type BlockEvent } from '../shared/blocks.js';
import { messageObject, openingBlock, stopReason, type MessageDraft } from './message-object.js';

type Event = { type: string; [field: string]: unknown };

function blockEvents(event: BlockEvent): Event[] {
  const { index, block } = event;
  switch (event.type) {
    case 'open':
      return [{ type: 'content_block_start', index, content_block: openingBlock(block) }];
    case 'delta': {
      const delta =
        block.kind === 'reasoning' ? { type: 'thinking_delta', thinking: event.text }
        : block.kind === 'text' ? { type: 'text_delta', text: event.text }
        : { type: 'input_json_delta', partial_json: event.text };
      return [{ type: 'content_block_delta', index, delta }];
    }
    case 'close': {
      const stop = { type: 'content_block_stop', index };
      return block.kind === 'reasoning' ? [{ type: 'content_block_delta', index, delta: { type: 'signature_delta', signature: '' } }, stop] : [stop];
    }
  }
}

export async function* messageEvents(draft: MessageDraft, signal: AbortSignal): AsyncGenerator<OutgoingStreamItem<unknown>> {
  const item = (event: Event): OutgoingStreamItem<unknown> => ({ kind: 'item', event: event.type, value: event });
  yield item({ type: 'message_start', message: messageObject(draft, false) });
  yield item({ type: 'ping' });
  try {
    for await (const event of walkBlocks(draft.run, draft.blocks, signal)) for (const out of blockEvents(event)) yield item(out);
  } catch (error) {
    // Aborted while waiting for a token: the client is gone, nobody is left to tell.
    if (signal.aborted) return;
    throw error;
  }
  const usage = { input_tokens: draft.run.input.promptTokens, output_tokens: draft.run.generation.usage.completionTokens };
  yield item({ type: 'message_delta', delta: { stop_reason: stopReason(draft), stop_sequence: null, stop_details: null }, usage });
  yield item({ type: 'message_stop' });
}
