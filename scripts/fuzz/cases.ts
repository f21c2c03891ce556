/**
 * Fuzz cases: a valid request of an operation (a spec example or a value drawn from its schema),
 * then one mutation of one kind. Case N of a seed and API is always the same case, so any case can
 * be rebuilt from its id and a failing one is saved whole.
 * @module
 */
import type { ApiName } from '../../src/contract/index.js';
import { validateRequest } from '../../src/validate/index.js';
import { answerableBody } from './answerable.js';
import { dataUrl, formBreaks, goodAudio, lyingAudio, lyingImage, multipartForm, type MediaFile } from './media.js';
import { anyJson, CaseRandom, oddString } from './random.js';
import { sampleSchema } from './sample-schema.js';
import { resolveLocalRef } from '../../src/contract/local-ref.js';
import { fuzzOperations, type FuzzOperation, type Schema } from './spec-operations.js';

export const mutationKinds = [
  'valid',
  'wrong-type',
  'missing-field',
  'extra-field',
  'boundary',
  'huge-string',
  'char-run',
  'huge-array',
  'deep-nesting',
  'invalid-utf8',
  'truncated-json',
  'malformed-json',
  'content-type',
  'broken-multipart',
  'lying-audio',
  'lying-image',
  'path-param',
] as const;
export type MutationKind = (typeof mutationKinds)[number];

export interface FuzzCase {
  /** `<api>/<seed>/<index>`. */
  id: string;
  api: ApiName;
  operationId: string;
  kind: MutationKind;
  /** What was done, for people: `wrong-type at /messages/0/role: 42`. */
  detail: string;
  method: string;
  /** The spec's path (without a mount), parameters filled in. */
  path: string;
  headers: Record<string, string>;
  bodyBase64?: string;
  /** A 4xx answer must contain one of these (case-insensitive): the field or part at fault. Empty: any clear message. */
  names: string[];
}

type Json = unknown;
type Pointer = Array<string | number>;

const formatNames = ['json', 'body'];
const contentTypeNames = ['content-type', 'content type', 'media type'];
const nestMarker = '\u0000fuzz-nest\u0000';

/**
 * A spec example, or (three times in ten) a value drawn from the schema that the operation's own
 * validator accepts, either made answerable by the server (answerable.ts): a mutation then is the
 * only fault in the body, so a 4xx must name it.
 */
function validBody(operation: FuzzOperation, random: CaseRandom): Json {
  const examples = operation.examples.filter((e) => e !== undefined);
  if (!examples.length || random.chance(0.3)) {
    for (let attempt = 0; attempt < 5; attempt++) {
      const sampled = answerableBody(operation, sampleSchema(operation.document, operation.schema, random), random);
      const form = operation.mediaType === 'multipart/form-data';
      // A form carries text: a null field is one the client leaves out (sent, it would be the text "null").
      if (form && sampled && typeof sampled === 'object') for (const [name, value] of Object.entries(sampled)) if (value === null) delete (sampled as Record<string, Json>)[name];
      const checked = form ? { ...(sampled as object), ...Object.fromEntries(operation.fileFields.map((f) => [f, 'a.wav'])) } : sampled;
      if (!validateRequest(operation.validators, { body: checked, params: operation.pathParams }).valid) continue;
      // The schema takes any model name; the server serves its catalogue's: an example's model keeps the body answerable.
      const model = (examples.find((e) => (e as { model?: unknown })?.model) as { model?: unknown } | undefined)?.model;
      if (model !== undefined && sampled && typeof sampled === 'object' && 'model' in sampled) (sampled as { model: unknown }).model = model;
      return sampled;
    }
  }
  return answerableBody(operation, examples.length ? structuredClone(random.pick(examples)) : sampleSchema(operation.document, operation.schema, random), random);
}

/** Every place in a value (the root excluded), with the value there. */
function places(value: Json, at: Pointer = [], out: Array<{ at: Pointer; value: Json }> = []): Array<{ at: Pointer; value: Json }> {
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const child = [...at, Array.isArray(value) ? Number(k) : k];
      out.push({ at: child, value: v });
      places(v, child, out);
    }
  }
  return out;
}

function setAt(root: Json, at: Pointer, value: Json): Json {
  if (at.length === 0) return value;
  const parent = at.slice(0, -1).reduce<Json>((node, k) => (node as Record<string | number, Json>)[k], root) as Record<string | number, Json>;
  parent[at.at(-1)!] = value;
  return root;
}

