/**
 * Follows local `$ref`s (`#/components/...`) in a bundled document: the bundler leaves only local
 * refs, and the generator, the server and the tests all need to see through them.
 * @module
 */

/** `value`, or what its `$ref` chain points to in `doc` (at most 16 hops, against cycles). */
export function resolveLocalRef(doc: unknown, value: unknown): unknown {
  let current = value;
  for (let hops = 0; hops < 16; hops++) {
    if (!current || typeof current !== 'object' || typeof (current as { $ref?: unknown }).$ref !== 'string') return current;
    current = (current as { $ref: string }).$ref
      .replace(/^#\//, '')
      .split('/')
      .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], doc);
  }
  return current;
}
