/**
 * @module The Messages API's objects: the content blocks of an answer (a `thinking` block, then a
 * `text` block or `tool_use` blocks), their empty forms that `content_block_start` carries, the
 * message envelope and its usage, as the vendor's examples show them (`signature: null` on a whole
 * thinking block, `caller: null` on a tool call).
 */
import type { components } from '../../../../contract/sambanova-cloud.js';
import { toMessagesStopReason } from '../../../fake-model/index.js';
import type { Block } from '../shared/blocks.js';
import type { ChatRun } from '../shared/chat-run.js';
import { prefixedId, toolUseId } from '../shared/ids.js';

type CloudMessage = components['schemas']['CloudMessage'];
type OutputBlock = components['schemas']['CloudMessagesOutputBlock'];

/** One answer being written. */
export interface MessageDraft {
  id: string;
  model: string;
  run: ChatRun;
  blocks: readonly Block[];
}

export function messageDraft(model: string, run: ChatRun, blocks: readonly Block[]): MessageDraft {
  return { id: prefixedId('msg_', 12), model, run, blocks };
}

/** A block whole, as in a finished message. */
export function contentBlock(block: Block): OutputBlock {
  switch (block.kind) {
    case 'reasoning':
      return { type: 'thinking', thinking: block.text, signature: null };
    case 'text':
      return { type: 'text', text: block.text };
    case 'tool_call':
      return { type: 'tool_use', id: toolUseId(block.call.id), name: block.call.name, input: JSON.parse(block.call.arguments) as Record<string, unknown>, caller: null };
  }
}

/** A block as `content_block_start` opens it: no text yet, a tool call with an empty input. */
export function openingBlock(block: Block): OutputBlock {
  switch (block.kind) {
    case 'reasoning':
      return { type: 'thinking', thinking: '', signature: '' };
    case 'text':
      return { type: 'text', text: '' };
    case 'tool_call':
      return { type: 'tool_use', id: toolUseId(block.call.id), name: block.call.name, input: {} };
  }
}

export function stopReason(draft: MessageDraft) {
  return toMessagesStopReason(draft.run.generation.choices[0]!.finishReason);
}

/** The message envelope: empty and unfinished (`message_start`), or whole with its stop reason and usage. */
export function messageObject(draft: MessageDraft, finished: boolean): CloudMessage {
  const choice = draft.run.generation.choices[0]!;
  return {
    id: draft.id,
    type: 'message',
    role: 'assistant',
    model: draft.model,
    content: finished ? draft.blocks.map(contentBlock) : [],
    stop_reason: finished ? stopReason(draft) : null,
    stop_sequence: finished ? (choice.stopSequence ?? null) : null,
    usage: { input_tokens: draft.run.input.promptTokens, output_tokens: finished ? draft.run.generation.usage.completionTokens : 0 },
  };
}