const pointer = (at: Pointer) => `/${at.join('/')}`;
/** The field names along a pointer (array indexes skipped), innermost first: what a message may name. */
const fieldNames = (at: Pointer) => at.filter((k): k is string => typeof k === 'string').reverse();

function typeOf(value: Json): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

function otherType(value: Json, random: CaseRandom): Json {
  const candidates: Json[] = ['text', 42, -1.5, true, null, [], {}, [1, 'two'], { x: 1 }, '', '0', 'true'];
  return random.pick(candidates.filter((c) => typeOf(c) !== typeOf(value)));
}

const extremeNumbers = [-1, 0, 1, -0, 0.5, 1e308, -1e308, 2 ** 53 + 1, -(2 ** 63), 4294967296, 1e-320, 123456789012345680000, 2 ** 31, -(2 ** 31) - 1];

/** Text of about `length` characters: a few kilobytes of mixed words, repeated. */
function longText(random: CaseRandom, length: number): string {
  const words = ['the ', 'sky ', 'is ', 'blue ', 'because ', 'Rayleigh ', 'scattering ', '🎉 ', 'naïve ', '日本語 ', '\n', '\t', '"quoted" ', '\\ '];
  let chunk = '';
  while (chunk.length < Math.min(length, 4096)) chunk += random.pick(words);
  return chunk.repeat(Math.ceil(length / chunk.length)).slice(0, length);
}

const runChars = ['a', ' ', '\n', '\u0000', 'é', '🎉', '\\', '"', '{', '0', '.', '\u200b', '日'];

/** A JSON body mutated in its value; `names` is filled for mutations aimed at a field. */
interface ValueMutation {
  value: Json;
  detail: string;
  names: string[];
  /** Replaces the nesting marker with this many levels when serialized. */
  nest?: { depth: number; open: '[' | '{"a":' };
}

/**
 * The fields a refusal names, rightly, when the removed field is the one that chose the body's
 * schema: the body is then read by another one, which asks for its own fields. With `if`/`else`,
 * the `else` schema's (LMI's invoke without `messages` is a request in LMI's own schema, so the
 * refusal names the `inputs` it lacks); with `anyOf`/`oneOf`, the other branches' (SambaStudio's
 * generic predict without `inputs` is told the `instances` it lacks).
 */
function switchedBranchFields(operation: FuzzOperation, at: Pointer): string[] {
  if (at.length !== 1) return [];
  const resolve = (s: unknown) => resolveLocalRef(operation.document, s) as Schema | undefined;
  const requires = (s: Schema | undefined) => (Array.isArray(s?.required) ? (s.required as string[]) : []);
  const schema = operation.schema;
  if (schema?.if !== undefined) return requires(resolve(schema.if)).includes(String(at[0])) ? requires(resolve(schema.else)) : [];
  const branches = ((schema?.anyOf ?? schema?.oneOf ?? []) as unknown[]).map(resolve);
  if (!branches.some((branch) => requires(branch).includes(String(at[0])))) return [];
  return branches.filter((branch) => !requires(branch).includes(String(at[0]))).flatMap(requires);
}

