/**
 * @module Check mode's look at a JSON answer before it is sent (`checkResponses`), without holding
 * the event loop for a large one. A batch of 256 completions with 20 logprobs per token, or 128
 * embeddings of 4,096 floats, runs to millions of members: one validator call over it held the loop
 * for about 100 ms of CPU.
 *
 * Why windows of the answer's own validator, and not sub-schema validators or a worker: the
 * generated modules export one validator per operation slot (their sub-schemas are private to the
 * generated code), and a worker would need the answer copied to it, a walk as long as the check.
 * Where the bundled spec shows the answer's bulk is one array checked item by item
 * (`sliceable-arrays.ts`: a batch's `items`, `data`, or the answer itself as an array), the answer
 * with a window of that array in its place is valid for every window exactly when the whole is
 * valid. So a valid answer, the only kind the server means to send, is checked a window at a time,
 * with turns of the event loop between slices (a window with an open member holding a container
 * has its nesting walked, as the one call walks the whole). An answer that fails a window, or a
 * schema that does not bound the nesting, is checked again in the one call the rest use, for the very violations that call reports: a
 * server bug costs one long turn, a valid answer never does.
 */
import type { ValidateFunction } from '../contract/operation.js';
import { TurnBudget } from '../event-loop/turn-budget.js';
import { validateResponse, type ValidateOptions } from '../validate/check.js';
import { checkSize, defaultSizeLimits } from '../validate/limits.js';
import type { Violation } from '../validate/violations.js';
import type { Route } from './routes.js';
import { itemsOf, longestIn, sliceableArrays, type SliceableArray } from './sliceable-arrays.js';

/**
 * The member limit guards a validator against hostile input; an answer the server made is as large
 * as the spec lets it be, and a batch with logprobs passes a million members: the default limit
 * would report the server's own valid answer (and fail it in `throw` mode). The depth limit stays.
 */
const answerLimits: ValidateOptions = { limits: { maxNodes: Infinity } };

/** Members an answer may have to be checked in one call: a millisecond or two of work. */
const wholeMembers = 20_000;

/** Most windows per array: a window is then a batch's element or two, or a few hundred small items. */
const maxWindows = 1024;

/** The violations of a JSON answer (none: valid); a promise when a large one is checked in windows. */
export function answerViolations(route: Route, status: number, mediaType: string, body: unknown, budget = new TurnBudget()): Violation[] | Promise<Violation[]> {
  const validate = route.validators.responses[String(status)]?.[mediaType];
  if (!validate || typeof body !== 'object' || body === null) return wholeAnswerViolations(route, status, mediaType, body);
  const maxDepth = defaultSizeLimits.maxDepth;
  // Stopped past `wholeMembers` (or unable to vouch for the nesting): "unknown".
  const verdict = validate.within(body, maxDepth, wholeMembers);
  if (verdict === 'within') return [];
  // The array of the answer that holds its bulk, if any (one item is nothing to window).
  const array = verdict === 'unknown' ? longestIn(sliceableArrays(route.api, route.method, route.specPath, mediaType, { status }), body, 1) : undefined;
  if (!array) return wholeAnswerViolations(route, status, mediaType, body);
  return validInWindows(validate, body, array, maxDepth, budget).then((valid) => (valid ? [] : wholeAnswerViolations(route, status, mediaType, body)));
}

/** The violations of an answer or error body, found in one call (what a window that fails is checked again with). */
export function wholeAnswerViolations(route: Route, status: number, mediaType: string, body: unknown): Violation[] {
  return validateResponse(route.validators, { status, mediaType, body }, answerLimits).violations;
}

/**
 * Whether every window is valid and within the depth limit (the nesting of a window and the rest
 * of the answer is the whole's); the windows hold at least `minItems` items each and the whole at most `maxItems`,
 * so the length is checked as the one call checks it.
 */
async function validInWindows(validate: ValidateFunction, body: object, array: SliceableArray, maxDepth: number, budget: TurnBudget): Promise<boolean> {
  const items = itemsOf(body, array)!;
  const count = items.length;
  if (count < array.minItems || count > array.maxItems) return false;
  const size = Math.max(Math.ceil(count / maxWindows), array.minItems, 1);
  if (size > array.maxItems) return false;
  for (let start = 0; start < count; start += size) {
    if (budget.spent()) await budget.nextTurn();
    // The last window is taken long enough for minItems; its items before `start` passed already.
    const window = items.slice(Math.min(start, count - array.minItems), start + size);
    const windowed = array.key === undefined ? window : { ...body, [array.key]: window };
    const verdict = validate.within(windowed, maxDepth, Infinity);
    // Accepted with an open member holding a container: the depth limit is then walked, window by window as the one call walks the whole.
    if (verdict !== 'within' && (verdict !== 'accepted' || checkSize(windowed, '/body', answerLimits.limits))) return false;
  }
  return true;
}
