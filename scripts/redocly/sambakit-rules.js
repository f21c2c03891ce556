// Lint rules that Redocly has no built-in for: every property carries a description, and every
// request and response media type carries at least one example.

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

export default function sambakitRules() {
  return {
    id: 'sambakit',
    rules: {
      oas3: {
        'property-description': PropertyDescription,
        'media-type-examples': MediaTypeExamples,
      },
    },
  };
}
