/**
 * The chat handler's share of a streamed request's set-up, warm, in this process: CPU per request of
 * each stage of what `handleChat` does for the scale bench's request, each stage including the ones
 * before it (so the differences are each stage's own cost): the body parsed, read into the fake
 * model's request, its prompt counted and the answer generated (`prepareRun`), and the stream's
 * producer made. Set beside bench/soak/setup-cost.ts (the whole set-up, from the server's CPU), it
 * says how much of a set-up the fake model's work is.
 *
 * `tsx bench/soak/setup-split.ts`. Knobs: REQUESTS (100000), ROUNDS (5; the median is printed).
 * @module
 */
import { TurnBudget } from '../../src/event-loop/turn-budget.js';
import { arrivalNow } from '../../src/server/exchange.js';
import { ChatChunks } from '../../src/server/operations/openai-chat/chunks.js';
import { cloudChatProfile } from '../../src/server/operations/openai-chat/profiles/cloud.js';
import type { OperationRequest } from '../../src/server/operations/types.js';
import { readChatInput } from '../../src/server/operations/shared/chat-input.js';
import { prepareRun, type RunSettings } from '../../src/server/operations/shared/run.js';
import { median } from '../server/stats.js';
import { streamedChatBody } from '../server/streams.js';

const requests = Number(process.env.REQUESTS ?? 100_000);
const rounds = Number(process.env.ROUNDS ?? 5);
const text = streamedChatBody(40);
const style = cloudChatProfile.style({ variant: undefined } as OperationRequest);
const body = () => JSON.parse(text) as Record<string, unknown>;
const settings = (): RunSettings => ({
  seed: 0,
  pacing: { ttftMs: 200, tokensPerSecond: 20 },
  arrival: arrivalNow(),
  contextTokens: cloudChatProfile.contextTokens(body(), {} as OperationRequest['options']),
  turns: new TurnBudget(),
});

const stages: Record<string, () => unknown> = {
  'body parsed (JSON.parse)': body,
  '+ read into the fake model request': () => readChatInput(body(), style, false),
  '+ prompt counted, answer generated (prepareRun)': () => prepareRun(body(), style, settings()),
  '+ stream producer (ChatChunks)': () => {
    const prepared = prepareRun(body(), style, settings());
    // A run comes as a promise when its turn's slice ran out (a GC pause, the machine's load): rare, left uncounted.
    if (prepared instanceof Promise) return prepared;
    if (!prepared.ok) throw new Error('the request was refused');
    return new ChatChunks(prepared.run, style, undefined, 'bench', 'id');
  },
};

function cpuUsPerCall(stage: () => unknown): number {
  const from = process.cpuUsage();
  for (let i = 0; i < requests; i++) stage();
  const used = process.cpuUsage(from);
  return (used.user + used.system) / requests;
}

for (const stage of Object.values(stages)) cpuUsPerCall(stage);
const results = new Map<string, number[]>(Object.keys(stages).map((name) => [name, []]));
for (let round = 0; round < rounds; round++) for (const [name, stage] of Object.entries(stages)) results.get(name)!.push(cpuUsPerCall(stage));
for (const [name, values] of results) process.stdout.write(`${name.padEnd(50)} ${median(values).toFixed(2)} µs (${values.map((v) => v.toFixed(2)).join(', ')})\n`);
