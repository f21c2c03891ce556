/**
 * @module Strings that match a regular expression, for JSON Schema `pattern`. Covers the subset
 * schemas use in practice (literals, escapes, classes, groups, alternation, quantifiers);
 * lookarounds and backreferences produce nothing, and the caller checks the result with the real
 * RegExp, so an unsupported pattern costs a retry, never a wrong answer.
 */
import type { Rng } from './random.js';
import { CHECKED_CHARS, linearPattern } from './linear-pattern.js';

type Node =
  | { kind: 'chars'; ranges: Array<[number, number]> }
  | { kind: 'seq'; items: Node[] }
  | { kind: 'alt'; options: Node[] }
  | { kind: 'repeat'; node: Node; min: number; max: number }
  | { kind: 'empty' };

/** How far an open-ended quantifier (`*`, `+`, `{n,}`) runs past its minimum. */
const OPEN_REPEAT = 3;

/**
 * Characters and repetitions one rendering may take. A pattern asks for more only with counts no
 * schema means literally (`a{1000000000}`, or `(a{1000}){1000}{1000}`): it gets no string, as an
 * unsupported one does, rather than holding the event loop and the server's memory.
 */
const MAX_RENDER_STEPS = 1 << 18;

class TooLong extends Error {}

const PRINTABLE: Array<[number, number]> = [[0x20, 0x7e]];
const DIGITS: Array<[number, number]> = [[0x30, 0x39]];
const WORD: Array<[number, number]> = [[0x30, 0x39], [0x41, 0x5a], [0x5f, 0x5f], [0x61, 0x7a]];
const SPACE: Array<[number, number]> = [[0x20, 0x20]];
const SPACE_SET: Array<[number, number]> = [[0x09, 0x0d], [0x20, 0x20]];
/** `.` draws letters and digits: any char would do, readable ones look better. */
const DOT: Array<[number, number]> = [[0x30, 0x39], [0x61, 0x7a]];

class Parser {
  private pos = 0;
  constructor(private readonly source: string) {}

  parse(): Node {
    const node = this.alternation();
    return node;
  }

  private peek(): string | undefined {
    return this.source[this.pos];
  }

  private alternation(): Node {
    const options: Node[] = [this.sequence()];
    while (this.peek() === '|') {
      this.pos++;
      options.push(this.sequence());
    }
    return options.length === 1 ? (options[0] as Node) : { kind: 'alt', options };
  }

  private sequence(): Node {
    const items: Node[] = [];
    while (this.pos < this.source.length && this.peek() !== '|' && this.peek() !== ')') {
      const atom = this.atom();
      items.push(this.quantified(atom));
    }
    return { kind: 'seq', items };
  }

  private quantified(atom: Node): Node {
    const c = this.peek();
    let min: number;
    let max: number;
    if (c === '*') { min = 0; max = OPEN_REPEAT; this.pos++; }
    else if (c === '+') { min = 1; max = 1 + OPEN_REPEAT; this.pos++; }
    else if (c === '?') { min = 0; max = 1; this.pos++; }
    else if (c === '{') {
      const match = /^\{(\d+)(,(\d*))?\}/.exec(this.source.slice(this.pos));
      if (!match) return atom; // a literal "{"; atom() consumes it next time round
      this.pos += match[0].length;
      min = Number(match[1]);
      max = match[2] === undefined ? min : match[3] === '' || match[3] === undefined ? min + OPEN_REPEAT : Number(match[3]);
    } else return atom;
    if (this.peek() === '?' || this.peek() === '+') this.pos++; // lazy / possessive: same strings
    return { kind: 'repeat', node: atom, min, max };
  }

  private atom(): Node {
    const c = this.source[this.pos++] as string;
    switch (c) {
      case '(': {
        let lookaround = false;
        if (this.source.startsWith('?:', this.pos)) this.pos += 2;
        else if (/^\?<?[=!]/.test(this.source.slice(this.pos))) {
          lookaround = true;
          this.pos += this.source[this.pos + 1] === '<' ? 3 : 2;
        } else if (/^\?<\w+>/.test(this.source.slice(this.pos))) {
          this.pos = this.source.indexOf('>', this.pos) + 1;
        }
        const inner = this.alternation();
        if (this.peek() === ')') this.pos++;
        return lookaround ? { kind: 'empty' } : inner;
      }
      case '[': return this.charClass();
      case '.': return { kind: 'chars', ranges: DOT };
      case '^':
      case '$': return { kind: 'empty' };
      case '\\': return this.escape(false) ?? { kind: 'empty' };
      default: return literal(c.codePointAt(0) as number);
    }
  }

