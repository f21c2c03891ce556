/**
 * @module The prompt as tokens with log probabilities, for APIs that can return it (LMI's
 * `decoder_input_details`, TGI's `prefill`): the first token has none (nothing comes before it), the
 * others follow the same rule as generated tokens, drawn from the server seed and the prompt, so
 * the same prompt always gets the same figures. A prompt may fill a whole context (megabytes): it
 * is hashed, tokenized and annotated in the caller's turn budget, as an answer's logprobs are.
 */
import { mapInTurns, type TurnBudget } from '../../event-loop/turn-budget.js';
import { tokenWithLogprobs, type GeneratedToken } from './logprobs.js';
import { mixSeeds, Rng, StringHash } from './random.js';
import { tokenizeInTurns } from './tokenizer.js';

/** Characters hashed between looks at the clock: well under a millisecond. */
const hashChars = 1 << 16;

export async function promptLogprobs(prompt: string, seed: number, budget: TurnBudget): Promise<GeneratedToken[]> {
  // The hash of the parts is the hash of the whole (hashString).
  const hash = new StringHash();
  for (let start = 0; start < prompt.length; start += hashChars) {
    if (budget.spent()) await budget.nextTurn();
    hash.add(prompt.slice(start, start + hashChars));
  }
  const rng = new Rng(mixSeeds(seed, hash.digest()));
  const tokens = await mapInTurns(await tokenizeInTurns(prompt, budget), (piece, position) => tokenWithLogprobs(piece, position, 0, rng), budget);
  const first = tokens[0];
  if (first) delete first.logprob;
  return tokens;
}
