/**
 * The typed `stop_sequences` parameter in the three encodings clients send (no server source
 * settles which one the service reads, so all are read): the documented single string (`str`,
 * empty for none), several quoted items joined by commas (`str`, `"a","b"`: LangChain's old
 * Sambaverse client), and Python's rendering of a list (`list`, `['a', 'b']`: LangChain community).
 * @module
 */
import { NativeRequestError } from './native-error.js';

const valuePath = '/body/params/stop_sequences/value';

/** `"a","b"` (JSON-style double-quoted items joined by commas, spaces allowed around the commas). */
const quotedItems = /^\s*"(?:[^"\\]|\\.)*"(?:\s*,\s*"(?:[^"\\]|\\.)*")*\s*$/s;

/** The stop sequences of a typed `stop_sequences` parameter, as a list without empty strings. */
export function readTypedStopSequences(type: string, value: string): string[] {
  if (type === 'list') {
    const items = parsePythonStringList(value);
    if (items === undefined) {
      throw new NativeRequestError({
        path: valuePath,
        rule: 'pattern',
        expected: "Python's text form of a list of strings, for example \"['###', 'User:']\"",
        received: `${JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value)}, which is not a list of quoted strings`,
      });
    }
    return items.filter((item) => item.length > 0);
  }
  if (quotedItems.test(value)) {
    try {
      return (JSON.parse(`[${value}]`) as string[]).filter((item) => item.length > 0);
    } catch {
      // An escape JSON does not know (`"\q"`): the text is one stop sequence as written.
    }
  }
  return value.length > 0 ? [value] : [];
}

/**
 * A Python list literal of string literals (`['a', "b\\n"]`), as `str(list)` prints it, or
 * undefined when `text` is anything else. Python's escapes are honoured (`\n`, `\t`, `\\`, `\'`,
 * `\xhh`, `\uhhhh`, `\Uhhhhhhhh`).
 */
export function parsePythonStringList(text: string): string[] | undefined {
  let i = 0;
  const skipSpace = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  skipSpace();
  if (text[i] !== '[') return undefined;
  i++;
  const items: string[] = [];
  for (;;) {
    skipSpace();
    if (text[i] === ']') break;
    const item = readPythonString();
    if (item === undefined) return undefined;
    items.push(item);
    skipSpace();
    if (text[i] === ',') {
      i++;
      continue;
    }
    if (text[i] === ']') break;
    return undefined;
  }
  i++;
  skipSpace();
  return i === text.length ? items : undefined;

  function readPythonString(): string | undefined {
    const quote = text[i];
    if (quote !== "'" && quote !== '"') return undefined;
    i++;
    let out = '';
    while (i < text.length && text[i] !== quote) {
      const char = text[i]!;
      if (char !== '\\') {
        out += char;
        i++;
        continue;
      }
      const escaped = readEscape(text, i + 1);
      if (escaped === undefined) return undefined;
      out += escaped.text;
      i = escaped.next;
    }
    if (text[i] !== quote) return undefined;
    i++;
    return out;
  }
}

const simpleEscapes: Readonly<Record<string, string>> = { n: '\n', r: '\r', t: '\t', '\\': '\\', "'": "'", '"': '"', '0': '\0', a: '\x07', b: '\b', f: '\f', v: '\v' };
const hexEscapeLength: Readonly<Record<string, number>> = { x: 2, u: 4, U: 8 };

function readEscape(text: string, at: number): { text: string; next: number } | undefined {
  const letter = text[at];
  if (letter === undefined) return undefined;
  const simple = simpleEscapes[letter];
  if (simple !== undefined) return { text: simple, next: at + 1 };
  const length = hexEscapeLength[letter];
  if (length === undefined) return { text: `\\${letter}`, next: at + 1 }; // Python keeps unknown escapes as written
  const hex = text.slice(at + 1, at + 1 + length);
  if (hex.length !== length || !/^[0-9a-fA-F]+$/.test(hex)) return undefined;
  const codePoint = Number.parseInt(hex, 16);
  if (codePoint > 0x10ffff) return undefined;
  return { text: String.fromCodePoint(codePoint), next: at + 1 + length };
}
