/**
 * A long prompt string of a body parsed in slices is counted from the pieces the parse kept, a
 * window at a time: its first read would copy it into one flat string in one turn of the event loop
 * (12 M characters: 30-60 ms). Shown without timings: over real HTTP, no string method or regular
 * expression of the server is ever given a string of a million characters while it refuses or
 * counts such a prompt, and the count is the whole string's, token for token, wherever the
 * pieces are cut.
 */
import { request } from 'node:http';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countTokens, countTokensUpTo, type CountedText } from '../../src/server/fake-model/tokenizer.js';
import { TurnBudget } from '../../src/event-loop/turn-budget.js';
import { countTextsUpTo } from '../../src/server/operations/shared/context-limit.js';
import { joinTexts, promptTurns } from '../../src/server/operations/shared/prompt.js';
import { readChatInput } from '../../src/server/operations/shared/chat-input.js';
import { cloudChatProfile } from '../../src/server/operations/openai-chat/profiles/cloud.js';
import { generate } from '../../src/server/fake-model/index.js';
import { canonicalJson, StringPieces } from '../../src/server/fake-model/json-writer.js';
import { parseJsonBody, textPieces } from '../../src/server/json-body.js';
import { useServer } from '../helpers/server.js';

/** Strings this long are kept in pieces by a sliced parse (json-body's `piecedChars`). */
const long = 1 << 20;

const readingMethods = ['at', 'charAt', 'charCodeAt', 'codePointAt', 'endsWith', 'includes', 'indexOf', 'lastIndexOf', 'localeCompare', 'match', 'matchAll', 'normalize', 'padEnd', 'padStart', 'replace', 'replaceAll', 'search', 'slice', 'split', 'startsWith', 'substr', 'substring', 'toLowerCase', 'toUpperCase', 'trim', 'trimEnd', 'trimStart'] as const;

/**
 * `work`, with every String method that reads characters and RegExp `exec` / `test` watched: the
 * first call given a string of `long` characters or more, with its stack, or undefined.
 */
async function firstLongRead<T>(work: () => Promise<T>): Promise<{ result: T; read: string | undefined }> {
  let read: string | undefined;
  const note = (text: unknown, name: string) => {
    if (read === undefined && typeof text === 'string' && text.length >= long) read = `${name} of ${text.length} characters\n${new Error().stack}`;
  };
  const strings = String.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
  const regexps = RegExp.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
  const originals = [...readingMethods.map((name) => [strings, name, strings[name]!] as const), [regexps, 'exec', regexps.exec!] as const, [regexps, 'test', regexps.test!] as const];
  for (const [target, name, original] of originals) {
    target[name] = function (this: unknown, ...args: unknown[]) {
      note(target === strings ? this : args[0], name);
      return original.apply(this, args);
    };
  }
  try {
    const result = await work();
    return { result, read };
  } finally {
    for (const [target, name, original] of originals) target[name] = original;
  }
}