function mutateValue(kind: MutationKind, base: Json, random: CaseRandom, operation: FuzzOperation): ValueMutation | undefined {
  const all = places(base);
  const pick = (filter: (p: { at: Pointer; value: Json }) => boolean = () => true) => {
    const matching = all.filter(filter);
    return matching.length ? random.pick(matching) : undefined;
  };
  switch (kind) {
    case 'valid':
      return { value: base, detail: 'valid', names: [] };
    case 'wrong-type': {
      const place = pick();
      if (!place) return { value: otherType(base, random), detail: 'wrong-type at /', names: formatNames };
      const value = otherType(place.value, random);
      return { value: setAt(base, place.at, value), detail: `wrong-type at ${pointer(place.at)}: ${JSON.stringify(value)}`, names: fieldNames(place.at) };
    }
    case 'missing-field': {
      const place = pick((p) => typeof p.at.at(-1) === 'string');
      if (!place) return undefined;
      const parent = place.at.slice(0, -1).reduce<Json>((node, k) => (node as Record<string | number, Json>)[k], base) as Record<string, Json>;
      delete parent[place.at.at(-1) as string];
      return { value: base, detail: `missing-field ${pointer(place.at)}`, names: [...fieldNames(place.at), ...switchedBranchFields(operation, place.at)] };
    }
    case 'extra-field': {
      const objects = [{ at: [] as Pointer, value: base }, ...all].filter((p) => typeOf(p.value) === 'object');
      if (!objects.length) return undefined;
      const target = random.pick(objects);
      const name = random.pick(['unknown_field', 'constructor', '__proto__', 'x'.repeat(random.int(100, 5000)), random.sample(oddString) || 'empty', '']);
      Object.defineProperty(target.value as object, name, { value: random.sample(anyJson), enumerable: true, configurable: true, writable: true });
      return { value: base, detail: `extra-field ${pointer([...target.at, name]).slice(0, 200)}`, names: [name, ...fieldNames(target.at)] };
    }
    case 'boundary': {
      const place = pick((p) => typeof p.value === 'number') ?? pick();
      if (!place) return undefined;
      const value = random.pick(extremeNumbers);
      return { value: setAt(base, place.at, value), detail: `boundary at ${pointer(place.at)}: ${value}`, names: fieldNames(place.at) };
    }
    case 'huge-string':
    case 'char-run': {
      const place = pick((p) => typeof p.value === 'string') ?? pick();
      if (!place) return undefined;
      // Mostly sizes a model call meets; one in ten up to a few megabytes (the body limit is 25 MiB).
      const length = random.chance(0.1) ? random.int(1_000_000, 3_000_000) : random.pick([1_000, 10_000, 100_000, random.int(1, 300_000)]);
      const char = random.pick(runChars);
      const value = kind === 'huge-string' ? longText(random, length) : char.repeat(Math.ceil(length / char.length));
      return { value: setAt(base, place.at, value), detail: `${kind} at ${pointer(place.at)}: ${kind === 'char-run' ? `${JSON.stringify(char)} x ` : ''}${length}`, names: fieldNames(place.at) };
    }
    case 'huge-array': {
      const place = pick((p) => Array.isArray(p.value)) ?? pick();
      if (!place) return undefined;
      const first: Json = Array.isArray(place.value) && place.value.length ? place.value[0] : 'x';
      // Many small items: the cost is the count, not megabytes of text (huge-string covers those).
      const item = (JSON.stringify(first) ?? '').length <= 200 ? first : 'x';
      // Two known issues keep these counts small, so the rest gets fuzzed: SambaStudio's native prompt
      // lists are answered prompt by prompt in one turn (50,000 prompts stall the server for many
      // seconds and stream gigabytes), and the validators' explain build grows with the square of
      // the number of invalid items (20,000 take seconds). Both are saved in test/fuzz/regressions/.
      const promptList = operation.api === 'sambastudio' && ['inputs', 'instances', 'items'].includes(String(place.at.at(-1)));
      const count = promptList ? random.pick([10, 100]) : random.pick([100, 1_000, 5_000]);
      return { value: setAt(base, place.at, Array.from({ length: count }, () => item)), detail: `huge-array at ${pointer(place.at)}: ${count} items`, names: [...fieldNames(place.at), 'items'] };
    }
    case 'deep-nesting': {
      const place = pick() ?? { at: [], value: base };
      const depth = random.pick([65, 100, 1_000, 10_000, 100_000]);
      return {
        value: setAt(base, place.at, nestMarker),
        detail: `deep-nesting at ${pointer(place.at)}: ${depth} levels`,
        names: [...fieldNames(place.at), 'nesting', 'deep', 'body'],
        nest: { depth, open: random.pick(['[', '{"a":'] as const) },
      };
    }
    case 'lying-image': {
      const place = pick((p) => typeof p.value === 'string' && /^(data:image|https?:\/\/)/.test(p.value)) ?? pick((p) => typeof p.value === 'string' && fieldNames(p.at).some((n) => /image/.test(n)));
      if (!place) return undefined;
      const image = lyingImage(random);
      const value = (place.value as string).startsWith('data:') || (place.value as string).startsWith('http') ? dataUrl(image) : Buffer.from(image.bytes).toString('base64');
      return { value: setAt(base, place.at, value), detail: `lying-image at ${pointer(place.at)}: ${image.what}`, names: [...fieldNames(place.at), 'image'] };
    }
    default:
      void operation;
      return undefined;
  }
}

