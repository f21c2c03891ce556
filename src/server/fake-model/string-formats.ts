/**
 * @module Values for JSON Schema string `format`s, in the forms ajv-formats accepts in its
 * default ("full") mode. Unknown formats return undefined, and the caller writes plain words.
 */
import type { Rng } from './random.js';
import { NOUNS, PEOPLE, SURNAMES } from './word-bank.js';

const pad = (value: number, width = 2): string => String(value).padStart(width, '0');

function date(rng: Rng): string {
  // Day 1..28 is valid in every month, so no calendar arithmetic is needed.
  return `${rng.int(2015, 2030)}-${pad(rng.int(1, 12))}-${pad(rng.int(1, 28))}`;
}

function time(rng: Rng): string {
  return `${pad(rng.int(0, 23))}:${pad(rng.int(0, 59))}:${pad(rng.int(0, 59))}Z`;
}

function hex(rng: Rng, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += '0123456789abcdef'[rng.int(0, 15)];
  return out;
}

function hostname(rng: Rng): string {
  return `${rng.pick(NOUNS)}.example.${rng.pick(['com', 'org', 'net'])}`;
}

function email(rng: Rng): string {
  return `${rng.pick(PEOPLE).toLowerCase()}.${rng.pick(SURNAMES).toLowerCase()}@example.com`;
}

function uri(rng: Rng): string {
  return `https://${hostname(rng)}/${rng.pick(NOUNS)}/${rng.int(1, 999)}`;
}

function base64(rng: Rng): string {
  const bytes = new Uint8Array(rng.int(3, 12) * 3);
  for (let i = 0; i < bytes.length; i++) bytes[i] = rng.int(0, 255);
  return btoa(String.fromCharCode(...bytes));
}

const FORMATS: Record<string, (rng: Rng) => string> = {
  'date-time': (rng) => `${date(rng)}T${time(rng)}`,
  date,
  time,
  duration: (rng) => `P${rng.int(1, 30)}DT${rng.int(1, 23)}H`,
  email,
  'idn-email': email,
  hostname,
  'idn-hostname': hostname,
  ipv4: (rng) => `${rng.int(10, 223)}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`,
  ipv6: (rng) => `2001:db8:${hex(rng, 4)}:${hex(rng, 4)}::${hex(rng, 2)}`,
  uri,
  url: uri,
  iri: uri,
  'uri-reference': (rng) => `/${rng.pick(NOUNS)}/${rng.int(1, 999)}`,
  'iri-reference': (rng) => `/${rng.pick(NOUNS)}/${rng.int(1, 999)}`,
  'uri-template': (rng) => `https://${hostname(rng)}/{${rng.pick(NOUNS)}}`,
  uuid: (rng) => `${hex(rng, 8)}-${hex(rng, 4)}-4${hex(rng, 3)}-${'89ab'[rng.int(0, 3)]}${hex(rng, 3)}-${hex(rng, 12)}`,
  'json-pointer': (rng) => `/${rng.pick(NOUNS)}/${rng.int(0, 9)}`,
  'relative-json-pointer': (rng) => `${rng.int(0, 3)}/${rng.pick(NOUNS)}`,
  regex: () => '^[a-z]+$',
  byte: base64,
  binary: (rng) => hex(rng, 16),
  password: (rng) => `${rng.pick(NOUNS)}-${hex(rng, 8)}`,
};

/** A value of the named format, or undefined for a format this module does not know. */
export function formatValue(format: string, rng: Rng): string | undefined {
  return FORMATS[format]?.(rng);
}
