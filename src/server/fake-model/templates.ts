/**
 * @module The word bank's sentence templates, compiled once into units: a word with the space
 * before it (`" the"`, `" {noun}"`, `" {unit}s"`) or a run of punctuation (`","`, `".{digit}"`).
 * A unit starts at a space, or at punctuation right after a letter or a digit, and never ends in
 * whitespace, so every unit boundary is a pre-tokenization piece boundary: a sentence's tokens are
 * its units' tokens one after the other, and each distinct unit text is tokenized once per process.
 */
import type { Rng } from './random.js';
import { tokenizeText, type TokenizedText } from './tokenizer.js';
import {
  ADJECTIVES, ADVERBS, ANSWER_TEMPLATES, BASE_VERBS, CITIES, CONNECTORS, NOUNS, PEOPLE, PLURALS,
  PREPOSITIONS, REASONING_TEMPLATES, UNITS, VERBS,
} from './word-bank.js';

/** One text a unit can take, tokenized on first use. */
export class Fill {
  private cache: TokenizedText | undefined;
  constructor(readonly text: string) {}

  get tokenized(): TokenizedText {
    return (this.cache ??= tokenizeText(this.text));
  }
}

type Unit =
  | { kind: 'fixed'; fill: Fill }
  /** A slot: its texts in the order of its word list, drawn with one `rng.pick`. */
  | { kind: 'slot'; fills: readonly Fill[] }
  /** `a`, written `an` before a vowel (as in "an early model"). */
  | { kind: 'article'; a: Fill; an: Fill };

export interface Template {
  /** The sentence's units where it starts a text or a line, closing punctuation left out. */
  bare: readonly Unit[];
  /** The same after a space (a sentence following another one in a paragraph). */
  spaced: readonly Unit[];
  /** The closing punctuation followed by 0, 1 or 2 newlines: one piece with them. */
  closings: readonly [Fill, Fill, Fill];
}

const range = (min: number, max: number): string[] => Array.from({ length: max - min + 1 }, (_, i) => String(min + i));

/** What each `{slot}` is filled with. A number slot is a range, drawn like `rng.int(min, max)`. */
const SLOTS: Readonly<Record<string, readonly string[]>> = {
  adj: ADJECTIVES,
  noun: NOUNS,
  plural: PLURALS,
  verb: VERBS,
  base: BASE_VERBS,
  adv: ADVERBS,
  prep: PREPOSITIONS,
  Conn: CONNECTORS,
  Person: PEOPLE,
  city: CITIES,
  unit: UNITS,
  num: range(2, 250),
  small: range(2, 9),
  digit: range(0, 9),
  pct: range(3, 97),
  year: range(1990, 2025),
};

const fills = new Map<string, Fill>();
/** The one `Fill` of a text, shared by every template that can produce it. */
function fillOf(text: string): Fill {
  let fill = fills.get(text);
  if (fill === undefined) {
    fill = new Fill(text);
    fills.set(text, fill);
  }
  return fill;
}

/** The first letter of a sentence is a capital. */
const capital = (text: string): string => text.replace(/^( ?)(.)/, (_, space: string, first: string) => space + first.toUpperCase());

type Part = string | { slot: string };

/** Splits a template into units (each a list of literal strings and at most one slot). */
function unitParts(template: string): Part[][] {
  const units: Part[][] = [];
  let unit: Part[] = [];
  let last = '';
  for (const [, slot, char] of template.matchAll(/\{(\w+)\}|([^{])/g)) {
    const punctuation = char !== undefined && /[^\sA-Za-z0-9]/.test(char);
    if (char === ' ' || (punctuation && /[A-Za-z0-9}]/.test(last))) {
      if (unit.length > 0) units.push(unit);
      unit = [];
    }
    if (slot !== undefined) {
      if (unit.some((part) => typeof part !== 'string')) throw new Error(`template unit with two slots: ${template}`);
      if (!(slot in SLOTS)) throw new Error(`unknown slot {${slot}} in: ${template}`);
      unit.push({ slot });
    } else unit.push(char as string);
    last = slot !== undefined ? '}' : (char as string);
  }
  units.push(unit);
  return units;
}

function compileUnit(parts: Part[], leading: string, first: boolean): Unit {
  const render = (value: string) => {
    const text = leading + parts.map((part) => (typeof part === 'string' ? part : value)).join('');
    return first ? capital(text) : text;
  };
  const slot = parts.find((part): part is { slot: string } => typeof part !== 'string');
  if (slot !== undefined) return { kind: 'slot', fills: (SLOTS[slot.slot] as readonly string[]).map((value) => fillOf(render(value))) };
  const text = render('');
  if (/^ ?[Aa]$/.test(text)) return { kind: 'article', a: fillOf(text), an: fillOf(`${text}n`) };
  return { kind: 'fixed', fill: fillOf(text) };
}

function compile(template: string): Template {
  const parts = unitParts(template);
  const closing = parts.pop() as Part[];
  if (!closing.every((part) => typeof part === 'string' && /[^\sA-Za-z0-9]/.test(part))) throw new Error(`template does not end in punctuation: ${template}`);
  const text = closing.join('');
  const rest = parts.slice(1).map((unit) => compileUnit(unit, '', false));
  return {
    bare: [compileUnit(parts[0] as Part[], '', true), ...rest],
    spaced: [compileUnit(parts[0] as Part[], ' ', true), ...rest],
    closings: [fillOf(text), fillOf(`${text}\n`), fillOf(`${text}\n\n`)],
  };
}

export const ANSWERS: readonly Template[] = ANSWER_TEMPLATES.map(compile);
export const REASONING: readonly Template[] = REASONING_TEMPLATES.map(compile);

const startsWithVowel = (fill: Fill): boolean => /^ [aeiou]/.test(fill.text);

/** Where a sentence's texts go; `add` returns false to stop the sentence there. */
export interface SentenceSink {
  add(fill: Fill): boolean;
}

/**
 * One sentence of `template` (closing left out) into `sink`, slots drawn in order. An article goes
 * out with the word after it, since that word decides between `a` and `an`.
 */
export function drawSentence(template: Template, spaced: boolean, rng: Rng, sink: SentenceSink): void {
  let article: Extract<Unit, { kind: 'article' }> | undefined;
  for (const unit of spaced ? template.spaced : template.bare) {
    if (unit.kind === 'article') {
      article = unit;
      continue;
    }
    const fill = unit.kind === 'fixed' ? unit.fill : rng.pick(unit.fills);
    if (article !== undefined && !sink.add(startsWithVowel(fill) ? article.an : article.a)) return;
    article = undefined;
    if (!sink.add(fill)) return;
  }
  if (article !== undefined) sink.add(article.a);
}
