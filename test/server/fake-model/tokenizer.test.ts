import { encode } from 'gpt-tokenizer/encoding/cl100k_base';
import { CL100K_TOKEN_SPLIT_REGEX } from 'gpt-tokenizer/encodingParams/constants';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/server/fake-model/random.js';
import { PieceCursor } from '../../../src/server/fake-model/pre-tokenizer.js';
import { countTokens, countTokensUpTo, tokenize, tokenizeInTurns, tokenizeText, tokensBefore } from '../../../src/server/fake-model/tokenizer.js';
import { CountingBudget } from './helpers.js';

/** The library's own answer, special-token markers counted as text (as the fake model counts them). */
const reference = (text: string) => encode(text, { disallowedSpecial: new Set() });
/** End offsets of the pieces of `text`, in order, and whether it is ASCII. */
function pieceEnds(text: string): { ends: number[]; ascii: boolean } {
  const ends: number[] = [];
  const cursor = new PieceCursor(text);
  while (!cursor.done) ends.push(cursor.next());
  return { ends, ascii: cursor.ascii };
}
const ids = (text: string) => tokenizeText(text).tokens.map((token) => token.id);

const TRICKY = [
  '', ' ', '  ', '\n', '\n\n', '\r\n', ' \n ', '\t\tx', 'a  b', 'a \n\n b', 'end   ', 'x.\n\ny', 'x.\n \ny',
  "don't", "I'LL", "'s", "'sx", "we've", "they're", "O'Neil", "''", "'", "'l", "'Ll",
  '1', '12', '123', '1234', '1234567', '3.14159', '1,000,000', ' 42', 'v2.0-beta', '2024-01-01T00:00:00Z',
  '...', '?!', ' --', ' (x)', '"quoted"', '#$%&', '\u0000\u0001\u001f\u007f', '{"a":[1,2,{"b":null}]}',
  '<|endoftext|>', 'a<|endoftext|>b', '<|im_start|>user', '<|fim_prefix|>',
  'café', 'naïve résumé', 'Zürich', '東京タワー', '😀😀 ok', 'x\u00a0y', 'a\u2028b', '٣٤٥', 'ſ', '\ud83d', 'e\u0301',
  'Hello world', 'unbelievably tokenizable', 'system: Answer in two sentences at most.\nuser: Why is the sky blue?\nassistant:',
];

/** Strings made of atoms that stress the split rules, ASCII only or not. */
function randomText(rng: Rng, ascii: boolean): string {
  const atoms = [
    'a', 'Z', 'the', ' word', "'", 's', 'll', 'VE', 're', ' ', '  ', '\t', '\n', '\r', '\n\n', '\v', '\f', '.', ',', '!', '(', ')',
    '-', '_', '0', '7', '42', '2025', '"', '<|endoftext|>', '\u0000', '\u007f', '{', '}', '$',
    ...(ascii ? [] : ['é', '日本', '😀', '\u00a0', '\u2028', '٣', 'ſ', '\u0301']),
  ];
  let text = '';
  for (let i = rng.int(0, 14); i > 0; i--) text += rng.pick(atoms);
  return text;
}

