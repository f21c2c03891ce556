/**
 * Makes a valid body the reference server can answer. The schemas admit bodies that the server
 * refuses for reasons outside them, as the services do: a named `tool_choice` that is not in `tools`,
 * Messages features the service does not offer, a multimodal `image_content` that is no image (the
 * vendor's example holds a placeholder), a native budget over the 2,048-token context. A mutation
 * of such a base is refused for the base's fault, naming a field the mutation never touched; each
 * rule below mends one of those refusals, so that a mutation's 4xx is judged against what was
 * mutated.
 * @module
 */
import { readFileSync } from 'node:fs';
import type { CaseRandom } from './random.js';
import type { FuzzOperation } from './spec-operations.js';

type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A real 4 x 3 PNG, as base64: what a multimodal request's image should be. */
const pngBase64 = readFileSync(new URL('../../test/fixtures/media/image-4x3.png', import.meta.url)).toString('base64');

/** The largest native `max_tokens_to_generate` kept: the rest of the 2,048-token context is the prompt's. */
const nativeMaxTokens = 1024;

/**
 * A named tool choice (OpenAI `{function: {name}}`, Responses `{type: 'function', name}`, Messages
 * `{type: 'tool', name}`) names a declared tool, or goes when no tool is declared (the server's
 * `tool_choice names ..., which is not in tools`).
 */
function toolChoiceDeclared(body: JsonObject, random: CaseRandom): void {
  const choice = body.tool_choice;
  if (!isObject(choice)) return;
  const holder = isObject(choice.function) ? choice.function : choice;
  if (typeof holder.name !== 'string') return;
  const declared = (Array.isArray(body.tools) ? body.tools : [])
    .map((tool) => (isObject(tool) ? (isObject(tool.function) ? tool.function.name : tool.name) : undefined))
    .filter((name): name is string => typeof name === 'string');
  if (declared.includes(holder.name)) return;
  if (declared.length) holder.name = random.pick(declared);
  else delete body.tool_choice;
}

/**
 * Messages: thinking only `disabled`, images as base64 sources, no `document` blocks (the service's
 * refusals, `messages-request.ts`).
 */
function messagesTheServiceTakes(body: JsonObject): void {
  if (isObject(body.thinking) && body.thinking.type !== 'disabled') body.thinking = { type: 'disabled' };
  if (!Array.isArray(body.messages)) return;
  for (const message of body.messages) {
    if (!isObject(message) || !Array.isArray(message.content)) continue;
    message.content = message.content.map((block: unknown) => {
      if (!isObject(block)) return block;
      if (block.type === 'document') return { type: 'text', text: 'The document, as text.' };
      if (block.type === 'image' && isObject(block.source) && block.source.type === 'url') return { ...block, source: { type: 'base64', media_type: 'image/png', data: pngBase64 } };
      return block;
    });
  }
}

/** SambaStudio native: a real image in `image_content`, and a budget that leaves the prompt room in the context. */
function nativeTheModelTakes(body: JsonObject): void {
  for (const instance of Array.isArray(body.instances) ? body.instances : []) {
    if (isObject(instance) && typeof instance.image_content === 'string') instance.image_content = pngBase64;
  }
  const params = body.params;
  if (!isObject(params)) return;
  const budget = params.max_tokens_to_generate;
  // Typed parameters (`{"type": "int", "value": "2047"}`, Generic v1 and NLP) or plain ones (Generic v2).
  if (isObject(budget) && Number(budget.value) > nativeMaxTokens) budget.value = String(nativeMaxTokens);
  else if (typeof budget === 'number' && budget > nativeMaxTokens) params.max_tokens_to_generate = nativeMaxTokens;
}

/** The body, mended in place where the server would refuse it for a reason outside the schema. */
export function answerableBody(operation: FuzzOperation, body: unknown, random: CaseRandom): unknown {
  if (!isObject(body)) return body;
  toolChoiceDeclared(body, random);
  if (operation.api === 'sambanova-cloud' && (operation.operationId === 'createMessage' || operation.operationId === 'countMessageTokens')) messagesTheServiceTakes(body);
  if (operation.api === 'sambastudio') nativeTheModelTakes(body);
  return body;
}
