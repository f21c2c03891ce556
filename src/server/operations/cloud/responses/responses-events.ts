/**
 * @module The typed event stream of a Responses answer, in the vendor's order: `response.created`
 * and `response.in_progress` at once, then per output item `output_item.added`, its content part's
 * `content_part.added`, the deltas at the run's pace and their `.done` event, `content_part.done`,
 * `output_item.done`, and `response.completed` (or `response.incomplete` when the budget ran out)
 * with the usage. Every event is named after its `type` (the spec's `eventFromType`) and numbered by
 * `sequence_number` from 0.
 */
import type { OutgoingStreamItem } from '../../../../streams/index.js';
import { walkBlocks, type BlockEvent } from '../shared/blocks.js';
import type { OperationRequest } from '../../types.js';
import { runUsageFacts } from '../shared/chat-run.js';
import { doneItemStatus, finalStatus, outputItem, outputTextPart, responseObject, textLogprobs, type ResponseDraft } from './response-object.js';

/** An event before its `sequence_number` is given. */
type Event = { type: string; [field: string]: unknown };

/** What a block's events say about it: its item id, position, and the text written so far. */
function blockEvents(draft: ResponseDraft, event: BlockEvent, written: string): Event[] {
  const { index, block } = event;
  const where = { item_id: draft.itemIds[index]!, output_index: index };
  // A part opens empty and closes with the whole text (and, for answer text, its log probabilities).
  const part = (text: string) => (block.kind === 'reasoning' ? { type: 'reasoning_text', text } : outputTextPart(text, block.kind === 'text' && text.length > 0 ? textLogprobs(block.tokens, draft.logprobs) : []));
  switch (event.type) {
    case 'open': {
      const added = { type: 'response.output_item.added', output_index: index, item: outputItem(draft, index, 'in_progress') };
      if (block.kind === 'tool_call') return [added];
      return [added, { type: 'response.content_part.added', ...where, content_index: 0, part: part('') }];
    }
    case 'delta':
      if (block.kind === 'reasoning') return [{ type: 'response.reasoning_text.delta', ...where, content_index: 0, delta: event.text }];
      if (block.kind === 'text') {
        return [{ type: 'response.output_text.delta', ...where, content_index: 0, delta: event.text, annotations: [], logprobs: textLogprobs([event.token], draft.logprobs) }];
      }
      return [{ type: 'response.function_call_arguments.delta', ...where, delta: event.text }];
    case 'close': {
      const done = { type: 'response.output_item.done', output_index: index, item: outputItem(draft, index, doneItemStatus(draft, index)) };
      if (block.kind === 'tool_call') return [{ type: 'response.function_call_arguments.done', ...where, name: block.call.name, arguments: block.call.arguments }, done];
      const textDone =
        block.kind === 'reasoning'
          ? { type: 'response.reasoning_text.done', ...where, content_index: 0, text: written }
          : { type: 'response.output_text.done', ...where, content_index: 0, text: written, annotations: [], logprobs: textLogprobs(block.tokens, draft.logprobs) };
      return [textDone, { type: 'response.content_part.done', ...where, content_index: 0, part: part(written) }, done];
    }
  }
}

export async function* responseEvents(draft: ResponseDraft, request: OperationRequest, signal: AbortSignal): AsyncGenerator<OutgoingStreamItem<unknown>> {
  let sequence = 0;
  const item = (event: Event): OutgoingStreamItem<unknown> => ({ kind: 'item', event: event.type, value: { ...event, sequence_number: sequence++ } });
  yield item({ type: 'response.created', response: responseObject(draft, 'in_progress') });
  yield item({ type: 'response.in_progress', response: responseObject(draft, 'in_progress') });
  const written = draft.blocks.map(() => '');
  try {
    for await (const event of walkBlocks(draft.run, draft.blocks, signal)) {
      if (event.type === 'delta') written[event.index] += event.text;
      for (const out of blockEvents(draft, event, written[event.index]!)) yield item(out);
    }
  } catch (error) {
    // Aborted while waiting for a token: the client is gone, nobody is left to tell.
    if (signal.aborted) return;
    throw error;
  }
  const status = finalStatus(draft);
  yield item({ type: status === 'incomplete' ? 'response.incomplete' : 'response.completed', response: responseObject(draft, status, runUsageFacts(draft.run, request)) });
}
