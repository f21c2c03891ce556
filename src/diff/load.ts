/**
 * One side of a diff, from what the user typed: a file (YAML or JSON, split files with `$ref`s
 * resolved), a URL of a spec, a Swagger UI page (`/api/docs`) or `git:REF:path`. The result is the
 * bundled document (local `$ref`s only), as `npm run generate` bundles this project's roots.
 * @module
 */
import { isAbsolute, resolve } from 'node:path';
import { bundle, createConfig, Source, type NormalizedProblem } from '@redocly/openapi-core';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { DiffInputError } from './errors.js';
import { GitRevision } from './git-source.js';
import { fetchText, hideCredentials } from './http-source.js';
import { SpecResolver, isUrl, shownPath } from './spec-resolver.js';
import { isHtmlPage, specOnPage } from './swagger-page.js';

export type OpenApiDocument = Record<string, unknown> & { openapi: string };

export interface LoadedSpec {
  /** What the user typed, with the spec URL a Swagger UI page led to. */
  label: string;
  document: OpenApiDocument;
  /** Whether the source was a Swagger UI page (the only kind `--api` picks from). */
  fromPage: boolean;
}

export interface LoadOptions {
  /** Which spec of a Swagger UI page that lists several (`--api`). */
  api?: string;
  cwd?: string;
}

/** The root file to bundle and the resolver that reads it and everything it refers to. */
interface Located {
  label: string;
  ref: string;
  resolver: SpecResolver;
  body?: string;
  revision?: GitRevision;
  fromPage?: boolean;
}

async function locate(source: string, options: LoadOptions): Promise<Located> {
  const cwd = options.cwd ?? process.cwd();
  const git = /^git:([^:]+):(.+)$/.exec(source);
  if (source.startsWith('git:') && !git) throw new DiffInputError(`${source}: a git source is git:REF:path (for example git:origin/main:spec/sambanova-cloud.yaml)`);
  if (git) {
    const revision = await GitRevision.open(git[1]!, cwd);
    // As `git show REF:path`: relative to the repository's top, unless it starts with ./ or ../
    const path = /^\.\.?\//.test(git[2]!) ? resolve(cwd, git[2]!) : resolve(revision.root, git[2]!);
    return { label: source, ref: path, resolver: new SpecResolver(revision), revision };
  }
  if (isUrl(source)) {
    const fetched = await fetchText(source);
    if (!isHtmlPage(fetched)) return { label: source, ref: fetched.url, resolver: new SpecResolver(), body: fetched.body };
    const listed = await specOnPage(fetched, options.api);
    const spec = await fetchText(listed.url);
    if (isHtmlPage(spec)) throw new DiffInputError(`${listed.url} (listed by ${source}): an HTML page, not a spec`);
    return { label: `${source} -> ${listed.url}`, ref: spec.url, resolver: new SpecResolver(), body: spec.body, fromPage: true };
  }
  return { label: source, ref: isAbsolute(source) ? source : resolve(cwd, source), resolver: new SpecResolver() };
}

function parseRoot(label: string, body: string): OpenApiDocument {
  let parsed: unknown;
  try {
    parsed = parseYaml(body, { uniqueKeys: true });
  } catch (error) {
    if (error instanceof YAMLParseError) {
      throw new DiffInputError(`${label}: not valid YAML or JSON: ${error.message.split('\n')[0]!.replace(/:$/, '')}`);
    }
    throw error;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new DiffInputError(`${label}: not an OpenAPI document (expected a mapping at the top, got ${describe(parsed)})`);
  const doc = parsed as Record<string, unknown>;
  if (typeof doc.swagger === 'string') throw new DiffInputError(`${label}: Swagger ${doc.swagger} is not supported, only OpenAPI 3.0 and 3.1`);
  if (typeof doc.openapi !== 'string') throw new DiffInputError(`${label}: not an OpenAPI document (no "openapi" version field at the top)`);
  if (!/^3\.[0-2]\.\d+/.test(doc.openapi)) throw new DiffInputError(`${label}: OpenAPI ${doc.openapi} is not supported, only 3.0, 3.1 and 3.2`);
  if (doc.paths !== undefined && (typeof doc.paths !== 'object' || doc.paths === null || Array.isArray(doc.paths))) throw new DiffInputError(`${label}: "paths" must be a mapping, got ${describe(doc.paths)}`);
  return doc as OpenApiDocument;
}

/** The `$ref` written at `pointer` of a source file, to name it in a problem. */
function refAt(body: string, pointer: string | undefined): string | undefined {
  try {
    const node = (pointer ?? '#')
      .replace(/^#\/?/, '')
      .split('/')
      .filter(Boolean)
      .map((s) => decodeURIComponent(s).replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce<unknown>((at, key) => (at as Record<string, unknown> | undefined)?.[key], parseYaml(body));
    const ref = (node as { $ref?: unknown } | undefined)?.$ref;
    return typeof ref === 'string' ? ref : undefined;
  } catch {
    return undefined;
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return value.length > 40 ? 'a string' : `the string "${value}"`;
  return typeof value === 'undefined' ? 'nothing (empty document)' : `a ${typeof value}`;
}

export async function loadSpec(source: string, options: LoadOptions = {}): Promise<LoadedSpec> {
  try {
    const loaded = await bundled(source, options);
    return { ...loaded, label: hideCredentials(loaded.label) };
  } catch (error) {
    // A URL's credentials stay out of every message, whichever part of a page or $ref named it.
    if (error instanceof DiffInputError) throw new DiffInputError(hideCredentials(error.message));
    throw error;
  }
}

async function bundled(source: string, options: LoadOptions): Promise<LoadedSpec> {
  const { label, ref, resolver, body, revision, fromPage = false } = await locate(source, options);
  try {
    const text = body ?? (await resolver.loadExternalRef(ref)).body;
    const parsed = parseRoot(label, text);
    const result = await bundle({
      doc: { source: new Source(ref, text), parsed },
      externalRefResolver: resolver,
      config: await createConfig({}),
    });
    const problem = result.problems.find((p) => p.severity === 'error');
    if (problem) throw new DiffInputError(`${label}: ${describeProblem(problem)}`);
    return { label, document: result.bundle.parsed as OpenApiDocument, fromPage };
  } finally {
    revision?.close();
  }
}

/** Redocly's problem in one line: what, where (file and pointer), and the `$ref` involved. */
function describeProblem(problem: NormalizedProblem): string {
  const where = problem.location[0];
  const file = where ? (isUrl(where.source.absoluteRef) ? where.source.absoluteRef : shownPath(where.source.absoluteRef)) : undefined;
  const at = file ? ` at ${file}${where!.pointer ?? ''}` : '';
  const ref = where ? refAt(where.source.body, where.pointer) : undefined;
  const unresolved = /^Can't resolve \$ref(?:: ([\s\S]*))?$/.exec(problem.message);
  if (unresolved) return `cannot resolve $ref${ref ? ` '${ref}'` : ''}${at}${unresolved[1] ? `: ${unresolved[1]}` : ''}`;
  return `${problem.message}${at}`;
}
