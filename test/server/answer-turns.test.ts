/**
 * One answer's own work is done in slices, so no request holds the event loop however large its
 * answer: a long answer's logprobs are made in the caller's turn budget, and one answer's JSON (a
 * single completion with thousands of tokens of logprobs) is written a part at a time. Each lets a
 * callback queued for the next turn run before it finishes (ordering, never timings), and gives
 * exactly what the work done at once gives. So are a prompt's own logprobs (LMI's prefill).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generate, generateInTurns, promptLogprobs, type GenerateRequest } from '../../src/server/fake-model/index.js';
import { withLogprobs } from '../../src/server/fake-model/logprobs.js';
import { hashString, mixSeeds, Rng } from '../../src/server/fake-model/random.js';
import { tokenize, tokenizeInTurns } from '../../src/server/fake-model/tokenizer.js';
import { parseJsonBody, parseJsonText, textPieces } from '../../src/server/json-body.js';
import { jsonText } from '../../src/server/json-text.js';
import { framedItem } from '../../src/server/framed-item.js';
import { encodeStreamItem } from '../../src/streams/index.js';
import { templateConversation } from '../../src/server/operations/sambastudio-native/conversation.js';
import { TurnBudget } from '../../src/event-loop/turn-budget.js';
import { useServer } from '../helpers/server.js';
import { yieldsBeforeSettling } from '../helpers/turns.js';

const text = (pieces: string | Buffer[]) => (Array.isArray(pieces) ? Buffer.concat(pieces).toString() : pieces);

/** A budget whose slice is used up already: work in it must wait for the next turn before going on. */
function spentBudget(): TurnBudget {
  const budget = new TurnBudget();
  while (!budget.spent());
  return budget;
}

describe('generateInTurns', () => {
  const request = (): GenerateRequest => ({ prompt: 'Tell me a story.', maxTokens: 2000, logprobs: true, topLogprobs: 20, temperature: 0.7, seed: 3, n: 2 });

  it('makes logprobs in the caller\'s budget: a spent one waits for the next turn, to the answer made at once', async () => {
    let made: unknown;
    expect(await yieldsBeforeSettling(async () => (made = await generateInTurns(request(), { seed: 1 }, spentBudget())))).toBe(true);
    expect(made).toEqual(generate(request(), { seed: 1 }));
  });

  it('answers at once when no logprobs are asked for', () => {
    const plain = { ...request(), logprobs: false };
    expect(generateInTurns(plain, { seed: 1 }, spentBudget())).toEqual(generate(plain, { seed: 1 }));
  });
});

