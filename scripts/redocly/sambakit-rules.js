// Lint rules that Redocly has no built-in for: every property carries a description, every
// request and response media type carries at least one example, and every `x-sambakit-source`
// mark has a known value in a place where it is rendered.
import { readFileSync } from 'node:fs';

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

export default function sambakitRules() {
  return {
    id: 'sambakit',
    rules: {
      oas3: {
        'property-description': PropertyDescription,
        'media-type-examples': MediaTypeExamples,
        'source-mark': SourceMark,
      },
    },
  };
}
