/**
 * @module An answer as the typed blocks the Responses and Messages APIs send (reasoning, then the
 * text or the tool calls), and the paced walk over them that their streams (and the completions
 * stream) are written from: a block opens at its first token's time, each token is one delta sent
 * at its step of the run's pace plan, and the tokens of a tool's name, which have no delta of their
 * own, go out with the next one. The steps walked are the chat core's timeline, so a streamed and a
 * whole answer count the same tokens.
 */
import { countTokens, FinishReason, type Choice, type GeneratedToken, type ToolCall } from '../../../fake-model/index.js';
import type { ChatRun } from './chat-run.js';

export type Block =
  | { kind: 'reasoning'; text: string; tokens: readonly GeneratedToken[] }
  | { kind: 'text'; text: string; tokens: readonly GeneratedToken[] }
  | { kind: 'tool_call'; call: ToolCall };

/**
 * The blocks of a choice. A text block is always there unless the model called tools, or its
 * reasoning used up the whole budget (then there is nothing to put in it).
 */
export function blocksOf(choice: Choice): Block[] {
  const blocks: Block[] = [];
  if (choice.reasoning) blocks.push({ kind: 'reasoning', text: choice.reasoning.text, tokens: choice.reasoning.tokens });
  if (choice.toolCalls.length > 0) {
    for (const call of choice.toolCalls) blocks.push({ kind: 'tool_call', call });
  } else if (!(choice.reasoning && choice.tokens.length === 0 && choice.finishReason === FinishReason.MaxTokens)) {
    blocks.push({ kind: 'text', text: choice.text, tokens: choice.tokens });
  }
  return blocks;
}

export type BlockEvent =
  | { type: 'open'; index: number; block: Block }
  | { type: 'delta'; index: number; block: Block; text: string; token: GeneratedToken }
  | { type: 'close'; index: number; block: Block };

/** The tokens of a block in generation order; a tool name's tokens are `undefined` (no text of their own). */
function stepsOf(block: Block): Array<GeneratedToken | undefined> {
  if (block.kind !== 'tool_call') return [...block.tokens];
  return [...Array.from({ length: countTokens(block.call.name) }, () => undefined), ...block.call.tokens];
}

/**
 * Walks `blocks` (the first choice's, from `blocksOf`) at the run's pace, recording every token sent
 * on the run's clock. Rejects with the abort reason when `signal` aborts while waiting (the timer
 * is cleared).
 */
export async function* walkBlocks(run: ChatRun, blocks: readonly Block[], signal: AbortSignal): AsyncGenerator<BlockEvent> {
  let step = 0;
  let pending = 0;
  for (const [index, block] of blocks.entries()) {
    let open = false;
    for (const token of stepsOf(block)) {
      await run.clock.untilStep(step++, signal);
      pending++;
      if (token === undefined) continue;
      if (!open) {
        open = true;
        yield { type: 'open', index, block };
      }
      run.clock.record(pending);
      pending = 0;
      yield { type: 'delta', index, block, text: token.text, token };
    }
    if (!open) {
      // A block without tokens (an empty answer, cut by a stop sequence at once) opens and closes
      // when the step before it was due: at the time to first token if it is the only one.
      await run.clock.untilStep(Math.max(0, step - 1), signal);
      yield { type: 'open', index, block };
    }
    if (pending > 0) {
      run.clock.record(pending);
      pending = 0;
    }
    yield { type: 'close', index, block };
  }
}
