/**
 * A value a JSON schema accepts, drawn at random (json-schema-faker's idea, kept to the keywords the
 * spec uses): `$ref`, `const`, `enum`, `type` (lists too), `oneOf`/`anyOf` (one branch), `allOf`
 * (objects merged), object `properties` and `required`, array `items` and sizes, number and string
 * bounds. Formats and patterns are not honoured: such values are still good fuzz, just not valid.
 * @module
 */
import { resolveLocalRef } from '../../src/contract/local-ref.js';
import { oddString, type CaseRandom } from './random.js';
import type { Schema } from './spec-operations.js';

const maxDepth = 6;

export function sampleSchema(document: unknown, schema: unknown, random: CaseRandom, depth = 0): unknown {
  const s = resolveLocalRef(document, schema) as Schema | boolean | undefined;
  if (s === undefined || typeof s === 'boolean') return random.pick(['text', 1, true, null]);
  if ('const' in s) return s.const;
  if (Array.isArray(s.enum)) return random.pick(s.enum);
  const branches = (s.oneOf ?? s.anyOf) as unknown[] | undefined;
  if (branches?.length) return sampleSchema(document, random.pick(branches), random, depth);
  if (Array.isArray(s.allOf)) {
    const parts = s.allOf.map((part) => sampleSchema(document, part, random, depth));
    return parts.every((p) => p && typeof p === 'object' && !Array.isArray(p)) ? Object.assign({}, ...parts) : parts[0];
  }
  const types = Array.isArray(s.type) ? (s.type as string[]) : typeof s.type === 'string' ? [s.type] : s.properties ? ['object'] : ['string'];
  const type = random.pick(types.length > 1 ? types.filter((t) => t !== 'null') : types);
  switch (type) {
    case 'object': {
      const properties = (s.properties ?? {}) as Record<string, unknown>;
      const required = new Set((s.required ?? []) as string[]);
      const out: Record<string, unknown> = {};
      for (const [name, property] of Object.entries(properties)) {
        if (required.has(name) || (depth < maxDepth && random.chance(0.4))) out[name] = sampleSchema(document, property, random, depth + 1);
      }
      return out;
    }
    case 'array': {
      const min = Number(s.minItems ?? 0);
      const max = Math.min(Number(s.maxItems ?? min + 3), min + 3);
      const count = depth >= maxDepth ? min : random.int(min, max);
      return Array.from({ length: count }, () => sampleSchema(document, s.items, random, depth + 1));
    }
    case 'integer':
    case 'number': {
      const min = typeof s.minimum === 'number' ? s.minimum : typeof s.exclusiveMinimum === 'number' ? s.exclusiveMinimum + 1 : -10;
      const max = typeof s.maximum === 'number' ? s.maximum : typeof s.exclusiveMaximum === 'number' ? s.exclusiveMaximum - 1 : 100;
      const value = min + random.next() * (Math.max(max, min) - min);
      return type === 'integer' ? Math.round(value) : value;
    }
    case 'boolean':
      return random.chance(0.5);
    case 'null':
      return null;
    default: {
      const minLength = Number(s.minLength ?? 1);
      const text = random.chance(0.7) ? random.pick(['Hello', 'Why is the sky blue?', 'fuzz', '{"a":1}', 'ünïcödé 🎉']) : random.sample(oddString);
      return text.padEnd(minLength, 'x');
    }
  }
}