  /** After a backslash. Inside a class, `\b` is a backspace; outside it is a word boundary. */
  private escape(inClass: boolean): Node | undefined {
    const c = this.source[this.pos++];
    switch (c) {
      case undefined: return literal(0x5c);
      case 'd': return { kind: 'chars', ranges: DIGITS };
      case 'D': return { kind: 'chars', ranges: complement(DIGITS) };
      case 'w': return { kind: 'chars', ranges: WORD };
      case 'W': return { kind: 'chars', ranges: complement(WORD) };
      case 's': return { kind: 'chars', ranges: SPACE };
      case 'S': return { kind: 'chars', ranges: complement(SPACE_SET) };
      case 'b': return inClass ? literal(0x08) : undefined;
      case 'B': return undefined;
      case 'n': return literal(0x0a);
      case 't': return literal(0x09);
      case 'r': return literal(0x0d);
      case 'f': return literal(0x0c);
      case 'v': return literal(0x0b);
      case '0': return literal(0);
      case 'x': {
        const hex = this.source.slice(this.pos, this.pos + 2);
        this.pos += 2;
        return literal(parseInt(hex, 16));
      }
      case 'u': {
        if (this.peek() === '{') {
          const end = this.source.indexOf('}', this.pos);
          const code = parseInt(this.source.slice(this.pos + 1, end), 16);
          this.pos = end + 1;
          return literal(code);
        }
        const hex = this.source.slice(this.pos, this.pos + 4);
        this.pos += 4;
        return literal(parseInt(hex, 16));
      }
      case 'p':
      case 'P': {
        // Unicode property classes: letters are the useful approximation.
        if (this.peek() === '{') this.pos = this.source.indexOf('}', this.pos) + 1;
        return { kind: 'chars', ranges: c === 'p' ? [[0x41, 0x5a], [0x61, 0x7a]] : DIGITS };
      }
      default:
        if (/[1-9]/.test(c)) return undefined; // backreference: unsupported
        return literal(c.codePointAt(0) as number);
    }
  }

  private charClass(): Node {
    let negated = false;
    if (this.peek() === '^') { negated = true; this.pos++; }
    const ranges: Array<[number, number]> = [];
    let first = true;
    while (this.pos < this.source.length && (this.peek() !== ']' || first)) {
      first = false;
      const low = this.classAtom();
      if (this.peek() === '-' && this.source[this.pos + 1] !== ']' && this.source[this.pos + 1] !== undefined && low.length === 1 && low[0]?.[0] === low[0]?.[1]) {
        this.pos++;
        const high = this.classAtom();
        const from = low[0]?.[0] as number;
        const to = high[0]?.[1] as number;
        if (to >= from) ranges.push([from, to]);
        else ranges.push(...low, ...high);
      } else ranges.push(...low);
    }
    this.pos++; // ']'
    return { kind: 'chars', ranges: negated ? complement(ranges) : ranges };
  }

  private classAtom(): Array<[number, number]> {
    const c = this.source[this.pos++] as string;
    if (c !== '\\') return [[c.codePointAt(0) as number, c.codePointAt(0) as number]];
    const node = this.escape(true);
    return node?.kind === 'chars' ? node.ranges : [];
  }
}

function literal(code: number): Node {
  return { kind: 'chars', ranges: [[code, code]] };
}

/** Printable ASCII not in `ranges` (enough for negated classes in schema patterns). */
function complement(ranges: Array<[number, number]>): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let code = PRINTABLE[0]?.[0] as number; code <= (PRINTABLE[0]?.[1] as number); code++) {
    if (!ranges.some(([lo, hi]) => code >= lo && code <= hi)) out.push([code, code]);
  }
  return out;
}

function render(node: Node, rng: Rng, steps: { left: number }): string {
  switch (node.kind) {
    case 'empty': return '';
    case 'chars': {
      if (--steps.left < 0) throw new TooLong();
      if (node.ranges.length === 0) return '';
      const total = node.ranges.reduce((sum, [lo, hi]) => sum + hi - lo + 1, 0);
      let index = rng.int(0, total - 1);
      for (const [lo, hi] of node.ranges) {
        const size = hi - lo + 1;
        if (index < size) return String.fromCodePoint(lo + index);
        index -= size;
      }
      return '';
    }
    case 'seq': return node.items.map((item) => render(item, rng, steps)).join('');
    case 'alt': return render(rng.pick(node.options), rng, steps);
    case 'repeat': {
      const count = rng.int(node.min, node.max);
      let out = '';
      for (let i = 0; i < count; i++) {
        if (--steps.left < 0) throw new TooLong();
        out += render(node.node, rng, steps);
      }
      return out;
    }
  }
}

/**
 * A string that the pattern matches (the pattern is searched, not anchored, as in JSON Schema),
 * or undefined when a few tries do not produce one.
 */
export function sampleFromPattern(pattern: string, rng: Rng): string | undefined {
  // A candidate is checked on RE2's engine: a pattern it cannot run gives no sample.
  const regex = linearPattern(pattern);
  if (regex === null) return undefined;
  let tree: Node;
  try {
    tree = new Parser(pattern).parse();
  } catch {
    return undefined;
  }
  for (let attempt = 0; attempt < 8; attempt++) {
    let candidate: string;
    try {
      candidate = render(tree, attempt === 0 ? rng : rng.fork(`pattern-${attempt}`), { left: MAX_RENDER_STEPS });
    } catch (error) {
      if (error instanceof TooLong) return undefined;
      throw error;
    }
    if (candidate.length > CHECKED_CHARS || regex.test(candidate)) return candidate;
  }
  return undefined;
}
