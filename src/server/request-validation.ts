/**
 * @module The pipeline's validation of a request against the operation's generated validators,
 * without holding the event loop for a large body: a JSON body whose bulk is one long array is
 * validated with the body's own validator over the body with a window of that array's items in its
 * place, a window at a time, the event loop getting a turn between slices. A body past the
 * all-violations size (so told its first violation only, see `schemaViolations`) is checked by the
 * accept build in large windows (`firstErrorInWindows`); a smaller one that fails is described by
 * the explain build in small windows (`everyViolationInWindows`), whose cost grows faster than the
 * wrong items it gathers (1,000 wrong Responses input items, 11 KB: 50-90 ms in one call). The windows give
 * exactly the errors one call over the whole body gives; every other request is validated in one
 * call, as before.
 */
import type { ErrorObject } from 'ajv';
import type { ValidateFunction } from '../contract/operation.js';
import { TurnBudget } from '../event-loop/turn-budget.js';
import { parameterViolations, toldFirstViolationOnly, validateRequest, type RequestInput } from '../validate/check.js';
import { checkSize, nodesOfLastCheck } from '../validate/limits.js';
import { describeFolded, foldOnto, toViolations, type Violation } from '../validate/violations.js';
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
/**
 * Items per window of the explain build: its errors of 100 wrong items cost some milliseconds warm
 * (tens cold), so an array longer than this is described a window at a time.
 */
const explainWindowItems = 64;
/** Most explain windows per turn, besides the time slice. */
const explainWindowsPerTurn = 2;

/** The request's violations (none: valid); a promise when the body is validated in slices. */
export function requestViolations(route: Route, input: RequestInput & { mediaType?: string }): Violation[] | Promise<Violation[]> {
  const sliced = input.mediaType === undefined ? undefined : windowPlan(route, input.body, input.mediaType);
  if (!sliced) return validateRequest(route.validators, input, { limits: validationLimits }).violations;
  const before = parameterViolations(route.validators, input) ?? [];
  const { validate, body, array } = sliced;
  const tooLarge = checkSize(body, '/body', validationLimits);
  if (tooLarge) return [...before, tooLarge];
  const described = (errors: ErrorObject[] | undefined) => [...before, ...toViolations(errors, body, '/body')];
  if (toldFirstViolationOnly(nodesOfLastCheck())) return array.inBranch ? described(oneCall(validate, body, true)) : firstErrorInWindows(validate, body, array).then(described);
  // A valid body is answered at once.
  if (validate(body, true)) return before;
  return everyViolationInWindows(validate, body, array).then((found) => [...before, ...found]);
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
  if (!Object.values(record).some((value) => Array.isArray(value) && value.length > explainWindowItems)) return undefined;
  // The body is an object here: only arrays held by a property are found in it.
  const chosen = longestIn(sliceableArrays(route.api, route.method, route.specPath, mediaType), record, explainWindowItems) as PropertyArray | undefined;
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
  if (count < array.minItems || count > array.maxItems || size < array.minItems) return oneCall(validate, body, true);
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

/**
 * The body's every violation, found, folded (`foldOnto`) and described a window at a time. The explain build
 * checks every keyword in a fixed order and reports each failure in that order: the errors of the
 * array's items come as one run, between the errors of everything checked before them (root
 * keywords, earlier properties, the other branches of a `oneOf` the array is a branch of) and after
 * them (that `oneOf` itself, later properties). None of those look into the items, so they are the
 * same in every window whose items fail (and in the whole body, when some item fails): the body's
 * errors are one such window's run replaced by every window's runs, shifted to the items' indices.
 * When no item fails, every window has the body's errors. Each window's length is within the
 * array's bounds, as the whole's is (else the whole is described in one call). For a body the
 * accept build rejected.
 */
async function everyViolationInWindows(validate: ValidateFunction, body: Record<string, unknown>, array: PropertyArray): Promise<Violation[]> {
  const key = array.key;
  const items = body[key] as unknown[];
  const count = items.length;
  const size = Math.min(Math.max(explainWindowItems, array.minItems), array.maxItems);
  const inOneCall = () => toViolations(oneCall(validate, body, false), body, '/body');
  if (count < array.minItems || count > array.maxItems || size < array.minItems) return inOneCall();
  const isItem = (error: ErrorObject) => itemIndex(error.instancePath, key) !== undefined;
  const budget = new TurnBudget();
  const folded: ErrorObject[] = [];
  let after: ErrorObject[] | undefined;
  let noItemFailed: ErrorObject[] | undefined;
  for (let start = 0, window = 1; start < count; start += size, window++) {
    // The last window is taken long enough for minItems; its items before `start` were described already.
    const from = Math.min(start, count - array.minItems);
    if (!validate.explain({ ...body, [key]: items.slice(from, start + size) })) {
      const errors = validate.errors ?? [];
      const first = errors.findIndex(isItem);
      if (first < 0) noItemFailed ??= errors;
      else {
        let end = first;
        while (end < errors.length && isItem(errors[end]!)) end++;
        // Not one run: the order is not the one reasoned about above; the one call says it.
        if (errors.slice(end).some(isItem)) return inOneCall();
        if (after === undefined) {
          after = errors.slice(end).map((error) => ofWhole(error, body, key));
          foldOnto(folded, errors.slice(0, first).map((error) => ofWhole(error, body, key)), body);
        }
        const run = errors.slice(first, end).filter((error) => itemIndex(error.instancePath, key)! + from >= start);
        foldOnto(folded, run.map((error) => shifted(error, key, from)), body);
      }
    }
    if (window % explainWindowsPerTurn === 0 || budget.spent()) await budget.nextTurn();
  }
  if (after === undefined) return noItemFailed ? toViolations(noItemFailed.map((error) => ofWhole(error, body, key)), body, '/body') : inOneCall();
  const kept = foldOnto(folded, after, body);
  const described = { out: [] as Violation[], seen: new Set<string>() };
  for (let start = 0; start < kept.length; start += explainWindowItems) {
    if (budget.spent()) await budget.nextTurn();
    describeFolded(kept.slice(start, start + explainWindowItems), body, '/body', described);
  }
  return described.out;
}

/** An error about a window's body or array (the explain build is verbose) about the whole's instead. */
function ofWhole(error: ErrorObject, body: Record<string, unknown>, key: string): ErrorObject {
  if (!('data' in error)) return error;
  if (error.instancePath === '') return { ...error, data: body };
  return error.instancePath === `/${escaped(key)}` ? { ...error, data: body[key] } : error;
}

/** The errors of one call over the whole body: the accept build's first (`firstErrorOnly`), or the explain build's every one. */
function oneCall(validate: ValidateFunction, body: unknown, firstErrorOnly: boolean): ErrorObject[] | undefined {
  return validate(body, firstErrorOnly) ? undefined : (validate.errors ?? []);
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
