/**
 * @module An uploaded file's audio metadata, read by `music-metadata` from the bytes in memory
 * without holding the event loop. Its parsers await every read, but reads from memory settle at
 * once, so a whole parse is one turn of the loop: 25 MB of tiny Ogg pages held it for seconds. Here
 * the reads come from strtok3's buffer tokenizer (the one `parseBuffer` uses, so the results are
 * the same) with a turn of the event loop before a read once a slice of work is spent.
 */
import { parseFromTokenizer, type IAudioMetadata, type IOptions } from 'music-metadata';
import { fromBuffer } from 'strtok3';
import { TurnBudget } from '../../../event-loop/turn-budget.js';

export function parseAudioMetadata(bytes: Uint8Array, options: IOptions): Promise<IAudioMetadata> {
  const tokenizer = fromBuffer(bytes, { fileInfo: { size: bytes.byteLength } });
  const budget = new TurnBudget();
  const peek = tokenizer.peekBuffer.bind(tokenizer);
  // Every read of the tokenizer (readBuffer, tokens, numbers) goes through peekBuffer.
  tokenizer.peekBuffer = async (target, readOptions) => {
    if (budget.spent()) await budget.nextTurn();
    return peek(target, readOptions);
  };
  return parseFromTokenizer(tokenizer, options);
}