describe('jsonText of one large answer', () => {
  it('writes a single completion with 2,000 tokens of 20 logprobs over several turns, to the same bytes', async () => {
    const entry = (t: number) => ({ token: ` t${t}`, logprob: -t / 7, bytes: [32, 116], top_logprobs: Array.from({ length: 20 }, (_, a) => ({ token: `a${a}`, logprob: -a - t / 9, bytes: [97] })) });
    const answer = { id: 'x', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: 'text' }, logprobs: { content: Array.from({ length: 2000 }, (_, t) => entry(t)) } }], usage: { total_tokens: 3 } };
    let written: string | Buffer[] = '';
    expect(await yieldsBeforeSettling(async () => (written = await jsonText(answer)))).toBe(true);
    expect(text(written)).toBe(JSON.stringify(answer));
  });

  it('writes an answer echoing a string of megabytes (Responses instructions of 2.27 M newlines) over several turns, to the same bytes', async () => {
    const answer = { id: 'resp_1', object: 'response', instructions: '\n'.repeat(2_275_521), output: [{ type: 'message', content: [{ type: 'output_text', text: 'Hi.' }] }] };
    let written: string | Buffer[] = '';
    expect(await yieldsBeforeSettling(async () => (written = await jsonText(answer)))).toBe(true);
    expect(Array.isArray(written)).toBe(true);
    expect(text(written)).toBe(JSON.stringify(answer));
    // A long string alone, too.
    expect(await yieldsBeforeSettling(async () => (written = await jsonText('\r\n'.repeat(1 << 20))))).toBe(true);
    expect(text(written)).toBe(JSON.stringify('\r\n'.repeat(1 << 20)));
  });

  it('frames a streamed event echoing megabytes over several turns, to the bytes encodeStreamItem writes, in either framing', async () => {
    const response = { id: 'resp_1', object: 'response', status: 'in_progress', instructions: '\n'.repeat(2_275_521), output: [] };
    for (const framing of [{ framing: 'sse' as const }, { framing: 'jsonl' as const, terminator: '[DONE]' }]) {
      const item = { kind: 'item' as const, event: 'response.created', value: { type: 'response.created', response, sequence_number: 0 } };
      let framed: string | Buffer[] = '';
      expect(await yieldsBeforeSettling(async () => (framed = await framedItem(item, framing)))).toBe(true);
      expect(text(framed)).toBe(encodeStreamItem(item, framing));
      // An ordinary event is one string, as before.
      const small = { kind: 'item' as const, event: 'response.output_text.delta', value: { type: 'response.output_text.delta', delta: 'Hi' } };
      expect(framedItem(small, framing)).toBe(encodeStreamItem(small, framing));
    }
  });

  it('escapes a long string a run at a time to what JSON.stringify writes, surrogate pairs, lone surrogates and control characters at every cut', async () => {
    const unit = fc.constantFrom('😀', '\ud83d', '\ude00', '\u0001', '\n', '"', '\\', 'é', '\u2028', 'x');
    await fc.assert(
      fc.asyncProperty(fc.array(unit, { minLength: 1, maxLength: 8 }), fc.nat(3), async (units, offset) => {
        const long = 'y'.repeat(offset) + units.join('').repeat(Math.ceil(70_000 / units.join('').length));
        const value = { long, list: [long, 'short'] };
        expect(text(await jsonText(value))).toBe(JSON.stringify(value));
      }),
      // A lone high surrogate before a pair: a cut kept off the pair's middle must not land in the next one's.
      { numRuns: 30, examples: [[['\ud83d', '😀'], 0]] },
    );
  });

  it('takes large values apart at any depth to what JSON.stringify writes, values JSON leaves out included', async () => {
    const odd = fc.constantFrom(undefined, () => 1, Symbol('s'), new Date(0), { toJSON: () => 'own' }, Object.assign([1, 2], { toJSON: () => 'list' }), Object.create(null));
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, fc.jsonValue({ maxDepth: 2 }), odd, fc.array(tie('node'), { maxLength: 4 }), fc.dictionary(fc.string(), tie('node'), { maxKeys: 4 })),
    })).node;
    // Each value beside 9,000 numbers, twice over: the containers around it are too large to write whole.
    const large = (v: unknown) => ({ before: v, list: [v, Array.from({ length: 9000 }, (_, i) => i / 3), v], gone: undefined, after: v });
    await fc.assert(
      fc.asyncProperty(value, async (v) => {
        const wrapped = [large(v), undefined, large(large(v)), v];
        expect(text(await jsonText(wrapped))).toBe(JSON.stringify(wrapped));
      }),
      { numRuns: 40 },
    );
  });
});

