/**
 * @module `POST /embeddings`: one unit-length vector per input text from the fake model's `embed`,
 * sized by the model's catalogue entry, as float arrays or, with `encoding_format: base64` (what the
 * `openai` client asks for by default), as base64 of little-endian 32-bit floats. A text longer than
 * the model's context is refused, as the service refuses it. The answer waits the time to first token.
 */
import { TurnBudget } from '../../../event-loop/turn-budget.js';
import { countTokensUpTo, embed } from '../../fake-model/index.js';
import type { OperationDefinition, OperationRequest, OperationResult } from '../types.js';
import { waitUntil } from '../../pacing/wait-until.js';
import { checkCloudModel } from './catalogue/model-check.js';
import { abortedAnswer } from './shared/request-fields.js';

interface EmbeddingBody {
  model: string;
  input: string | string[];
  encoding_format?: 'float' | 'base64';
}

export const createEmbedding: OperationDefinition = { handle: handleEmbedding };

/** The vector as base64 of its little-endian float32 bytes, the form OpenAI clients decode. */
export function base64Floats(vector: readonly number[]): string {
  const bytes = Buffer.alloc(vector.length * 4);
  vector.forEach((value, i) => bytes.writeFloatLE(value, i * 4));
  return bytes.toString('base64');
}

async function handleEmbedding(request: OperationRequest): Promise<OperationResult> {
  const { arrival } = request;
  const body = request.body as EmbeddingBody;
  const check = checkCloudModel({ model: body.model, use: 'embeddings' });
  if (!check.ok) return { kind: 'error', problem: check.problem };
  const dimensions = check.model.embeddingDimensions!;
  const limit = check.model.card.context_length;
  const texts = typeof body.input === 'string' ? [body.input] : body.input;
  // Each text counted only as far as the model's context (a longer one is refused without being
  // counted to its end), all of them in one turn budget: a long list of short texts is sliced too.
  const budget = new TurnBudget();
  const counts: number[] = [];
  for (const [index, text] of texts.entries()) {
    const counted = countTokensUpTo(text, limit ?? Infinity, budget);
    const count = typeof counted === 'number' ? counted : await counted;
    if (limit !== undefined && count > limit) {
      const param = typeof body.input === 'string' ? 'input' : `input.${index}`;
      return {
        kind: 'error',
        problem: { kind: 'context_length', param, message: `${param} is at least ${count} tokens long; model \`${body.model}\` takes at most ${limit} tokens per text (its maximum context length).` },
      };
    }
    counts.push(count);
  }
  try {
    await waitUntil(arrival.monotonicMs + request.pacing.ttftMs, request.signal);
  } catch (error) {
    return abortedAnswer(error, request);
  }
  const base64 = body.encoding_format === 'base64';
  const promptTokens = counts.reduce((sum, count) => sum + count, 0);
  // The vectors in slices too, in a budget of their own: the wait began a new turn.
  const building = new TurnBudget();
  const data: Array<{ object: 'embedding'; index: number; embedding: string | number[] }> = [];
  for (const [index, text] of texts.entries()) {
    const embedded = embed(body.model, text, dimensions, building);
    const vector = Array.isArray(embedded) ? embedded : await embedded;
    data.push({ object: 'embedding', index, embedding: base64 ? base64Floats(vector) : vector });
  }
  return { kind: 'json', body: { object: 'list', model: body.model, data, usage: { prompt_tokens: promptTokens, total_tokens: promptTokens } } };
}
