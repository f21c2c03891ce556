/** Bundles one root with Redocly's bundler; unresolvable refs become located problems. @module */
import { bundle, createConfig } from '@redocly/openapi-core';
import type { SpecProblem } from './spec-error.js';
import type { SpecSources } from './spec-sources.js';
import type { OpenApiDocument } from './catalog.js';

export async function bundleRoot(rootFile: string, sources: SpecSources): Promise<{ document: OpenApiDocument; problems: SpecProblem[] }> {
  const config = await createConfig({});
  const result = await bundle({ ref: rootFile, config });
  const problems: SpecProblem[] = [];
  for (const problem of result.problems) {
    if (problem.severity !== 'error') continue;
    const where = problem.location[0];
    const pointer = (where?.pointer ?? '#').replace(/^#\/?/, '').split('/').filter(Boolean).map(unescapePointer);
    const ref = where ? sources.valueAt(where.source.absoluteRef, [...pointer, '$ref']) : undefined;
    const at = ref === undefined ? pointer : [...pointer, '$ref'];
    const location = where ? sources.locateInFile(where.source.absoluteRef, at) : { file: rootFile, line: 1, col: 1 };
    problems.push({ location, message: ref === undefined ? problem.message : `${problem.message} '${ref}'` });
  }
  return { document: result.bundle.parsed as OpenApiDocument, problems };
}

function unescapePointer(segment: string): string {
  return decodeURIComponent(segment).replace(/~1/g, '/').replace(/~0/g, '~');
}
