// Lint rules that Redocly has no built-in for: every property carries a description, every
// request and response media type carries at least one example, every `x-sambakit-source`
// mark has a known value in a place where it is rendered, and no `pattern` can backtrack
// catastrophically.
import { readFileSync } from 'node:fs';
import { analyse } from 'scslre';

// The values and their wording are shared with the generator (scripts/generate/source-marks.ts).
const sourceValues = Object.keys(JSON.parse(readFileSync(new URL('../generate/sambakit-source.json', import.meta.url), 'utf8')));
// Where the generator renders the mark into a description (and so where readers see it).
const markedTypes = new Set(['Operation', 'Response', 'Parameter', 'Header', 'Schema']);

function PropertyDescription() {
  return {
    Schema: {
      enter(schema, ctx) {
        const properties = schema && typeof schema === 'object' ? schema.properties : undefined;
        if (!properties || typeof properties !== 'object') return;
        for (const [name, property] of Object.entries(properties)) {
          // A $ref'd schema is described where it is defined.
          if (property && typeof property === 'object' && '$ref' in property) continue;
          if (!property || typeof property.description !== 'string' || property.description.trim() === '') {
            ctx.report({
              message: `Property \`${name}\` has no description.`,
              location: ctx.location.child(['properties', name]).key(),
            });
          }
        }
      },
    },
  };
}

function MediaTypeExamples() {
  return {
    MediaType: {
      enter(mediaType, ctx) {
        const hasExample = mediaType.example !== undefined;
        const hasExamples = mediaType.examples && Object.keys(mediaType.examples).length > 0;
        if (!hasExample && !hasExamples) {
          ctx.report({
            message: 'Media type has no example: add at least one named example.',
            location: ctx.location.key(),
          });
        }
      },
    },
  };
}

function SourceMark() {
  return {
    any: {
      enter(node, ctx) {
        if (!node || typeof node !== 'object' || Array.isArray(node) || !('x-sambakit-source' in node)) return;
        const value = node['x-sambakit-source'];
        const location = ctx.location.child(['x-sambakit-source']);
        if (!sourceValues.includes(value)) {
          ctx.report({ message: `\`x-sambakit-source\` must be one of ${sourceValues.join(', ')}; got ${JSON.stringify(value)}.`, location });
        } else if (!markedTypes.has(ctx.type.name)) {
          ctx.report({ message: `\`x-sambakit-source\` belongs on an operation, response, parameter, header or schema, not on a ${ctx.type.name}.`, location });
        }
      },
    },
  };
}

/**
 * Every `pattern` compiles as the validators compile it (ECMA-262 with the `u` flag) and has no
 * super-linear backtracking: a crafted string must not make checking a field take seconds. scslre
 * (pure JavaScript, no binaries) finds quantifiers that trade characters with each other (`^(a+)+$`
 * on "aaaa…b"), looking for attack strings that repeat one character; that keeps its false positives
 * rare (safe-regex2 flagged seven safe patterns of these specs; scslre flags none).
 */
function PatternBacktracking() {
  return {
    Schema: {
      enter(schema, ctx) {
        if (!schema || typeof schema !== 'object' || typeof schema.pattern !== 'string') return;
        const location = ctx.location.child(['pattern']);
        try {
          new RegExp(schema.pattern, 'u');
        } catch (error) {
          ctx.report({ message: `\`pattern\` is not a valid regular expression (with the u flag): ${error.message}`, location });
          return;
        }
        for (const found of analyse({ source: schema.pattern, flags: 'u' }).reports) {
          const kind = found.exponential ? 'exponential' : 'polynomial';
          const fixed = found.fix();
          ctx.report({
            message: `\`pattern\` ${JSON.stringify(schema.pattern)} backtracks catastrophically (${kind} in the length of a run of ${JSON.stringify(found.character.pick)}): rewrite it so that no two quantifiers can match the same characters${fixed ? `, e.g. ${JSON.stringify(fixed.source)}` : ''}.`,
            location,
          });
        }
      },
    },
  };
}

export default function sambakitRules() {
  return {
    id: 'sambakit',
    rules: {
      oas3: {
        'property-description': PropertyDescription,
        'media-type-examples': MediaTypeExamples,
        'source-mark': SourceMark,
        'pattern-backtracking': PatternBacktracking,
      },
    },
  };
}