function post(port: number, path: string, body: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', agent: false, headers: { authorization: 'Bearer sk-pieces', key: 'sk-pieces', 'content-type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * 1.3 M characters (a 2.8 MB body, parsed in slices): runs of line breaks (the shape), lines
 * longer than a remembered line, words, and characters outside ASCII, a surrogate pair among them.
 * 125 k tokens: past the 16,384 of Meta-Llama-3.1-8B-Instruct, though its length alone does not tell.
 */
const text = `${'Hello there, wörld 😀!\n'.repeat(20)}${'\n'.repeat(3000)}${'x'.repeat(5000)} `.repeat(150);
const model = 'Meta-Llama-3.1-8B-Instruct';
const hi = { role: 'user', content: 'Hi.' };
/** Of two lengths: long strings of one length in a body are not told apart, and are read whole. */
const systemBlocks = [{ type: 'text', text }, { type: 'text', text: '' }, { type: 'text', text: `${text}!` }];
const systemJoined = `${text}\n\n${text}!`;

/** Each Cloud prompt field with `text` in it, and the chat messages the prompt is read as. */
const fields: ReadonlyArray<[string, string, unknown, readonly unknown[] | string]> = [
  ['chat message', '/cloud/v1/chat/completions', { model, messages: [{ role: 'user', content: text }], max_tokens: 5 }, [{ role: 'user', content: text }]],
  ['chat message, streamed', '/cloud/v1/chat/completions', { model, messages: [{ role: 'user', content: text }], max_tokens: 5, stream: true }, [{ role: 'user', content: text }]],
  ['chat text part', '/cloud/v1/chat/completions', { model, messages: [{ role: 'user', content: [{ type: 'text', text: 'Look:' }, { type: 'text', text }] }], max_tokens: 5 }, [{ role: 'user', content: `Look:\n${text}` }]],
  ['Responses instructions', '/cloud/v1/responses', { model, instructions: text, input: 'Hi.', max_output_tokens: 5 }, [{ role: 'system', content: text }, hi]],
  ['Responses input', '/cloud/v1/responses', { model, input: text, max_output_tokens: 5 }, [{ role: 'user', content: text }]],
  ['Messages system', '/cloud/v1/messages', { model, max_tokens: 5, system: text, messages: [hi] }, [{ role: 'system', content: text }, hi]],
  // Joined with a line break each, the empty block's kept (content parts skip empty texts).
  ['Messages system blocks', '/cloud/v1/messages', { model, max_tokens: 5, system: systemBlocks, messages: [hi] }, [{ role: 'system', content: systemJoined }, hi]],
  ['Messages content', '/cloud/v1/messages', { model, max_tokens: 5, messages: [{ role: 'user', content: text }] }, [{ role: 'user', content: text }]],
  ['completions prompt', '/cloud/v1/completions', { model, prompt: text, max_tokens: 5 }, text],
];

describe('a long prompt of a body parsed in slices', () => {
  const server = useServer({ apiKey: 'sk-pieces', seed: 42 });

  it('is refused for the context from its pieces, never read whole, with the count of the whole string', async () => {
    for (const [name, path, body, prompt] of fields) {
      const sent = Buffer.from(JSON.stringify(body));
      const { result, read } = await firstLongRead(() => post(server.port, path, sent));
      expect(read, name).toBeUndefined();
      expect(result.status, name).toBe(400);
      // The count the strings themselves give, stopped where the prompt cannot fit beside the 5 tokens.
      const texts = typeof prompt === 'string' ? [prompt] : promptTurns(prompt);
      const counted = await countTextsUpTo(texts, 16_384 - 5);
      expect(counted, name).toBeGreaterThan(16_384 - 5);
      expect(result.body, name).toContain(`at least ${counted} tokens in the prompt`);
    }
  });

  it('in Messages system blocks made of a piece per character (lone surrogate escapes) is refused for the context, not failed', async () => {
    // The parse hands over a lone surrogate as a piece of its own: 1.1 M pieces, too many for one call's arguments.
    const lone = '\\udc00'.repeat(1_100_000);
    const sent = Buffer.from(`{"model":"${model}","max_tokens":5,"system":[{"type":"text","text":"${lone}"},{"type":"text","text":"Be brief."}],"messages":[{"role":"user","content":"Hi."}]}`);
    const result = await post(server.port, '/cloud/v1/messages', sent);
    expect(result.status, result.body).toBe(400);
    expect(result.body).toContain('tokens in the prompt');
  });

  it('is counted to its end by count_tokens from its pieces, to the tokens of the whole string', async () => {
    for (const [system, whole] of [[text, text], [systemBlocks, systemJoined]] as const) {
      const body = Buffer.from(JSON.stringify({ model, system, messages: [hi] }));
      const { result, read } = await firstLongRead(() => post(server.port, '/cloud/v1/messages/count_tokens', body));
      expect(read).toBeUndefined();
      expect(result.status).toBe(200);
      expect(JSON.parse(result.body)).toEqual({ input_tokens: countTokens(joinTexts(promptTurns([{ role: 'system', content: whole }, hi]))) });
    }
  });

  it('that fits the context is answered without being read whole, as the fake model answers the whole string', async () => {
    // 1.2 M line breaks: 37,500 tokens, well inside the 131,072 of Meta-Llama-3.3-70B-Instruct.
    const breaks = '\n'.repeat(1_200_000);
    const body = { model: 'Meta-Llama-3.3-70B-Instruct', messages: [{ role: 'user', content: breaks }], max_tokens: 8, seed: 7, temperature: 0.7 };
    const { result, read } = await firstLongRead(() => post(server.port, '/cloud/v1/chat/completions', Buffer.from(JSON.stringify(body))));
    expect(read).toBeUndefined();
    expect(result.status).toBe(200);
    // The same request whole, without pieces, hashed from the string: the same answer.
    const read2 = readChatInput(body, cloudChatProfile.style({ headers: { get: () => null, has: () => false }, variant: undefined }), false);
    expect(read2.generate.promptPieces).toBeUndefined();
    const expected = generate(read2.generate, { seed: 42 });
    expect(JSON.parse(result.body).choices[0].message.content).toBe(expected.choices[0]!.text);
  });

  it('that fits the context is echoed in a Responses answer from its pieces', async () => {
    const breaks = '\n'.repeat(1_200_000);
    const body = Buffer.from(JSON.stringify({ model: 'Meta-Llama-3.3-70B-Instruct', instructions: breaks, input: 'Hi.', max_output_tokens: 5 }));
    const { result, read } = await firstLongRead(() => post(server.port, '/cloud/v1/responses', body));
    expect(read).toBeUndefined();
    expect(result.status).toBe(200);
    expect(JSON.parse(result.body).instructions).toBe(breaks);
  });

  it('that fits the context is echoed in the events of a Responses stream from its pieces (the stream lets the body go)', async () => {
    const breaks = '\n'.repeat(1_200_000);
    const body = Buffer.from(JSON.stringify({ model: 'Meta-Llama-3.3-70B-Instruct', instructions: breaks, input: 'Hi.', max_output_tokens: 5, stream: true }));
    const { result, read } = await firstLongRead(() => post(server.port, '/cloud/v1/responses', body));
    expect(read).toBeUndefined();
    expect(result.status).toBe(200);
    const events = result.body.split('\n\n').filter((frame) => frame.includes('data: ')).map((frame) => JSON.parse(frame.slice(frame.indexOf('data: ') + 6)));
    const echoed = events.filter((event) => event.response !== undefined);
    expect(echoed.map((event) => event.type)).toEqual(['response.created', 'response.in_progress', 'response.incomplete']);
    for (const event of echoed) expect(event.response.instructions).toBe(breaks);
  });

  it('that fits the context, in Messages system blocks, is answered as the whole joined string is', async () => {
    const breaks = '\n'.repeat(1_200_000);
    const blocks = { model: 'Meta-Llama-3.3-70B-Instruct', max_tokens: 8, temperature: 0.7, system: [{ type: 'text', text: breaks }, { type: 'text', text: 'Be brief.' }], messages: [hi] };
    const joined = { ...blocks, system: `${breaks}\nBe brief.` };
    const { result, read } = await firstLongRead(() => post(server.port, '/cloud/v1/messages', Buffer.from(JSON.stringify(blocks))));
    expect(read).toBeUndefined();
    expect(result.status).toBe(200);
    const whole = await post(server.port, '/cloud/v1/messages', Buffer.from(JSON.stringify(joined)));
    const answer = (text: string) => {
      const { id: _id, ...rest } = JSON.parse(text);
      return rest;
    };
    expect(answer(result.body)).toEqual(answer(whole.body));
  });

  it('is watched: a count of the joined string reads it whole', async () => {
    const { read } = await firstLongRead(async () => countTextsUpTo([text], 20_000));
    expect(read).toMatch(/^indexOf of 1\d{6} characters/);
  });
});

describe('the pieces of a string of a body', () => {
  it('are found by the string itself, unless another string of the body has its length (telling two apart reads both whole)', async () => {
    const [a, b, c] = ['a'.repeat(long), 'b'.repeat(long), 'c'.repeat(long + 1)];
    const parsed = await parseJsonBody([Buffer.from(JSON.stringify({ a, b, c }))]);
    const body = (parsed as { value: Record<string, string> }).value;
    expect(textPieces(body, body.c!)!.join('')).toBe(c);
    expect(textPieces(body, body.a!)).toBeUndefined();
    expect(textPieces(body, body.b!)).toBeUndefined();
  });
});

describe("a long prompt in SambaStudio's and LMI's fields, with contexts the length alone does not fill", () => {
  const server = useServer({ apiKey: 'sk-pieces', sambastudioContextTokens: 16_384, lmiContextTokens: 16_384 });
  const cases: ReadonlyArray<[string, string, unknown, number]> = [
    ['SambaStudio chat', '/v1/p/e/chat/completions', { model: 'm', messages: [{ role: 'user', content: text }], max_tokens: 5 }, 400],
    ['native v2 value', '/api/v2/predict/generic/p/e', { items: [{ id: 'a', value: text }], params: { max_tokens_to_generate: 5 } }, 422],
    ['LMI inputs', '/lmi/invocations', { inputs: text, parameters: { max_new_tokens: 5 } }, 424],
  ];

  it('is refused from its pieces, never read whole', async () => {
    for (const [name, path, body, status] of cases) {
      const { result, read } = await firstLongRead(() => post(server.port, path, Buffer.from(JSON.stringify(body))));
      expect(read, name).toBeUndefined();
      expect(result.status, name).toBe(status);
      expect(result.body, name).toMatch(/at least \d+ tokens/);
    }
  });
});

describe('a text counted from its pieces', () => {
  // Runs long enough to move the window (64 K characters) several times; cut anywhere, a surrogate pair or a line apart.
  const unit = fc.constantFrom('\n', '\r\n', ' ', '\t', 'x', 'word ', 'Word.\n', "it's ", '12345', 'é', '😀', '\ud83d', '\n \n', '.\n\n');
  const texts = fc.array(fc.tuple(unit, fc.integer({ min: 1, max: 9000 })), { minLength: 1, maxLength: 40 }).map((runs) => runs.map(([each, times]) => each.repeat(times)).join(''));
  const cut = (whole: string, cuts: number[]): string[] => {
    const at = [...new Set(cuts.map((share) => Math.floor(share * whole.length)))].sort((a, b) => a - b);
    return [...at, whole.length].map((end, i) => whole.slice(i === 0 ? 0 : at[i - 1], end));
  };

  it('has the tokens of the whole text, and stops past a limit where the whole text does', async () => {
    await fc.assert(
      fc.asyncProperty(texts, fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 60 }), fc.integer({ min: 0, max: 40_000 }), async (whole, cuts, limit) => {
        const pieced: CountedText = { text: whole, pieces: cut(whole, cuts) };
        expect(pieced.pieces.join('')).toBe(whole);
        expect(countTokens(pieced)).toBe(countTokens(whole));
        expect(await countTokensUpTo(pieced, limit, new TurnBudget())).toBe(await countTokensUpTo(whole, limit, new TurnBudget()));
      }),
      { numRuns: 25 },
    );
  });

  it('is written into the request hash as the whole string is', () => {
    fc.assert(
      fc.property(texts, fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 60 }), (whole, cuts) => {
        expect(canonicalJson({ a: 1, prompt: new StringPieces(cut(whole, cuts)), z: [2] })).toBe(canonicalJson({ a: 1, prompt: whole, z: [2] }));
      }),
      { numRuns: 25 },
    );
    // A surrogate pair escaped in the body comes as two one-character pieces.
    expect(canonicalJson(new StringPieces(['a\ud83d', '\ude00', '\ud83d', '', 'b\ud800']))).toBe(JSON.stringify('a😀\ud83db\ud800'));
  });

  it('reads the pieces, not the text beside them', () => {
    expect(countTokens({ text: 'x'.repeat(300_000), pieces: ['word '.repeat(30_000), '', 'word '.repeat(30_000)] })).toBe(countTokens('word '.repeat(60_000)));
  });
});