describe('piece tokenizer', () => {
  it('agrees with gpt-tokenizer on tricky strings', () => {
    for (const text of TRICKY) {
      expect(ids(text), JSON.stringify(text)).toEqual(reference(text));
      expect(countTokens(text), JSON.stringify(text)).toBe(reference(text).length);
    }
  });

  it('agrees with gpt-tokenizer on thousands of generated strings', () => {
    const rng = new Rng(7);
    for (let i = 0; i < 4000; i++) {
      const text = randomText(rng, i % 3 !== 0);
      expect(ids(text), JSON.stringify(text)).toEqual(reference(text));
      expect(countTokens(text), JSON.stringify(text)).toBe(reference(text).length);
    }
  });

  it('splits ASCII text with its own scanner, the same pieces as the regex', () => {
    expect(pieceEnds('Hello, world!').ascii).toBe(true);
    expect(pieceEnds('héllo').ascii).toBe(false);
    const rng = new Rng(8);
    for (let i = 0; i < 2000; i++) {
      const text = randomText(rng, true);
      const regexEnds: number[] = [];
      let end = 0;
      for (const [piece] of text.matchAll(CL100K_TOKEN_SPLIT_REGEX)) regexEnds.push((end += piece.length));
      expect(pieceEnds(text).ends, JSON.stringify(text)).toEqual(regexEnds);
    }
  });

  it('marks where pieces start and whether token texts join up to the text', () => {
    const tokenized = tokenizeText(' datasets, 2025.');
    expect(tokenized.joined).toBe(true);
    expect(tokenized.tokens.map((token) => token.text).join('')).toBe(' datasets, 2025.');
    expect(tokenized.pieceStarts[0]).toBe(true);
    expect(tokenized.pieceStarts.filter(Boolean)).toHaveLength(6); // " datasets" "," " " "202" "5" "."
    expect(tokenizeText('日本').joined).toBe(false);
  });

  it('gives each token its UTF-8 bytes, as one shared frozen object per id', () => {
    const [first] = tokenizeText(' blue').tokens;
    const [again] = tokenizeText(' blue sky').tokens;
    expect(first).toBe(again);
    expect(first?.bytes).toEqual([...Buffer.from(' blue')]);
    expect(Object.isFrozen(first)).toBe(true);
  });

  it('counts multi-line text as the sum of its lines, each counted once', () => {
    const text = 'system: Be brief.\nuser: Why?\n\n  indented\n.dot\n1. item\nassistant:';
    expect(countTokens(text)).toBe(reference(text).length);
    expect(countTokens(text)).toBe(reference(text).length);
    expect(countTokens('x\n'.repeat(500))).toBe(reference('x\n'.repeat(500)).length);
  });
});

describe('runs of line breaks, counted in slices', () => {
  /**
   * Lines of 300 characters of spaces and `\r\n` (`q` after each), a token every few characters:
   * the library takes milliseconds over each of their pieces, which no earlier test encoded.
   */
  const slowLines = (space: string) => Array.from({ length: 12 }, (_, i) => `${space.repeat(i + 1)}\r\n`.repeat(Math.ceil(300 / (i + 3)))).join('q');

  it('wait for the next turn after each piece the library encodes, to the count of one pass', async () => {
    const text = slowLines(' ');
    const budget = new CountingBudget();
    const counted = await countTokensUpTo(text, Infinity, budget);
    expect(budget.turns).toBeGreaterThanOrEqual(12);
    expect(counted).toBe(countTokens(text));
  });

  it('in one line met for the first time wait for the next turn after each piece the library encodes, to the count of one pass', async () => {
    // One line (a run of whitespace, then a newline before a letter) of 16 pieces, each new to the library.
    const line = Array.from({ length: 16 }, (_, i) => `${'\n'.repeat(i + 1)}\v`.repeat(Math.ceil(250 / (i + 2)))).join('');
    const text = `${line}\nq`;
    const budget = new CountingBudget();
    const counted = await countTokensUpTo(text, Infinity, budget);
    expect(budget.turns).toBeGreaterThanOrEqual(12);
    // Counted again from the remembered line.
    expect(counted).toBe(countTokens(text));
  });

  it('are tokenized waiting for the next turn after each piece the library encodes, to the tokens of one pass', async () => {
    const text = slowLines('\t');
    const budget = new CountingBudget();
    const tokens = await tokenizeInTurns(text, budget);
    expect(budget.turns).toBeGreaterThanOrEqual(12);
    expect(tokens).toEqual(tokenize(text));
  });
});

describe('tokens of a cut text', () => {
  it('are those of the cut text re-tokenized, at every cut of generated strings', () => {
    const rng = new Rng(9);
    for (let i = 0; i < 300; i++) {
      const written = tokenizeText(randomText(rng, true) + randomText(rng, true));
      for (let end = 0; end <= written.text.length; end++) {
        const cut = written.text.slice(0, end);
        expect(tokensBefore(written, end).map((token) => token.id), JSON.stringify(cut)).toEqual(reference(cut));
      }
    }
  });
});
