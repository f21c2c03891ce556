/**
 * @module The prompt as tokens with log probabilities, for APIs that can return it (LMI's
 * `decoder_input_details`, TGI's `prefill`): the first token has none (nothing comes before it), the
 * others follow the same rule as generated tokens, drawn from the server seed and the prompt, so
 * the same prompt always gets the same figures.
 */
import { withLogprobs, type GeneratedToken } from './logprobs.js';
import { hashString, mixSeeds, Rng } from './random.js';
import { tokenize } from './tokenizer.js';

export function promptLogprobs(prompt: string, seed: number): GeneratedToken[] {
  const tokens = withLogprobs(tokenize(prompt), 0, new Rng(mixSeeds(seed, hashString(prompt))));
  const first = tokens[0];
  if (first) delete first.logprob;
  return tokens;
}
