import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { diffDocuments } from '../../src/diff/diff.js';
import { corpusRoot } from './corpus.js';

// Values a hand-edited spec can hold where a schema, a parameter list or a media type should be.
const junk = [null, 5, 'x', [], { $ref: '#/nope' }, { type: 7, properties: [], required: 'x', enum: 'x' }];

// What a node is, by the key it sits under or the key of its parent.
const ownRoles = ['paths', 'parameters', 'requestBody', 'content', 'schema', 'responses', 'headers', 'properties', 'items', 'anyOf', 'oneOf', 'allOf', 'required', 'enum', 'type', 'additionalProperties', 'x-sambakit-stream', 'security', 'securitySchemes', 'components'];
const childRoles = ['paths', 'parameters', 'content', 'responses', 'headers', 'properties', 'anyOf', 'oneOf', 'schemas'];

/** The first [parent, key] of each role in the document. */
function firstOfEachRole(doc: unknown): Map<string, [Record<string, unknown>, string]> {
  const found = new Map<string, [Record<string, unknown>, string]>();
  const walk = (value: unknown, parentKey: string) => {
    if (!value || typeof value !== 'object') return;
    for (const key of Object.keys(value)) {
      const role = ownRoles.includes(key) ? key : childRoles.includes(parentKey) ? `a child of ${parentKey}` : undefined;
      if (role && !found.has(role)) found.set(role, [value as Record<string, unknown>, key]);
      walk((value as Record<string, unknown>)[key], key);
    }
  };
  walk(doc, '');
  return found;
}

describe('documents that are OpenAPI in name but broken inside', () => {
  // A small document with every part the diff reads: unions, allOf, recursion, streams, headers, security.
  const original = parse(readFileSync(`${corpusRoot}/composition/breaking/old.yaml`, 'utf8')) as unknown;
  const roles = [...firstOfEachRole(original).keys()];

  it('finds a node of every role to break', () => expect(roles).toHaveLength(ownRoles.length + childRoles.length));

  it.each(roles)('%s replaced by junk: the diff finishes either way round', (role) => {
    for (const value of junk) {
      const broken = structuredClone(original);
      const [parent, key] = firstOfEachRole(broken).get(role)!;
      parent[key] = structuredClone(value);
      expect(() => diffDocuments(original, broken)).not.toThrow();
      expect(() => diffDocuments(broken, original)).not.toThrow();
    }
  });
});