function serialize(mutation: ValueMutation): string {
  let text = JSON.stringify(mutation.value) ?? 'null';
  if (mutation.nest) {
    const { depth, open } = mutation.nest;
    const close = open === '[' ? ']' : '}';
    text = text.replace(JSON.stringify(nestMarker), `${open.repeat(depth)}1${close.repeat(depth)}`);
  }
  return text;
}

const malformed = ['', ' ', '{', '}', '[', '{"a":1,}', "{'model': 'x'}", '{"a": NaN}', '{"a": 1e999999}', '// comment\n{}', 'null', 'true', '[]', '"text"', '0', '{"a":1}{"b":2}', '{"a":"\\ud800"}', '{"a":"\\u00"}', '\ufeff\ufeff{}', '{"a" 1}', '\u0000'];

const invalidUtf8 = [[0xff], [0xfe, 0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xe2, 0x82], [0x80], [0xf4, 0x90, 0x80, 0x80]];

function jsonCase(operation: FuzzOperation, kind: MutationKind, random: CaseRandom): { detail: string; contentType?: string; body: Uint8Array; names: string[] } | undefined {
  const base = validBody(operation, random);
  const contentType = operation.mediaType ?? 'application/json';
  const encode = (text: string) => new TextEncoder().encode(text);
  switch (kind) {
    case 'truncated-json': {
      const text = JSON.stringify(base);
      const cut = random.int(0, Math.max(0, text.length - 1));
      return { detail: `truncated-json at ${cut} of ${text.length}`, contentType, body: encode(text.slice(0, cut)), names: formatNames };
    }
    case 'malformed-json': {
      const text = random.pick(malformed);
      return { detail: `malformed-json ${JSON.stringify(text)}`, contentType, body: encode(text), names: formatNames };
    }
    case 'invalid-utf8': {
      const text = JSON.stringify(base);
      const quotes = [...text.matchAll(/"/g)].map((m) => m.index);
      const at = quotes.length ? random.pick(quotes) + 1 : 0;
      const bad = random.pick(invalidUtf8);
      const bytes = Buffer.concat([Buffer.from(text.slice(0, at)), Buffer.from(bad), Buffer.from(text.slice(at))]);
      return { detail: `invalid-utf8 ${Buffer.from(bad).toString('hex')} at ${at}`, contentType, body: bytes, names: [] };
    }
    case 'content-type': {
      const wrong = random.pick([undefined, 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonx', 'application/json-patch+json', '*/*', 'application', ';;;', 'x'.repeat(2000)]);
      return { detail: `content-type ${JSON.stringify(wrong)?.slice(0, 80) ?? 'missing'}`, contentType: wrong, body: encode(JSON.stringify(base)), names: [...contentTypeNames, contentType] };
    }
    default: {
      const mutation = mutateValue(kind, base, random, operation);
      if (!mutation) return undefined;
      return { detail: mutation.detail, contentType, body: encode(serialize(mutation)), names: mutation.names };
    }
  }
}

/** Form fields as the official SDKs send them: text, objects as bracketed names (`stream_options[include_usage]`). */
function formFields(fields: Record<string, Json>, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(fields)) {
    const full = prefix ? `${prefix}[${name}]` : name;
    if (value && typeof value === 'object' && !Array.isArray(value)) Object.assign(out, formFields(value as Record<string, Json>, full));
    else out[full] = typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
  }
  return out;
}

function multipartCase(operation: FuzzOperation, kind: MutationKind, random: CaseRandom): { detail: string; contentType?: string; body: Uint8Array; names: string[] } | undefined {
  const base = validBody(operation, random) as Record<string, Json>;
  const fields: Record<string, Json> = Object.fromEntries(Object.entries(base ?? {}).filter(([name]) => !operation.fileFields.includes(name)));
  const files: Record<string, MediaFile> = Object.fromEntries(operation.fileFields.map((name) => [name, goodAudio()]));
  const partNames = [...operation.fileFields, 'file', 'multipart', 'form'];
  const form = (f: Record<string, Json>, broken = formBreaks[0]!) => {
    const built = multipartForm(formFields(f), files, random, kind === 'broken-multipart' ? broken : 'none');
    return { contentType: built.contentType, body: built.body };
  };
  switch (kind) {
    case 'broken-multipart': {
      const broken = random.pick(formBreaks);
      return { detail: `broken-multipart ${broken}`, ...form(fields, broken), names: [...partNames, 'boundary', ...Object.keys(fields)] };
    }
    case 'lying-audio': {
      const name = random.pick(operation.fileFields);
      const audio = lyingAudio(random);
      files[name] = audio;
      return { detail: `lying-audio in ${name}: ${audio.what}`, ...form(fields), names: [name, 'audio', 'file'] };
    }
    case 'content-type': {
      const built = form(fields);
      const wrong = random.pick([undefined, 'application/json', 'text/plain', 'multipart/mixed; boundary=x', 'multipart/form-data; boundary=', 'multipart/form-data; boundary="unterminated']);
      return { detail: `content-type ${wrong ?? 'missing'}`, contentType: wrong, body: built.body, names: [...contentTypeNames, 'multipart', 'boundary'] };
    }
    case 'missing-field': {
      const names = [...Object.keys(fields), ...operation.fileFields];
      if (!names.length) return undefined;
      const name = random.pick(names);
      delete fields[name];
      delete files[name];
      return { detail: `missing-field ${name}`, ...form(fields), names: [name] };
    }
    case 'valid':
      return { detail: 'valid', ...form(fields), names: [] };
    default: {
      const mutation = mutateValue(kind, fields, random, operation);
      // A form is a set of named fields: a mutation that replaced the whole set (a form without
      // fields given another type) or nests has no form to send.
      if (!mutation || mutation.nest || typeOf(mutation.value) !== 'object') return undefined;
      return { detail: mutation.detail, ...form(mutation.value as Record<string, Json>), names: [...mutation.names, ...partNames] };
    }
  }
}

function pathParamCase(operation: FuzzOperation, random: CaseRandom): { detail: string; path: string; names: string[] } | undefined {
  const names = Object.keys(operation.pathParams);
  if (!names.length) return undefined;
  const name = random.pick(names);
  const raw = random.pick(['%ff%fe', '%00', '%', '%zz', '..%2f..%2f', encodeURIComponent('x'.repeat(random.int(100, 4000))), encodeURIComponent(random.sample(oddString)), '%E2%80%AE', '%20', 'a;b=c']);
  const path = operation.path.replace(encodeURIComponent(operation.pathParams[name]!), raw);
  return { detail: `path-param ${name}: ${raw.slice(0, 80)}`, path, names: [name, 'model', 'path', 'url', 'route', 'found'] };
}

function applicableKinds(operation: FuzzOperation): MutationKind[] {
  if (!operation.mediaType) return ['valid', 'path-param', 'valid'];
  const hasImage = operation.examples.some((e) => /data:image|image_url|"image"/.test(JSON.stringify(e) ?? ''));
  return mutationKinds.filter((kind) => {
    if (kind === 'path-param') return Object.keys(operation.pathParams).length > 0;
    if (kind === 'broken-multipart' || kind === 'lying-audio') return operation.mediaType === 'multipart/form-data';
    if (kind === 'lying-image') return hasImage;
    if (kind === 'truncated-json' || kind === 'malformed-json' || kind === 'invalid-utf8') return operation.mediaType === 'application/json';
    return true;
  });
}

/** Case `index` of a seed for one API. */
export function fuzzCase(api: ApiName, seed: number, index: number): FuzzCase {
  const random = new CaseRandom(seed, api, index);
  const operations = fuzzOperations(api);
  for (let attempt = 0; ; attempt++) {
    const operation = random.pick(operations);
    const kind = attempt > 20 ? 'valid' : random.pick(applicableKinds(operation));
    const headers = { ...operation.auth };
    const common = { id: `${api}/${seed}/${index}`, api, operationId: operation.operationId, kind, method: operation.method, headers };
    const changed = kind === 'path-param' ? pathParamCase(operation, random) : undefined;
    if (kind === 'path-param' && !changed) continue;
    if (!operation.mediaType) return { ...common, detail: changed?.detail ?? 'valid', path: changed?.path ?? operation.path, names: changed?.names ?? [] };
    const built = operation.mediaType === 'multipart/form-data' ? multipartCase(operation, changed ? 'valid' : kind, random) : jsonCase(operation, changed ? 'valid' : kind, random);
    if (!built) continue;
    if (built.contentType !== undefined) headers['content-type'] = built.contentType;
    const body = Buffer.from(built.body).toString('base64');
    if (changed) return { ...common, detail: changed.detail, path: changed.path, bodyBase64: body, names: changed.names };
    return { ...common, detail: built.detail, path: operation.path, bodyBase64: body, names: built.names };
  }
}
