/**
 * `npm run bench:client-faults`: the same faulty Cloud chat streams read by sambakit's client and by
 * the `openai` package, side by side: what each surfaces (a typed error, or a stream that just ends)
 * and how long after the request it does. Prints the table for docs/client.md.
 * @module
 */
import OpenAI from 'openai';
import { VERSION } from 'openai/version';
import { SambaNovaCloud } from '../src/client/index.js';
import { startServer } from '../src/server/index.js';
import { benchProgress } from './progress.js';

const stallMs = Number(process.env.STALL_MS ?? 10_000);
const stallTimeout = Number(process.env.STALL_TIMEOUT_MS ?? 2_000);
const faults = [`stall=${stallMs}`, 'disconnect', 'malformed-item', 'error-event', 'invalid-item'];

const server = await startServer({ host: '127.0.0.1', port: 0, ttftMs: 0, tokensPerSecond: 200, log: () => {} });
const body = { model: 'Meta-Llama-3.3-70B-Instruct', messages: [{ role: 'user' as const, content: 'Tell me a story' }], max_tokens: 40, stream: true as const };
const openai = new OpenAI({ baseURL: `${server.url}/cloud/v1`, apiKey: 'k', maxRetries: 0 });
const sambakit = new SambaNovaCloud({ baseURL: `${server.url}/cloud/v1`, apiKey: 'k', maxRetries: 0, stallTimeout });
const { specValidator } = await import('../src/client/validation.js');
const validating = new SambaNovaCloud({ baseURL: `${server.url}/cloud/v1`, apiKey: 'k', maxRetries: 0, stallTimeout, validate: 'throw', validator: specValidator('sambanova-cloud') });

interface Outcome {
  items: number;
  surfaced: string;
  ms: number;
}

async function observe(read: () => Promise<AsyncIterable<unknown>>): Promise<Outcome> {
  const start = performance.now();
  let items = 0;
  try {
    for await (const _ of await read()) items++;
    return { items, surfaced: 'ends normally', ms: performance.now() - start };
  } catch (error) {
    const e = error as Error & { failure?: string; kind?: string };
    const detail = e.failure ?? e.kind;
    return { items, surfaced: `${e.constructor.name}${detail ? ` (${detail})` : ''}: ${e.message.slice(0, 70)}`, ms: performance.now() - start };
  }
}

const progress = benchProgress('client-faults');
const rows: string[] = [];
for (const [i, fault] of faults.entries()) {
  progress.round(`fault ${fault}`, i + 1, faults.length);
  const headers = { 'x-sambakit-fault': fault };
  const theirs = await observe(() => openai.chat.completions.create(body, { headers }));
  const ours = await observe(() => sambakit.chat(body, { headers }));
  const checked = fault === 'invalid-item' ? await observe(() => validating.chat(body, { headers })) : undefined;
  const cell = (o: Outcome) => `${o.surfaced.replace(/\|/g, '\\|')}; ${o.items} items; ${Math.round(o.ms)} ms`;
  rows.push(`| \`${fault}\` | ${cell(theirs)} | ${cell(ours)}${checked ? ` — with \`validate: 'throw'\`: ${cell(checked)}` : ''} |`);
}
console.log(`| fault | openai ${VERSION} | sambakit (stallTimeout ${stallTimeout} ms) |`);
console.log('|---|---|---|');
for (const row of rows) console.log(row);
await server.close();
