/**
 * @module Plausible English-ish text from the word bank: sentences from templates, paragraphs
 * separated by blank lines and sometimes a numbered list, so that newlines, punctuation and digits
 * occur (clients test stop sequences such as "\n", "." or "3" against them).
 */
import type { Rng } from './random.js';
import { countTokens } from './tokenizer.js';
import {
  ADJECTIVES, ADVERBS, ANSWER_TEMPLATES, BASE_VERBS, CITIES, CONNECTORS, NOUNS, PEOPLE, PLURALS,
  PREPOSITIONS, REASONING_TEMPLATES, UNITS, VERBS,
} from './word-bank.js';

/** Fills one template's `{slot}`s with words drawn from `rng`. */
export function fillTemplate(template: string, rng: Rng): string {
  const filled = template
    .replace(/\{(\w+)\}/g, (_match, slot: string) => slotValue(slot, rng))
    // "a" before a vowel-initial word reads as "an" ("an early model").
    .replace(/\b([Aa]) (?=[aeiou])/g, '$1n ');
  return filled.charAt(0).toUpperCase() + filled.slice(1);
}

function slotValue(slot: string, rng: Rng): string {
  switch (slot) {
    case 'adj': return rng.pick(ADJECTIVES);
    case 'noun': return rng.pick(NOUNS);
    case 'plural': return rng.pick(PLURALS);
    case 'verb': return rng.pick(VERBS);
    case 'base': return rng.pick(BASE_VERBS);
    case 'adv': return rng.pick(ADVERBS);
    case 'prep': return rng.pick(PREPOSITIONS);
    case 'Conn': return rng.pick(CONNECTORS);
    case 'Person': return rng.pick(PEOPLE);
    case 'city': return rng.pick(CITIES);
    case 'unit': return rng.pick(UNITS);
    case 'num': return String(rng.int(2, 250));
    case 'small': return String(rng.int(2, 9));
    case 'digit': return String(rng.int(0, 9));
    case 'pct': return String(rng.int(3, 97));
    case 'year': return String(rng.int(1990, 2025));
    default: return slot;
  }
}

/** One answer-style sentence. */
export function answerSentence(rng: Rng): string {
  return fillTemplate(rng.pick(ANSWER_TEMPLATES), rng);
}

/** One reasoning-style sentence. */
export function reasoningSentence(rng: Rng): string {
  return fillTemplate(rng.pick(REASONING_TEMPLATES), rng);
}

/**
 * An answer of at least `minTokens` tokens: paragraphs of 2 to 4 sentences, a numbered list now
 * and then. It ends at a sentence end, which is where the model "stops naturally".
 */
export function writeAnswer(rng: Rng, minTokens: number, enoughTokens = Number.POSITIVE_INFINITY): string {
  let text = '';
  let tokens = 0;
  // Blocks are appended, so stopping early (once the caller's budget is covered) gives a prefix of
  // the full answer; counting each block alone keeps the loop linear (BPE pieces never span the
  // blank line between blocks).
  while (tokens < Math.min(minTokens, enoughTokens)) {
    const block = (text.length > 0 ? '\n\n' : '') + (text.length > 0 && rng.chance(0.3) ? numberedList(rng) : paragraph(rng));
    text += block;
    tokens += countTokens(block);
  }
  return text;
}

function paragraph(rng: Rng): string {
  const sentences: string[] = [];
  const count = rng.int(2, 4);
  for (let i = 0; i < count; i++) sentences.push(answerSentence(rng));
  return sentences.join(' ');
}

function numberedList(rng: Rng): string {
  const lines: string[] = [];
  const count = rng.int(2, 4);
  for (let i = 1; i <= count; i++) lines.push(`${i}. ${answerSentence(rng)}`);
  return lines.join('\n');
}

/** Reasoning text of at least `minTokens` tokens, one thought per sentence, lines now and then. */
export function writeReasoning(rng: Rng, minTokens: number): string {
  let text = '';
  let tokens = 0;
  while (tokens < minTokens) {
    const separator = text.length === 0 ? '' : rng.chance(0.25) ? '\n' : ' ';
    const sentence = separator + reasoningSentence(rng);
    text += sentence;
    tokens += countTokens(sentence);
  }
  return text;
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
