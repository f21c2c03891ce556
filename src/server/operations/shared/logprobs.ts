/**
 * @module Log probabilities in the three wire forms: OpenAI's `{content: [...]}` object (SambaStudio,
 * Cloud, vLLM), the same object with code points and only the chosen token as alternative (LMI
 * rolling batch, whole answers), and LMI's rolling-batch stream form, an array around the object whose
 * `top_logprobs[].token` holds the log probability instead of the text (a formatter bug the vendor
 * documents).
 */
import type { GeneratedToken } from '../../fake-model/index.js';
import type { WireStyle } from './wire-style.js';

type LogprobStyle = WireStyle['logprobs'];

export interface TopLogprobEntry {
  token: string;
  logprob: number;
  bytes: number[];
}

export interface TokenLogprobEntry extends TopLogprobEntry {
  top_logprobs: TopLogprobEntry[];
}

/** `ord(c)` for every character, as LMI's rolling batch fills `bytes`. */
function codePoints(text: string): number[] {
  return Array.from(text, (char) => char.codePointAt(0) ?? 0);
}

function bytesOf(text: string, bytes: number[], style: LogprobStyle): number[] {
  return style.bytes === 'utf8' ? bytes : codePoints(text);
}

/** One token's entry; `undefined` when the token carries no logprob (logprobs were not asked for). */
export function tokenLogprob(token: GeneratedToken, style: LogprobStyle): TokenLogprobEntry | undefined {
  if (token.logprob === undefined) return undefined;
  const self: TopLogprobEntry = { token: token.text, logprob: token.logprob, bytes: bytesOf(token.text, token.bytes, style) };
  const top =
    style.top === 'self-only'
      ? [self]
      : (token.topLogprobs ?? []).map((alt) => ({ token: alt.text, logprob: alt.logprob, bytes: bytesOf(alt.text, alt.bytes, style) }));
  return { ...self, top_logprobs: top };
}

/** A whole answer's `logprobs`: the object over its content tokens, or null when not asked for. */
export function answerLogprobs(tokens: readonly GeneratedToken[], asked: boolean, style: LogprobStyle): { content: TokenLogprobEntry[] } | null {
  if (!asked) return null;
  const content: TokenLogprobEntry[] = [];
  for (const token of tokens) {
    const entry = tokenLogprob(token, style);
    if (entry) content.push(entry);
  }
  return { content };
}

/** A stream chunk's `logprobs` for one content token, in the style's streamed form; null without logprob. */
export function chunkLogprobs(token: GeneratedToken, style: LogprobStyle): unknown {
  const entry = tokenLogprob(token, style);
  if (!entry) return null;
  if (style.streamed === 'object') return { content: [entry] };
  // LMI rolling batch: `logprobs` became a tuple by a trailing comma, and the log probability is
  // written where the alternative's token text belongs.
  return [{ content: [{ ...entry, top_logprobs: entry.top_logprobs.map((alt) => ({ token: alt.logprob, logprob: alt.logprob, bytes: alt.bytes })) }] }];
}
