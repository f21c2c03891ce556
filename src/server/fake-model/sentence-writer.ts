/**
 * @module Plausible English-ish text from the word bank: sentences from templates, paragraphs
 * separated by blank lines and sometimes a numbered list, so that newlines, punctuation and digits
 * occur (clients test stop sequences such as "\n", "." or "3" against them). The text comes with
 * its tokens, put together from the templates' pre-tokenized units as it is written.
 */
import type { Rng } from './random.js';
import { ANSWERS, drawSentence, Fill, REASONING, type SentenceSink, type Template } from './templates.js';
import { countTokens, type TokenizedText, type TokenPiece } from './tokenizer.js';

/** Text and tokens written so far. */
class Draft implements SentenceSink {
  /** Joined once at the end: `+=` per part would leave the answer's text a chain of a string per part, which a stream holds to its end. */
  private readonly texts: string[] = [];
  readonly tokens: TokenPiece[] = [];
  readonly pieceStarts: boolean[] = [];
  /** The last sentence's closing, held back: it is one piece with the newlines that may follow it. */
  private closings: Template['closings'] | undefined;

  /** `budget`: tokens the caller keeps; writing stops once more than that many are final. */
  constructor(private readonly budget: number | undefined) {}

  get full(): boolean {
    return this.budget !== undefined && this.tokens.length > this.budget;
  }

  add(fill: Fill): boolean {
    const part = fill.tokenized;
    this.texts.push(part.text);
    for (let i = 0; i < part.tokens.length; i++) {
      this.tokens.push(part.tokens[i] as TokenPiece);
      this.pieceStarts.push(part.pieceStarts[i] as boolean);
    }
    return !this.full;
  }

  /** Ends the held-back sentence, followed by `newlines` newlines. */
  close(newlines: 0 | 1 | 2): void {
    if (this.closings === undefined) return;
    this.add(this.closings[newlines]);
    this.closings = undefined;
  }

  /** A sentence; its closing is held back unless the draft filled up first. */
  sentence(template: Template, spaced: boolean, rng: Rng): void {
    drawSentence(template, spaced, rng, this);
    if (!this.full) this.closings = template.closings;
  }

  done(): TokenizedText {
    this.close(0);
    return { text: this.texts.join(''), tokens: this.tokens, pieceStarts: this.pieceStarts, joined: true };
  }
}

/**
 * Natural lengths count each block (of reasoning: each sentence) as if it stood alone, its leading
 * newlines a token of their own and its closing not merged with them.
 */
const NEWLINES_ALONE = [0, countTokens('\n'), countTokens('\n\n')] as const;
const closingAlone = (template: Template): number => template.closings[0].tokenized.tokens.length;

/** `1.`, `2.`, ... of numbered lists. */
const listMarks: Fill[] = [];
const listMark = (number: number): Fill => (listMarks[number] ??= new Fill(`${number}.`));

/** One answer-style sentence. */
export function answerSentence(rng: Rng): string {
  const draft = new Draft(undefined);
  draft.sentence(rng.pick(ANSWERS), false, rng);
  return draft.done().text;
}

/**
 * An answer of at least `minTokens` tokens: paragraphs of 2 to 4 sentences, a numbered list now
 * and then. It ends at a sentence end, which is where the model "stops naturally". With a
 * `budget` it stops as soon as more than `budget` of its tokens are final: the text is only ever
 * appended to, so that is a prefix of the full answer, and the caller keeps `budget` tokens.
 */
export function writeAnswer(rng: Rng, minTokens: number, budget?: number): TokenizedText {
  const draft = new Draft(budget);
  let counted = 0;
  while (counted < minTokens) {
    const first = draft.tokens.length === 0;
    const list = !first && rng.chance(0.3);
    draft.close(first ? 0 : 2);
    const start = draft.tokens.length;
    const count = rng.int(2, 4);
    let template = ANSWERS[0] as Template;
    for (let i = 1; i <= count; i++) {
      draft.close(list ? 1 : 0);
      if (list) draft.add(listMark(i));
      template = rng.pick(ANSWERS);
      draft.sentence(template, list || i > 1, rng);
      if (draft.full) return draft.done();
    }
    counted += NEWLINES_ALONE[first ? 0 : 2] + draft.tokens.length - start + closingAlone(template);
  }
  return draft.done();
}

/** Reasoning text of at least `minTokens` tokens, one thought per sentence, lines now and then. */
export function writeReasoning(rng: Rng, minTokens: number, budget?: number): TokenizedText {
  const draft = new Draft(budget);
  let counted = 0;
  while (counted < minTokens && !draft.full) {
    const first = draft.tokens.length === 0;
    const newline = !first && rng.chance(0.25);
    draft.close(newline ? 1 : 0);
    const start = draft.tokens.length;
    const template = rng.pick(REASONING);
    draft.sentence(template, !first && !newline, rng);
    counted += NEWLINES_ALONE[newline ? 1 : 0] + draft.tokens.length - start + closingAlone(template);
  }
  return draft.done();
}

/** Exactly `count` words of running text, capitalised and punctuated as sentences. */
export function writeWords(rng: Rng, count: number): string {
  const words: string[] = [];
  while (words.length < count) {
    for (const word of answerSentence(rng).split(' ')) if (words.length < count) words.push(word);
  }
  if (words.length === 0) return '';
  const last = words.length - 1;
  words[last] = (words[last] as string).replace(/[.,;:]+$/, '') + '.';
  return words.join(' ');
}
