/**
 * `npm run bench:validate`: the cost of checking a SambaNova Cloud chat request (the full
 * CloudChatRequest schema) next to `JSON.parse` of the same bytes (the reference, 1.0), on a small
 * (~0.3 KB) and a large (~100 KB, 200 messages) body: sambakit's `validateRequest` (size pre-check
 * and all), the generated validator alone, and ajv compiled at run time from the bundled document;
 * then the invalid path (a wrong role and an out-of-range temperature) with its violations.
 * Candidates run in rotating order each round; ratios are taken within a round, then the median.
 * Prints the table for bench/RESULTS.md.
 * @module
 */
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { createChatCompletion } from '../src/contract/sambanova-cloud.js';
import { validateRequest } from '../src/validate/index.js';
import { benchProgress } from './progress.js';

const rounds = Number(process.env.ROUNDS ?? 7);
const targetMs = Number(process.env.TARGET_MS ?? 150);

// --- the bodies ----------------------------------------------------------------------------------

const small = {
  model: 'Meta-Llama-3.3-70B-Instruct',
  messages: [
    { role: 'system', content: 'You are a helpful assistant.' },
    { role: 'user', content: 'Name three rivers in Europe and say which is the longest.' },
  ],
  temperature: 0.7,
  max_tokens: 256,
  stream: true,
  stream_options: { include_usage: true },
};
const sentence = 'The river runs past the old mill, under three bridges and through the market square before it reaches the sea. ';
const large = {
  ...small,
  messages: Array.from({ length: 200 }, (_, i) => ({ role: i === 0 ? 'system' : i % 2 ? 'user' : 'assistant', content: sentence.repeat(4).slice(0, 440 + (i % 7)) })),
};
const invalid = (body: typeof small) => ({ ...body, temperature: 3, messages: [...body.messages.slice(0, -1), { role: 'robot', content: 'hi' }] });

const cases = [
  { name: 'small', text: JSON.stringify(small) },
  { name: 'large', text: JSON.stringify(large) },
  { name: 'small, invalid', text: JSON.stringify(invalid(small)) },
  { name: 'large, invalid', text: JSON.stringify(invalid(large)) },
];

// --- the candidates ------------------------------------------------------------------------------

const generated = createChatCompletion.request['application/json'];
const doc = JSON.parse(readFileSync(new URL('../generated/sambanova-cloud/openapi.json', import.meta.url), 'utf8')) as { components: unknown };
const ajv = new Ajv2020.default({ strict: false, allowUnionTypes: true });
addFormats.default(ajv);
ajv.addSchema({ $id: 'https://bench.local/cloud.json', components: doc.components });
const runtimeAjv = ajv.compile({ $ref: 'https://bench.local/cloud.json#/components/schemas/CloudChatRequest' });

type Candidate = { name: string; run: (value: unknown, text: string) => unknown };
const candidates: Candidate[] = [
  { name: 'JSON.parse', run: (_v, text) => JSON.parse(text) },
  { name: 'sambakit validateRequest (public API)', run: (value) => validateRequest(createChatCompletion, { body: value }) },
  { name: 'generated validator alone (raw)', run: (value) => generated(value) },
  { name: 'ajv compiled at run time', run: (value) => runtimeAjv(value) },
];

/** Nanoseconds per call: calls are batched until the batch takes about targetMs. */
function measure(candidate: Candidate, value: unknown, text: string): number {
  let sink: unknown;
  let n = 1;
  for (;;) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) sink = candidate.run(value, text);
    const ns = Number(process.hrtime.bigint() - start);
    if (ns > targetMs * 1e6 || n > 1e8) {
      if (sink === Symbol.for('never')) console.log(sink);
      return ns / n;
    }
    n = ns < 1e6 ? n * 10 : Math.ceil((n * targetMs * 1e6) / ns);
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const checks = cases.map(({ name, text }) => {
  const value = JSON.parse(text) as unknown;
  const result = validateRequest(createChatCompletion, { body: value });
  return { name, bytes: text.length, valid: result.valid, violations: result.violations.map((v) => v.message), runtimeVerdict: runtimeAjv(value) };
});
for (const c of checks) {
  if (c.valid !== !c.name.includes('invalid') || c.runtimeVerdict !== c.valid) throw new Error(`bench bodies are not what they claim: ${JSON.stringify(c)}`);
}

const progress = benchProgress('validate');
const ratios = new Map<string, number[]>();
const nanos = new Map<string, number[]>();
for (let round = 0; round < rounds; round++) {
  progress.round('timing every candidate on every body', round + 1, rounds);
  for (const { name, text } of cases) {
    const value = JSON.parse(text) as unknown;
    const order = candidates.map((_, i) => candidates[(i + round) % candidates.length]!);
    const times = new Map(order.map((c) => [c.name, measure(c, value, text)]));
    const parse = times.get('JSON.parse')!;
    for (const [candidate, ns] of times) {
      const key = `${name}\u0000${candidate}`;
      ratios.set(key, [...(ratios.get(key) ?? []), ns / parse]);
      nanos.set(key, [...(nanos.get(key) ?? []), ns]);
    }
  }
}

console.log(`node ${process.version}, ${cpus().length}x ${cpus()[0]?.model ?? 'cpu'}, load ${loadavg().map((l) => l.toFixed(1)).join(' ')}, ${rounds} rounds, median`);
console.log('');
console.log('| body | bytes | candidate | time per call | x JSON.parse |');
console.log('|---|---:|---|---:|---:|');
for (const { name, text } of cases) {
  for (const candidate of candidates) {
    const key = `${name}\u0000${candidate.name}`;
    console.log(`| ${name} | ${text.length} | ${candidate.name} | ${(median(nanos.get(key)!) / 1000).toFixed(2)} µs | ${median(ratios.get(key)!).toFixed(3)} |`);
  }
}
console.log('');
for (const c of checks.filter((c) => !c.valid)) console.log(`${c.name}: ${c.violations.join('; ')}`);
