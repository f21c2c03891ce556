/**
 * @module The pipeline's validation of a request against the operation's generated validators,
 * without holding the event loop for a large body: a JSON body past the all-violations size (so
 * told its first violation only, see `schemaViolations`) whose bulk is one long array is validated
 * with the body's own validator over the body with a window of that array's items in its place, a
 * window at a time, the event loop getting a turn between slices. The windows give exactly the
 * violation one call over the whole body gives (see `firstErrorInWindows`); every other request is
 * validated in one call, as before.
 */
import type { ErrorObject } from 'ajv';
import type { ValidateFunction } from '../contract/operation.js';
import { TurnBudget } from '../event-loop/turn-budget.js';
import { parameterViolations, schemaViolations, toldFirstViolationOnly, validateRequest, type RequestInput } from '../validate/check.js';
import { checkSize, nodesOfLastCheck } from '../validate/limits.js';
import { toViolations, type Violation } from '../validate/violations.js';
import { bodySizeLimits } from './json-body.js';
import type { Route } from './routes.js';
import { longestIn, sliceableArrays, type SliceableArray } from './sliceable-arrays.js';

/**
 * The body limits, but for the width of objects: the parse measured that already (json-body.ts), and
 * with it validation would walk every body the validator vouches for (it counts members in all).
 */
const validationLimits = { maxDepth: bodySizeLimits.maxDepth, maxNodes: bodySizeLimits.maxNodes };

/** Fewest items per window: small enough to be well under a slice, large enough that the rest of the body is not validated again and again. */
const minWindowItems = 512;
/** Most windows per array: bounds how often the rest of the body is validated again. */
const maxWindows = 64;
/**
 * Most windows per turn of the event loop, besides the time slice: a window's cost follows its
 * items, not its count, so the clock decides first; this bounds a turn by work as well.
 */
const windowsPerTurn = 8;

/** The request's violations (none: valid); a promise when the body is validated in slices. */
export function requestViolations(route: Route, input: RequestInput & { mediaType?: string }): Violation[] | Promise<Violation[]> {
  const sliced = input.mediaType === undefined ? undefined : windowPlan(route, input.body, input.mediaType);
  if (!sliced) return validateRequest(route.validators, input, { limits: validationLimits }).violations;
  const before = parameterViolations(route.validators, input) ?? [];
  const { validate, body, array } = sliced;
  const tooLarge = checkSize(body, '/body', validationLimits);
  if (tooLarge) return [...before, tooLarge];
  // A payload small enough to be told every violation is validated in one call, as validateRequest does.
  if (!toldFirstViolationOnly(nodesOfLastCheck())) return [...before, ...(schemaViolations(validate, body, '/body') ?? [])];
  return firstErrorInWindows(validate, body, array).then((errors) => [...before, ...toViolations(errors, body, '/body')]);
}

/** A request body is an object: its arrays are properties. */
type PropertyArray = SliceableArray & { key: string };

interface WindowPlan {
  validate: ValidateFunction;
  body: Record<string, unknown>;
  array: PropertyArray;
}

/** The longest sliceable array of the body, when it is long enough to be worth windows. */
function windowPlan(route: Route, body: unknown, mediaType: string): WindowPlan | undefined {
  const validate = route.validators.request[mediaType];
  if (!validate || typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const record = body as Record<string, unknown>;
  // Most bodies have no long array: they never need the spec read (once per API, some milliseconds).
  if (!Object.values(record).some((value) => Array.isArray(value) && value.length > minWindowItems)) return undefined;
  // The body is an object here: only arrays held by a property are found in it.
  const chosen = longestIn(sliceableArrays(route.api, route.method, route.specPath, mediaType), record, minWindowItems) as PropertyArray | undefined;
  return chosen && { validate, body: record, array: chosen };
}

/**
 * The accept build's errors for the whole body, found a window at a time. ajv checks the body's
 * keywords in a fixed order: the root keywords and the properties before the array, its length, its
 * items one by one, then the properties after it; it stops at the first error. So: a window that
 * fails in its items has the body's first error (shifted to the item's index), since nothing before
 * the items failed in it either; a window failing before the items has the body's first error too;
 * a window failing after its items only says that, unless a later window fails in its items, the
 * body fails there. A length out of bounds is found by the one call at once, before any item.
 */
async function firstErrorInWindows(validate: ValidateFunction, body: Record<string, unknown>, array: PropertyArray): Promise<ErrorObject[] | undefined> {
  const items = body[array.key] as unknown[];
  const count = items.length;
  const size = Math.min(Math.max(minWindowItems, Math.ceil(count / maxWindows), array.minItems), array.maxItems);
  if (count < array.minItems || count > array.maxItems || size < array.minItems) return oneCall(validate, body);
  const budget = new TurnBudget();
  let after: ErrorObject[] | undefined;
  for (let start = 0, window = 1; start < count; start += size, window++) {
    // The last window is taken long enough for minItems; its items before `start` passed already.
    const from = Math.min(start, count - array.minItems);
    if (!validate({ ...body, [array.key]: items.slice(from, start + size) }, true)) {
      const errors = validate.errors ?? [];
      const first = errors[0]?.instancePath ?? '';
      if (itemIndex(first, array.key) !== undefined) return errors.map((error) => shifted(error, array.key, from));
      if (!array.checkedAfter.has(topProperty(first))) return errors;
      after ??= errors;
    }
    if (window % windowsPerTurn === 0 || budget.spent()) await budget.nextTurn();
  }
  return after;
}

function oneCall(validate: ValidateFunction, body: unknown): ErrorObject[] | undefined {
  return validate(body, true) ? undefined : (validate.errors ?? []);
}

/** `/messages/12/role` -> `messages` (unescaped); '' for the root. */
function topProperty(instancePath: string): string {
  const end = instancePath.indexOf('/', 1);
  return (end < 0 ? instancePath.slice(1) : instancePath.slice(1, end)).replace(/~1/g, '/').replace(/~0/g, '~');
}

function escaped(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** The item index of a path inside the array at `/key`, else undefined. */
function itemIndex(instancePath: string, key: string): number | undefined {
  const prefix = `/${escaped(key)}/`;
  if (!instancePath.startsWith(prefix)) return undefined;
  const end = instancePath.indexOf('/', prefix.length);
  const index = instancePath.slice(prefix.length, end < 0 ? undefined : end);
  return /^\d+$/.test(index) ? Number(index) : undefined;
}

/** The error of an item of a window, as one call over the whole array reports it (index + `from`). */
function shifted(error: ErrorObject, key: string, from: number): ErrorObject {
  const index = itemIndex(error.instancePath, key);
  if (index === undefined) return error;
  const prefix = `/${escaped(key)}/`;
  const rest = error.instancePath.slice(prefix.length + String(index).length);
  return { ...error, instancePath: `${prefix}${index + from}${rest}` };
}