describe('a process_prompt conversation', () => {
  const path = '/body/items/0';
  const messages = (count: number) => Array.from({ length: count }, (_, i) => ({ message_id: i, role: i % 2 ? 'assistant' : 'user', content: `turn ${i} é 😀 `.padEnd(400, 'x') }));
  const expectedPrompt = (list: Array<{ role: string; content: string }>) =>
    `<|begin_of_text|>${list.map(({ role, content }) => `<|start_header_id|>${role}<|end_header_id|>\n\n${content}<|eot_id|>`).join('')}<|start_header_id|>assistant<|end_header_id|>\n\n`;

  it('of megabytes is parsed and templated over several turns, to the prompt a small one gets', async () => {
    const list = messages(5000);
    let templated: Awaited<ReturnType<typeof templateConversation>> | undefined;
    const text = JSON.stringify({ conversation_id: 'c', messages: list });
    expect(await yieldsBeforeSettling(async () => (templated = await templateConversation(text, path, new TurnBudget())))).toBe(true);
    expect(templated).toEqual({ prompt: expectedPrompt(list), tools: [] });
    expect(templateConversation(JSON.stringify({ messages: list.slice(0, 3) }), path, new TurnBudget())).toEqual({ prompt: expectedPrompt(list.slice(0, 3)), tools: [] });
  });

  it('inside a large body is read from the pieces the body was parsed in, to the prompt the whole string gives', async () => {
    // Read whole, a string of tens of megabytes is first copied into one flat string, in one turn.
    const list = messages(6000).map((message, i) => ({ ...message, content: `${message.content} \u{1F600}"\\ ${i}` }));
    const value = JSON.stringify({ conversation_id: 'c', messages: list });
    const bodyText = JSON.stringify({ items: [{ id: 'a', value }], params: { process_prompt: true } });
    const parsed = await parseJsonBody([Buffer.from(bodyText.slice(0, 1000)), Buffer.from(bodyText.slice(1000))]);
    if (!parsed.ok) throw new Error('the body did not parse');
    const body = parsed.value as { items: Array<{ value: string }> };
    expect(body).toEqual(JSON.parse(bodyText));
    const pieces = textPieces(body, body.items[0]!.value);
    expect(pieces!.length).toBeGreaterThan(10);
    expect(pieces!.join('')).toBe(value);
    expect(textPieces({ items: [] }, body.items[0]!.value)).toBeUndefined();
    // The parse reads the pieces it is given, not the string.
    const other = JSON.stringify({ messages: list.slice(0, 2) }).padEnd(value.length, ' ');
    expect(await parseJsonText(value, new TurnBudget(), [other])).toEqual({ ok: true, value: { messages: list.slice(0, 2) } });
    expect(await templateConversation(value, path, new TurnBudget(), pieces)).toEqual({ prompt: expectedPrompt(list), tools: [] });
  });

  it('of megabytes that is not valid JSON, or not a conversation, is refused naming the field', async () => {
    const broken = `${JSON.stringify({ messages: messages(3000) }).slice(0, -2)}}`;
    await expect(templateConversation(broken, path, new TurnBudget())).rejects.toMatchObject({ problem: { violations: [{ path, rule: 'contentMediaType', received: expect.stringMatching(/^not valid JSON/) }] } });
    const badTurn = JSON.stringify({ messages: [...messages(3000), { role: 'user' }] });
    await expect(templateConversation(badTurn, path, new TurnBudget())).rejects.toMatchObject({ problem: { violations: [{ path, received: 'messages[3000] has no "content" string' }] } });
  });

  describe('over HTTP', () => {
    const server = useServer();
    it('of 4 MB is refused by the context limit, in the native error form', async () => {
      const value = JSON.stringify({ conversation_id: 'c', messages: messages(10_000) });
      const response = await fetch(`${server.url}/api/v2/predict/generic/p/e`, {
        method: 'POST',
        headers: { key: 'sk-turns', 'content-type': 'application/json' },
        body: JSON.stringify({ items: [{ id: 'a', value }], params: { process_prompt: true } }),
      });
      expect(response.status).toBe(422);
      const body = await response.json();
      expect(body.error.violations).toMatchObject([{ path: '/body/items/0', rule: 'maxLength' }]);
      expect(body.error.message).toMatch(/context length of 2048/);
    });
  });
});

describe('a prompt\'s own logprobs (LMI decoder_input_details)', () => {
  /** The rule in one pass: the prompt's tokens annotated with the generated tokens' rule, the first without a logprob. */
  const atOnce = (prompt: string, seed: number) => {
    const tokens = withLogprobs(tokenize(prompt), 0, new Rng(mixSeeds(seed, hashString(prompt))));
    if (tokens[0]) delete tokens[0].logprob;
    return tokens;
  };

  it('are hashed, tokenized and annotated in the caller\'s budget: a spent one waits for the next turn, to the same tokens', async () => {
    const prompt = Array.from({ length: 3000 }, (_, i) => `word${i % 97} é, "quoted" ${'x'.repeat(i % 300)}\n`).join('');
    let made: unknown;
    expect(await yieldsBeforeSettling(async () => (made = await promptLogprobs(prompt, 5, spentBudget())))).toBe(true);
    expect(made).toEqual(atOnce(prompt, 5));
    expect(await promptLogprobs('Hi', 5, new TurnBudget())).toEqual(atOnce('Hi', 5));
  });

  it('tokenizes any text a slice at a time to the tokens of one pass', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'grapheme', maxLength: 400 }), async (text) => {
        expect(await tokenizeInTurns(text, spentBudget())).toEqual(tokenize(text));
      }),
      { numRuns: 200 },
    );
  });
});
